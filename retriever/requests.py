"""A search as a user asks for it, checked before it runs, and run the same way by every app.

The command line (one query or a batch file), the MCP tools and the web UI all refuse bad input with one
line that names what is valid: an unknown task, mode, repository, language or kind, an empty query, a k
out of range. "No hits" is never the answer to a typo.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from codesift.chunks import KINDS
from codesift.embedding import TASKS
from codesift.errors import CodesiftError
from codesift.store import SearchFilter, Store
from retriever.code_query import find_similar
from retriever.search import MODES, FileHit, Searcher, SearchHit

MAX_K = 100


@dataclass(frozen=True)
class SearchRequest:
    query: str
    task: str = "nl2code"
    mode: str = "hybrid"
    repo: str | None = None
    language: str | None = None
    path_glob: str | None = None
    kind: str | None = None
    k: int = 10
    files: bool = False  # ranked files, each with its best chunks, instead of chunks
    location_repo: str | None = None  # the repository a code2code `path:start-end` query lives in, when not `repo`

    @property
    def search_filter(self) -> SearchFilter:
        return SearchFilter(repo=self.repo, language=self.language, path_glob=self.path_glob, kind=self.kind)


def _one_of(what: str, value: str, valid, where: str = "") -> CodesiftError:
    valid = list(valid)
    close = difflib.get_close_matches(value, valid, n=1)
    hint = f"; did you mean {close[0]!r}?" if close else ""
    return CodesiftError(f"unknown {what} {value!r}{where}: use one of {', '.join(valid) or 'none'}{hint}")


def check_request(store: Store, request: SearchRequest, max_k: int = MAX_K) -> None:
    """Refuse a request that cannot mean what its author wants, with one line naming what is valid."""
    if not request.query.strip():
        raise CodesiftError("empty query: give some words, an identifier or code to search for")
    if request.task not in TASKS:
        raise _one_of("task", request.task, TASKS)
    if request.mode not in MODES:
        raise _one_of("mode", request.mode, MODES)
    if not 1 <= request.k <= max_k:
        raise CodesiftError(f"k must be between 1 and {max_k}, not {request.k}")
    if request.kind is not None and request.kind not in KINDS:
        raise _one_of("kind", request.kind, KINDS)
    if request.files and request.task == "code2code":
        raise CodesiftError("files are listed for words and questions (nl2code, techqa), not for code2code")
    if request.repo is not None:
        store.repo(request.repo)  # an unknown name is refused with the names that exist
    if request.language is not None:
        languages = store.facet("language", SearchFilter(repo=request.repo))
        if request.language not in languages:
            raise _one_of("language", request.language, sorted(languages), f" in {request.repo or 'the index'}")


def run_request(searcher: Searcher, request: SearchRequest, max_k: int = MAX_K) -> list[SearchHit] | list[FileHit]:
    """Check the request, then search: hits, or files when the request asks for them."""
    check_request(searcher.store, request, max_k)
    search_filter = request.search_filter
    if request.files:
        return searcher.search_files(request.query, task=request.task, mode=request.mode, search_filter=search_filter, k=request.k)
    if request.task == "code2code":
        return find_similar(
            searcher, request.query, search_filter=search_filter, k=request.k, mode=request.mode, location_repo=request.location_repo
        )
    return searcher.search(request.query, task=request.task, mode=request.mode, search_filter=search_filter, k=request.k)
