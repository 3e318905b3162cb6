"""Search an index: dense, BM25 or hybrid (RRF in the engine), windows collapsed, optional reranking.

`SearchHit.to_json()` is the contract of `codesift search --json`:
`{repo, path, start_line, end_line, symbol, language, kind, score, code}`,
plus `signals` (which of dense / bm25 found the hit).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace

from codesift.embedding import Embedder
from codesift.store import Hit, SearchFilter, Store
from codesift.store.sparse import bm25_query

MODES = ("dense", "bm25", "hybrid")
CANDIDATES = 50  # per signal, before fusion
# RRF weights (dense, BM25), chosen on training data only (bench/tune_fusion.py, docs/benchmarks.md).
# Qdrant scores a list's item at position p as 1 / ((p + 1) / weight + k - 1): a larger weight flattens
# that list's order. (1, 10) keeps dense's ranking and lifts whatever BM25 also found in its top list.
HYBRID_WEIGHTS = (1.0, 10.0)
WINDOW_OVERFETCH = 3  # windows of one long chunk may fill several slots before collapsing


@dataclass(frozen=True)
class SearchHit:
    repo: str
    path: str
    start_line: int
    end_line: int
    symbol: str
    language: str
    kind: str
    score: float
    code: str
    signals: tuple[str, ...] = ()
    id: str = ""

    @classmethod
    def from_store(cls, hit: Hit, signals: tuple[str, ...] = ()) -> "SearchHit":
        p = hit.payload
        return cls(
            repo=p["repo"],
            path=p["path"],
            start_line=p["start_line"],
            end_line=p["end_line"],
            symbol=p.get("symbol", ""),
            language=p.get("language", ""),
            kind=p.get("kind", ""),
            score=round(hit.score, 6),
            code=p.get("code", ""),
            signals=signals,
            id=hit.id,
        )

    @property
    def citation(self) -> str:
        return f"{self.path}:L{self.start_line}-L{self.end_line}"

    def to_json(self) -> dict:
        data = asdict(self)
        data.pop("id")
        data["signals"] = list(self.signals)
        return data


def _chunk_key(hit: Hit) -> tuple:
    """Windows cut from one chunk share a key; every other chunk is its own."""
    span = hit.payload.get("span")
    return (hit.payload["repo"], hit.payload["path"], *span) if span else (hit.id,)


def collapse_windows(hits: list[Hit], signals: dict[str, tuple[str, ...]]) -> list[SearchHit]:
    """Keep the best window of each chunk (hits arrive best first); its signals are the union of its windows'."""
    best: dict[tuple, SearchHit] = {}
    for hit in hits:
        key = _chunk_key(hit)
        if key not in best:
            best[key] = SearchHit.from_store(hit, signals.get(hit.id, ()))
        else:
            merged = tuple(sorted(set(best[key].signals) | set(signals.get(hit.id, ()))))
            best[key] = replace(best[key], signals=merged)
    return list(best.values())


class Searcher:
    """Query → hits, over one embedder and one store; an optional reranker reorders the top candidates."""

    def __init__(self, embedder: Embedder, store: Store, reranker=None):
        self.embedder = embedder
        self.store = store
        self.reranker = reranker

    def search(
        self,
        query: str,
        *,
        task: str = "nl2code",
        mode: str = "hybrid",
        search_filter: SearchFilter | None = None,
        k: int = 10,
    ) -> list[SearchHit]:
        if mode not in MODES:
            raise ValueError(f"unknown search mode {mode!r}; expected one of {', '.join(MODES)}")
        wanted = k * (3 if self.reranker else 1)
        limit = wanted * WINDOW_OVERFETCH
        if mode == "bm25":
            hits = self.store.search_sparse(bm25_query(query), search_filter, limit)
            signals = {h.id: ("bm25",) for h in hits}
        elif mode == "dense":
            hits = self.store.search_dense(self._query_vector(query, task), search_filter, limit)
            signals = {h.id: ("dense",) for h in hits}
        else:
            both = self.store.search_hybrid(
                self._query_vector(query, task), bm25_query(query), search_filter, limit, max(CANDIDATES, limit), HYBRID_WEIGHTS
            )
            dense_ids, sparse_ids = {h.id for h in both.dense}, {h.id for h in both.sparse}
            signals = {
                h.id: tuple(s for s, found in (("bm25", h.id in sparse_ids), ("dense", h.id in dense_ids)) if found)
                for h in both.fused
            }
            hits = both.fused
        results = collapse_windows(hits, signals)[:wanted]
        if self.reranker is not None:
            results = self.reranker.rerank(query, results)
        return results[:k]

    def _query_vector(self, query: str, task: str):
        return self.embedder.encode_query(query, task=task)
