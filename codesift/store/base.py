"""The store interface the indexer and retriever program against.

Two backends implement it: `EdgeStore` (embedded Qdrant engine, the default)
and `ServerStore` (a Qdrant server through qdrant-client). Each holds one
collection with a named dense vector `dense`, a BM25 sparse vector `bm25`,
keyword indexes on the filterable payload fields, and collection metadata.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator

from codesift.errors import CodesiftError
from codesift.store.filters import SearchFilter
from codesift.store.records import Hit, HybridHits, SparseVec, StorePoint

DENSE = "dense"
SPARSE = "bm25"
KEYWORD_FIELDS = ("repo", "language", "path", "kind", "dirs", "symbol")
POST_FILTER_OVERSAMPLE = 8
RRF_K = 60  # the usual reciprocal-rank-fusion constant


class Store(ABC):
    collection: str

    @abstractmethod
    def exists(self) -> bool: ...

    @abstractmethod
    def create(self, dim: int, meta: dict) -> bool:
        """Create the collection; False when it already exists (another writer may have just made it)."""

    def ensure(self, dim: int, meta: dict) -> dict:
        """The collection's metadata: `meta` on a collection this call creates, else the existing collection's."""
        if not self.exists() and self.create(dim, meta):
            return meta
        return self.meta()

    @abstractmethod
    def meta(self) -> dict: ...

    @abstractmethod
    def set_meta(self, meta: dict) -> None: ...

    def repos(self) -> dict[str, dict]:
        """Indexed repositories by name, with what the indexer recorded (root, url, commit, indexed_at, files, …)."""
        return dict(sorted(self.meta().get("repos", {}).items())) if self.exists() else {}

    def repo(self, name: str) -> dict:
        """One repository's record; an unknown name is refused with the names that exist."""
        repos = self.repos()
        if name not in repos:
            raise CodesiftError(f"no repository {name!r} in index {self.collection!r} (indexed: {', '.join(repos) or 'none'})")
        return repos[name]

    def record_repo(self, name: str, info: dict) -> None:
        """Record (or replace) one repository's entry in the metadata, leaving the others as they are."""
        meta = self.meta()
        meta.setdefault("repos", {})[name] = info
        self.set_meta(meta)

    def forget_repo(self, name: str) -> None:
        """Drop one repository's entry from the metadata."""
        meta = self.meta()
        meta.get("repos", {}).pop(name, None)
        self.set_meta(meta)

    @abstractmethod
    def upsert(self, points: list[StorePoint]) -> None: ...

    @abstractmethod
    def delete_ids(self, ids: list[str]) -> None: ...

    @abstractmethod
    def delete_repo(self, repo: str) -> None: ...

    @abstractmethod
    def scroll(self, search_filter: SearchFilter, fields: list[str]) -> Iterator[tuple[str, dict]]:
        """Every matching point as (id, payload restricted to `fields`)."""

    @abstractmethod
    def export(self, batch_size: int) -> Iterator[list[StorePoint]]:
        """Every point with its vectors and whole payload, `batch_size` at a time: what copying an index needs."""

    @abstractmethod
    def count(self, search_filter: SearchFilter | None = None) -> int: ...

    @abstractmethod
    def facet(self, field: str, search_filter: SearchFilter | None = None, limit: int = 100) -> dict[str, int]:
        """Chunk counts per value of a keyword field (e.g. the languages of a repo), most frequent first."""

    @abstractmethod
    def _query_dense(self, vector: list[float], search_filter: SearchFilter, limit: int) -> list[Hit]: ...

    @abstractmethod
    def _query_sparse(self, vector: SparseVec, search_filter: SearchFilter, limit: int) -> list[Hit]: ...

    @abstractmethod
    def _query_hybrid(
        self,
        dense: list[float],
        sparse: SparseVec,
        search_filter: SearchFilter,
        limit: int,
        candidates: int,
        weights: tuple[float, float],
    ) -> HybridHits:
        """In one round trip: weighted RRF fusion of the dense and sparse top-`candidates`, and both lists."""

    @abstractmethod
    def retrieve(self, ids: list[str]) -> list[Hit]: ...

    def flush(self) -> None:
        """Make writes durable (the server store writes through)."""

    def close(self) -> None:
        """Release the collection (and its lock, on the embedded store)."""

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def search_dense(self, vector, search_filter: SearchFilter | None = None, limit: int = 10) -> list[Hit]:
        return self._post_filtered(self._query_dense, list(map(float, vector)), search_filter, limit)

    def search_sparse(self, vector: SparseVec, search_filter: SearchFilter | None = None, limit: int = 10) -> list[Hit]:
        return self._post_filtered(self._query_sparse, vector, search_filter, limit)

    def search_hybrid(
        self,
        dense,
        sparse: SparseVec,
        search_filter: SearchFilter | None = None,
        limit: int = 10,
        candidates: int = 50,
        weights: tuple[float, float] = (1.0, 1.0),
    ) -> HybridHits:
        """Dense + BM25 fused with reciprocal rank fusion by the engine.

        `weights` (dense, sparse) follow Qdrant: a list's rank is divided by its weight, so a larger
        weight flattens that list's order.
        The candidate lists come back too, so callers can say which signal found what.
        """
        search_filter = search_filter or SearchFilter()
        dense = list(map(float, dense))
        if not sparse.indices:
            hits = self.search_dense(dense, search_filter, max(limit, candidates))
            return HybridHits(hits[:limit], hits, [])
        if not search_filter.needs_post_filter():
            return self._query_hybrid(dense, sparse, search_filter, limit, candidates, weights)
        oversampled = self._query_hybrid(
            dense, sparse, search_filter, limit * POST_FILTER_OVERSAMPLE, candidates * POST_FILTER_OVERSAMPLE, weights
        )
        keep = search_filter.accepts
        return HybridHits(
            [h for h in oversampled.fused if keep(h.payload)][:limit],
            [h for h in oversampled.dense if keep(h.payload)][:candidates],
            [h for h in oversampled.sparse if keep(h.payload)][:candidates],
        )

    def _post_filtered(self, query, vector, search_filter: SearchFilter | None, limit: int) -> list[Hit]:
        search_filter = search_filter or SearchFilter()
        if not search_filter.needs_post_filter():
            return query(vector, search_filter, limit)
        hits = query(vector, search_filter, limit * POST_FILTER_OVERSAMPLE)
        return [h for h in hits if search_filter.accepts(h.payload)][:limit]
