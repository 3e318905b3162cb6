"""Plain records the store reads and writes, independent of the Qdrant backend."""

from __future__ import annotations

from dataclasses import dataclass, field

from codesift.store.filters import SearchFilter


@dataclass(frozen=True)
class SparseVec:
    indices: list[int]
    values: list[float]


@dataclass
class StorePoint:
    id: str  # UUID string, deterministic for a chunk (re-sending never duplicates)
    dense: list[float]
    sparse: SparseVec
    payload: dict


@dataclass
class Hit:
    id: str
    score: float
    payload: dict = field(default_factory=dict)


@dataclass(frozen=True)
class VectorQuery:
    """One nearest-neighbour search: over the dense vectors (`using="dense"`) or the BM25 ones (`"bm25"`)."""

    using: str
    vector: list[float] | SparseVec
    search_filter: SearchFilter = SearchFilter()
    limit: int = 10
