"""What the MCP tools return: pydantic models whose JSON schemas become the tools' output schemas."""

from __future__ import annotations

from pydantic import BaseModel, Field


class CodeHit(BaseModel):
    repo: str = Field(description="Repository name, as list_repos shows it.")
    path: str = Field(description="File path relative to the repository root.")
    start_line: int = Field(description="First line of the chunk (1-based).")
    end_line: int = Field(description="Last line of the chunk (inclusive).")
    symbol: str = Field(description="Qualified name of the function, method or class ('' for other chunks).")
    language: str
    kind: str = Field(description="function, method, class, module, section or text.")
    score: float = Field(description="Relevance score; only the order within one result means something.")
    signals: list[str] = Field(
        description="What found the hit: dense (embeddings), bm25 (identifiers), name (it defines a name in the query), "
        "path (its file's name or directories hold query words)."
    )
    code: str = Field(description="The chunk's code (class chunks summarise their methods' signatures).")
    truncated: bool = Field(description="True when code was cut to the per-hit byte limit: read the rest with get_file_range.")


class FileEntry(BaseModel):
    repo: str
    path: str = Field(description="File path relative to the repository root.")
    score: float = Field(description="Relevance score; only the order within one result means something.")
    hits: list[CodeHit] = Field(description="The file's best chunks, best first.")


class SearchResult(BaseModel):
    hits: list[CodeHit] = Field(description="Best first (empty when group is 'file': see files).")
    files: list[FileEntry] | None = Field(None, description="With group='file': ranked files, each with its best chunks.")
    truncation: str | None = Field(None, description="What was cut or left out to respect the byte limits, if anything.")
    refreshed: list[str] = Field(
        default_factory=list,
        description="Repositories refreshed before this call (edits since the last look re-embedded), or left as they were and why.",
    )


class FileRange(BaseModel):
    repo: str
    path: str
    start_line: int
    end_line: int = Field(description="Last line in text: the requested end, the file's end, or where the byte limit cut.")
    total_lines: int = Field(description="Lines in the whole file.")
    text: str = Field(description="Lines start_line..end_line of the file, joined by newlines.")
    truncation: str | None = Field(None, description="Set when text stops before the requested end_line, and how to read on.")
    refreshed: list[str] = Field(
        default_factory=list,
        description="Repositories refreshed before this call (edits since the last look re-embedded), or left as they were and why.",
    )


class RepoInfo(BaseModel):
    name: str
    root: str = Field(description="Directory the repository was indexed from (a clone for git URLs).")
    url: str | None = Field(None, description="Remote URL, when known.")
    commit: str | None = Field(None, description="Commit indexed, when the repository is a git work tree.")
    indexed_at: str | None = None
    files: int | None = Field(None, description="Files walked at the last index run.")
    chunks: int | None = Field(None, description="Searchable chunks after the last index run.")


class RepoList(BaseModel):
    index: str = Field(description="Name of the index (collection) served.")
    model: str | None = Field(None, description="Embedding model the index was built with (None before the first index_repo).")
    repos: list[RepoInfo]


class IndexSummary(BaseModel):
    repo: str = Field(description="Name the repository is indexed under.")
    files_seen: int
    files_indexed: int = Field(description="New or changed files chunked and embedded.")
    files_unchanged: int
    files_removed: int
    chunks_written: int
    chunks_deleted: int
    chunks_total: int = Field(description="Searchable chunks of this repository now in the index.")
    skipped: dict[str, int] = Field(description="Files not indexed, counted by reason (ignored, binary, secret, too large, …).")
    seconds: float
    warning: str | None = Field(None, description="Set when nothing searchable was indexed.")


class SourceRef(BaseModel):
    number: int = Field(description="The n of [n] citations in the answer.")
    repo: str
    path: str
    start_line: int
    end_line: int
    symbol: str


class Answer(BaseModel):
    answer: str
    sources: list[SourceRef] = Field(description="The retrieved chunks the model was given, numbered as cited.")
    invented_citations: list[str] = Field(description="Citations in the answer that match no source sent: do not trust them.")
    cited: list[int] = Field(description="Numbers of the sources the answer cites.")
    warning: str | None = Field(
        None, description="Set when the answer cites no source or invents citations: nothing it says is checked against the code."
    )
    truncation: str | None = None
    refreshed: list[str] = Field(
        default_factory=list,
        description="Repositories refreshed before this call (edits since the last look re-embedded), or left as they were and why.",
    )
