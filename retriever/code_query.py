"""Code2Code queries: pasted code, a file, or `path:start-end` inside an indexed repository.

The query's own chunk never comes back as a hit: chunks that overlap the
queried lines (all windows of a long chunk, when one does) are excluded by id, and a hit whose code is the query itself
(ignoring indentation and blank lines) is dropped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path

from codesift.errors import CodesiftError
from codesift.store import SearchFilter, Store

LOCATION = re.compile(r"^(?P<path>[^\s:]+):L?(?P<start>\d+)(?:-L?(?P<end>\d+))?$")


@dataclass(frozen=True)
class CodeQuery:
    text: str
    exclude_ids: tuple[str, ...] = ()


def normalised(code: str) -> str:
    return "\n".join(line.strip() for line in code.splitlines() if line.strip())


def _from_location(path: str, start: int, end: int, store: Store, repo: str | None) -> CodeQuery | None:
    fields = ["repo", "path", "start_line", "end_line", "span"]
    chunks = list(store.scroll(SearchFilter(repo=repo, path=path), fields))
    if not chunks:
        return None
    repos = {p["repo"] for _, p in chunks}
    if len(repos) > 1:
        raise CodesiftError(f"{path} is indexed in several repositories ({', '.join(sorted(repos))}): pass --repo")
    [repo_name] = repos
    root = store.meta().get("repos", {}).get(repo_name, {}).get("root")
    try:
        lines = (Path(root) / path).read_text(errors="replace").splitlines()
    except (OSError, TypeError):
        raise CodesiftError(f"cannot read {path} from repository {repo_name!r} (was it moved? index it again)") from None
    if not 1 <= start <= end <= len(lines):
        raise CodesiftError(f"{path} has {len(lines)} lines; {start}-{end} is out of range")
    # A window of a long chunk stands for the whole chunk: every window of a chunk the lines touch is left out.
    extent = {i: p.get("span") or (p["start_line"], p["end_line"]) for i, p in chunks}
    overlapping = tuple(i for i, (first, last) in extent.items() if first <= end and last >= start)
    return CodeQuery("\n".join(lines[start - 1 : end]), overlapping)


def resolve_code_query(query: str, store: Store, repo: str | None = None) -> CodeQuery:
    """Turn what the user typed into code to search with, and the ids to leave out."""
    location = LOCATION.match(query.strip())
    if location:
        start = int(location["start"])
        end = int(location["end"] or start)
        resolved = _from_location(location["path"], start, end, store, repo)
        if resolved is not None:
            return resolved
        local = Path(location["path"]).expanduser()
        if local.is_file():
            lines = local.read_text(errors="replace").splitlines()
            return CodeQuery("\n".join(lines[start - 1 : end]))
        raise CodesiftError(f"{location['path']} is neither an indexed path nor a local file")
    candidate = Path(query.strip()).expanduser()
    if "\n" not in query and len(query) < 4096 and candidate.is_file():
        return CodeQuery(candidate.read_text(errors="replace"))
    return CodeQuery(query)


def find_similar(
    searcher,
    query: str,
    *,
    search_filter: SearchFilter | None = None,
    k: int = 10,
    mode: str = "hybrid",
    location_repo: str | None = None,
):
    """Code2Code search that never returns the query's own chunk.

    A `path:start-end` query is looked up in `location_repo`, or else in the filter's repository.
    """
    search_filter = search_filter or SearchFilter()
    code = resolve_code_query(query, searcher.store, location_repo or search_filter.repo)
    search_filter = replace(search_filter, exclude_ids=tuple(search_filter.exclude_ids) + code.exclude_ids)
    own = normalised(code.text)
    hits = searcher.search(code.text, task="code2code", mode=mode, search_filter=search_filter, k=k + 1)
    return [h for h in hits if normalised(h.code) != own][:k]
