"""Byte limits on what a tool returns, so that one call cannot flood an agent's context.

Text is cut at a line boundary (inside the first line only when that line alone is over the limit). Search
hits are cut one by one to `hit_bytes` of code, then kept in rank order while their code fits in
`result_bytes`; the rest are left out. Every cut is stated in the result, with how to get what was cut.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from codesift.errors import CodesiftError
from mcp_server.results import CodeHit, FileEntry, SearchResult
from retriever.search import FileHit, SearchHit


@dataclass(frozen=True)
class Limits:
    hit_bytes: int = 4_000  # code of one search hit
    result_bytes: int = 20_000  # code of all hits of one search; text of one file range or answer

    def __post_init__(self) -> None:
        if not 0 < self.hit_bytes <= self.result_bytes:
            raise CodesiftError(
                f"byte limits must satisfy 0 < per-hit ({self.hit_bytes}) <= per-result ({self.result_bytes})"
            )


def byte_size(text: str) -> int:
    return len(text.encode("utf-8"))


def cut_text(text: str, max_bytes: int) -> str:
    """`text` if it fits in `max_bytes` of UTF-8, else its longest prefix of whole lines that does."""
    data = text.encode("utf-8")
    if len(data) <= max_bytes:
        return text
    head = data[:max_bytes]
    newline = head.rfind(b"\n")
    return head[:newline].decode("utf-8") if newline > 0 else head.decode("utf-8", errors="ignore")


def bound_hits(hits: Sequence[SearchHit], limits: Limits) -> SearchResult:
    kept: list[CodeHit] = []
    used = 0
    for hit in hits:
        code = cut_text(hit.code, limits.hit_bytes)
        size = byte_size(code)
        if used + size > limits.result_bytes:
            break
        used += size
        kept.append(CodeHit(**(hit.to_json() | {"code": code, "truncated": code != hit.code})))
    return SearchResult(hits=kept, truncation=_hits_note(sum(h.truncated for h in kept), len(hits) - len(kept), limits))


def bound_files(files: Sequence[FileHit], limits: Limits) -> SearchResult:
    """Files in rank order with their chunks, within the same byte limits as hits (chunks counted in file order)."""
    bounded = bound_hits([hit for file in files for hit in file.hits], limits)
    entries, taken = [], 0
    for file in files:
        hits = bounded.hits[taken : taken + len(file.hits)]
        if not hits:
            break
        entries.append(FileEntry(repo=file.repo, path=file.path, score=file.score, hits=hits))
        taken += len(hits)
    return SearchResult(hits=[], files=entries, truncation=bounded.truncation)


def _hits_note(cut: int, left_out: int, limits: Limits) -> str | None:
    notes = []
    if cut:
        notes.append(
            f"the code of {cut} hit{'s' if cut > 1 else ''} (truncated: true) was cut to {limits.hit_bytes} bytes: "
            "read the whole chunk with get_file_range(repo, path, start_line, end_line)"
        )
    if left_out:
        notes.append(
            f"{left_out} more hit{'s were' if left_out > 1 else ' was'} left out to keep the result within "
            f"{limits.result_bytes} bytes of code: lower k or narrow the search with repo, language or path_glob"
        )
    return "; ".join(notes) + "." if notes else None
