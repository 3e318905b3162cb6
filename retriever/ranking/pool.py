"""The candidate pool the ranking stage works on: one entry per chunk, with what each retriever said of it.

Windows of one long chunk (a function longer than the model's window) are one candidate: the best
window stands for the chunk, and the chunk is found by whatever found any of its windows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import PurePosixPath

from codesift.store import Hit


@dataclass
class Candidate:
    hit: Hit  # the chunk's best window as the store returned it
    dense: float | None = None  # cosine similarity to the query, when a dense search returned the chunk
    bm25: float | None = None  # BM25 score, when the BM25 search returned it
    found_by: set[str] = field(default_factory=set)  # dense, bm25, name, path
    score: float = 0.0  # what the ranking steps build up

    @property
    def payload(self) -> dict:
        return self.hit.payload

    @property
    def path(self) -> str:
        return self.payload.get("path", "")

    @property
    def file(self) -> tuple[str, str]:
        return self.payload.get("repo", ""), self.path

    @property
    def stem(self) -> str:
        """The file's name without extensions, lower case."""
        return PurePosixPath(self.path).name.split(".")[0].lower()


def chunk_key(hit: Hit) -> tuple:
    """Windows cut from one chunk share a key; every other chunk is its own."""
    span = hit.payload.get("span")
    return (hit.payload.get("repo"), hit.payload.get("path"), *span) if span else (hit.id,)


class Pool:
    """Candidates by chunk, filled from the retrievers' answers."""

    def __init__(self) -> None:
        self.by_key: dict[tuple, Candidate] = {}

    def add(self, hits: list[Hit], found_by: str, score_field: str | None = None) -> None:
        """Record one retriever's answer; `score_field` ("dense" or "bm25") says what its scores are."""
        for hit in hits:
            key = chunk_key(hit)
            candidate = self.by_key.get(key)
            if candidate is None:
                candidate = self.by_key[key] = Candidate(hit)
            candidate.found_by.add(found_by)
            if score_field is not None:
                best = getattr(candidate, score_field)
                if best is None or hit.score > best:
                    setattr(candidate, score_field, hit.score)
                    if score_field == "dense":
                        candidate.hit = hit  # the window closest in meaning stands for the chunk

    def candidates(self) -> list[Candidate]:
        return list(self.by_key.values())
