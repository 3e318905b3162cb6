"""Plain records the store reads and writes, independent of the Qdrant backend."""

from __future__ import annotations

from dataclasses import dataclass, field


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


@dataclass
class HybridHits:
    """A fused ranking and the two candidate lists it was fused from."""

    fused: list[Hit]
    dense: list[Hit]
    sparse: list[Hit]
