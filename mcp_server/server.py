"""The MCP server: codesift's search, file ranges, repositories, indexing and answers as tools for coding agents.

Each tool's input schema comes from its annotated parameters and its output schema from the model it returns
(`mcp_server.results`). A `CodesiftError` (unknown repository, busy index, model mismatch, a refused path…)
comes back as a tool error carrying its one line; anything unexpected as the SDK's generic tool error, with
the traceback on stderr: the server keeps running either way.
"""

# No `from __future__ import annotations`: the SDK builds each tool's schemas from its evaluated annotations.
import functools
import inspect
from pathlib import Path
from typing import Annotated, Literal

import anyio
from mcp.server.mcpserver import Context, MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from mcp.types import ToolAnnotations
from pydantic import Field

from codesift.errors import CodesiftError
from codesift.llm import LLMSettings
from codesift.store import SearchFilter
from mcp_server import results
from mcp_server.bounds import Limits, bound_files, bound_hits, cut_text
from mcp_server.files import read_lines, relative_path
from mcp_server.index import ServedIndex
from mcp_server.progress import NotifyingProgress
from retriever import code_query, rag
from retriever.requests import SearchRequest, run_request

MAX_K = 50

INSTRUCTIONS = """\
codesift searches code in repositories indexed on this machine. Start with search_code: plain words find code \
(task=nl2code), a snippet finds similar code (task=code2code), a question finds docs and code that answer it \
(task=techqa). Each hit gives repo, path and lines: read around it with get_file_range, find code like it with \
find_similar. list_repos shows what is indexed; index_repo adds a repository. Local repositories are refreshed \
before each search, so your edits are found at once; git URLs are refreshed by index_repo. Results are capped \
in size; a result's `truncation` says what was cut and how to get the rest."""

Query = Annotated[str, Field(min_length=1, description="What to look for: plain words, a code snippet, or a question (see task).")]
Task = Annotated[
    Literal["nl2code", "code2code", "techqa"],
    Field(description="nl2code: the query describes code in plain words; code2code: the query is code; techqa: a technical question."),
]
Language = Annotated[
    str | None,
    Field(description="Only this language, one the index holds (python, go, typescript, markdown, …); another is refused "
          "with the list of indexed ones."),
]
Kind = Annotated[
    Literal["function", "method", "class", "module", "section", "text"] | None, Field(description="Only chunks of this kind.")
]
Group = Annotated[
    Literal["chunk", "file"],
    Field(description="chunk: the best chunks; file: the best files, each with its best chunks (where is X implemented?)."),
]
PathGlob = Annotated[str | None, Field(description="Only paths matching this glob, e.g. 'src/**' or '*.py' (any depth).")]
K = Annotated[int, Field(ge=1, le=MAX_K, description=f"Number of hits wanted (at most {MAX_K}; fewer may come back within the byte limit).")]
Repo = Annotated[str, Field(description="Repository name, as list_repos and search hits give it.")]
RepoFilter = Annotated[str | None, Field(description="Only this repository (a name from list_repos).")]
OwnerRepo = Annotated[str | None, Field(description="Repository holding path; needed when several do. Hits are then limited to it.")]
FilePath = Annotated[str, Field(description="File path relative to the repository root, as search hits give it (e.g. src/app/cart.py).")]
StartLine = Annotated[int, Field(ge=1, description="First line, 1-based.")]
EndLine = Annotated[int, Field(ge=1, description="Last line, inclusive.")]
Source = Annotated[
    str, Field(min_length=1, description="A local directory (indexed in place) or a git URL: https://…, ssh://… or user@host:owner/repo.")
]
RepoName = Annotated[str | None, Field(description="Name to index it under (default: the directory or URL name).")]
Question = Annotated[str, Field(min_length=1, description="A question about the indexed code.")]

READ_ONLY = ToolAnnotations(read_only_hint=True, open_world_hint=False)


def refusals(tool):
    """`tool`, with a `CodesiftError` it raises turned into a tool error whose text is the error's one line."""
    if inspect.iscoroutinefunction(tool):

        @functools.wraps(tool)
        async def run_async(*args, **kwargs):
            try:
                return await tool(*args, **kwargs)
            except CodesiftError as exc:
                raise ToolError(str(exc)) from exc

        return run_async

    @functools.wraps(tool)
    def run(*args, **kwargs):
        try:
            return tool(*args, **kwargs)
        except CodesiftError as exc:
            raise ToolError(str(exc)) from exc

    return run


def build_server(index: ServedIndex, limits: Limits, llm: LLMSettings) -> MCPServer:
    """The server and its tools; `ask` is offered only when an LLM is configured."""
    server = MCPServer("codesift", instructions=INSTRUCTIONS, log_level="WARNING")

    def tool(annotations: ToolAnnotations):
        """Register a tool under its function's name, described by its docstring, its refusals as tool errors."""

        def register(fn):
            server.add_tool(refusals(fn), description=inspect.cleandoc(fn.__doc__), annotations=annotations)
            return fn

        return register

    def only(repo: str | None, **conditions) -> SearchFilter:
        """A filter on `repo` (refused when no such repository is indexed) and other conditions."""
        if repo is not None:
            index.repo(repo)
        return SearchFilter(repo=repo, **conditions)

    @tool(READ_ONLY)
    def search_code(
        query: Query,
        task: Task = "nl2code",
        repo: RepoFilter = None,
        language: Language = None,
        path_glob: PathGlob = None,
        kind: Kind = None,
        group: Group = "chunk",
        k: K = 10,
    ) -> results.SearchResult:
        """Search the indexed repositories; returns the best-matching chunks (functions, methods, class summaries,
        doc sections), best first, each with repo, path, start_line/end_line, symbol, score and code; or, with
        group='file', the best files, each with its best chunks.

        Use it before reading files to find where something is implemented or documented. Hybrid search:
        embeddings plus BM25 over identifiers, then a ranking that puts the definition of a queried name first
        and source above docs and tests. With task=code2code the snippet itself comes back too when it is
        indexed; to find code like lines of an indexed file, use find_similar. An unknown repo, language or
        kind is refused with the valid ones. Results are capped in bytes: `truncation` says what was cut.
        Local repositories are refreshed first, so files edited since the last call are searched as they are now:
        `refreshed` says what was re-embedded, or what was too large to wait for and is caught up in the background.
        """
        refreshed = index.freshness.before_search(repo)
        request = SearchRequest(query, task, "hybrid", repo, language, path_glob, kind, k, files=group == "file")
        found = run_request(index.searcher(), request, max_k=MAX_K)
        result = bound_files(found, limits) if request.files else bound_hits(found, limits)
        return result.model_copy(update={"refreshed": refreshed})

    @tool(READ_ONLY)
    def find_similar(path: FilePath, start_line: StartLine, end_line: EndLine, k: K = 10, repo: OwnerRepo = None) -> results.SearchResult:
        """Find code similar to lines start_line..end_line of an indexed file: duplicates, other implementations
        of the same idea, the same pattern elsewhere. The chunks those lines belong to are never returned.
        Hits have the same shape and byte limits as search_code's.
        """
        if end_line < start_line:
            raise CodesiftError(f"end_line {end_line} is before start_line {start_line}")
        path = relative_path(path)
        location = f"{path}:{start_line}-{end_line}"
        if not code_query.LOCATION.match(location):
            raise CodesiftError(f"find_similar cannot address {path!r} (whitespace or ':'): use search_code with task=code2code")
        refreshed = index.freshness.before_search(repo)
        owner = index.owner_of(path, repo)
        hits = code_query.find_similar(index.searcher(), location, search_filter=only(repo), k=k, location_repo=owner)
        return bound_hits(hits, limits).model_copy(update={"refreshed": refreshed})

    @tool(READ_ONLY)
    def get_file_range(repo: Repo, path: FilePath, start_line: StartLine, end_line: EndLine) -> results.FileRange:
        """Read lines start_line..end_line of an indexed file, e.g. the code around a search hit.

        Only files the index holds are served, from inside their repository: absolute paths, '..' and symlinks
        leading out of the repository are refused. An end_line past the end of the file is clamped; a range
        longer than the byte limit is cut after a whole line, and `truncation` says where to continue.
        """
        root = Path(index.repo(repo)["root"])
        path = relative_path(path)
        refreshed = index.freshness.before_search(repo)
        index.owner_of(path, repo)
        lines, total = read_lines(root, path, start_line, end_line)
        text = "\n".join(lines)
        shown = cut_text(text, limits.result_bytes)
        last = start_line + shown.count("\n")
        truncation = None
        if shown != text:
            truncation = (
                f"cut to {limits.result_bytes} bytes after line {last} of {start_line}-{start_line + len(lines) - 1}: "
                f"call again with start_line={last + 1} for the rest"
            )
        return results.FileRange(
            repo=repo, path=path, start_line=start_line, end_line=last, total_lines=total, text=shown, truncation=truncation,
            refreshed=refreshed,
        )

    @tool(READ_ONLY)
    def list_repos() -> results.RepoList:
        """List the indexed repositories (name, source directory or URL, commit, when indexed, files, chunks) and
        the embedding model of the index. The names are what the repo arguments of the other tools take.
        """
        model = index.store.meta().get("embedder", {}).get("model") if index.store.exists() else None
        repos = [results.RepoInfo(name=name, **_known(info, results.RepoInfo)) for name, info in index.repos().items()]
        return results.RepoList(index=index.settings.collection, model=model, repos=repos)

    @tool(ToolAnnotations(read_only_hint=False, destructive_hint=False, idempotent_hint=True, open_world_hint=True))
    async def index_repo(path_or_url: Source, ctx: Context, name: RepoName = None) -> results.IndexSummary:
        """Index a repository so that it can be searched, or refresh one: only new and changed files are embedded
        again and removed files are dropped. Git URLs are cloned (shallow) into codesift's data directory.
        Sends progress notifications (chunking files, then embedding chunks); a large repository takes minutes.
        .gitignore'd, vendored, generated, binary and secret-looking files are skipped: `skipped` counts them.
        """

        def notify(progress: float, total: float, message: str) -> None:
            anyio.from_thread.run(ctx.report_progress, progress, total, message)

        report = await anyio.to_thread.run_sync(index.index, path_or_url, name, NotifyingProgress(notify))
        return results.IndexSummary(
            **_known(vars(report), results.IndexSummary) | {"seconds": round(report.seconds, 2)},
            warning=None if report.chunks_total else "nothing searchable was indexed: see skipped for the reasons",
        )

    if llm.configured:

        @tool(ToolAnnotations(read_only_hint=True, open_world_hint=True))
        def ask(question: Question, repo: RepoFilter = None) -> results.Answer:
            """Answer a question about the indexed code with the configured LLM, from retrieved chunks that the
            answer cites as [n]. Returns the answer, its numbered sources (repo, path, lines, symbol), the numbers it
            cites, any citation matching no source, and a warning when it cites no source that exists. Slower than
            search_code; use search_code when you want the code itself.
            """
            refreshed = index.freshness.before_search(repo)
            answer = rag.ask(question, index.searcher(), llm, search_filter=only(repo))
            text = "".join(answer)
            shown = cut_text(text, limits.result_bytes)
            sources = [
                results.SourceRef(number=s.number, **_known(s.hit.to_json(), results.SourceRef)) for s in answer.sources
            ]
            return results.Answer(
                answer=shown,
                sources=sources,
                invented_citations=list(answer.citations.invented),
                cited=list(answer.citations.cited),
                warning=answer.citations.warning,
                truncation=None if shown == text else f"the answer was cut to {limits.result_bytes} bytes",
                refreshed=refreshed,
            )

    return server


def _known(record: dict, model) -> dict:
    """The entries of `record` that `model` has fields for."""
    return {key: value for key, value in record.items() if key in model.model_fields}
