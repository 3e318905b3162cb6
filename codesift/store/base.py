"""The store interface the indexer and retriever program against.

Two backends implement it: `EdgeStore` (embedded Qdrant engine, the default)
and `ServerStore` (a Qdrant server through qdrant-client). Each holds one
collection with a named dense vector `dense`, a BM25 sparse vector `bm25`,
keyword indexes on the filterable payload fields, and collection metadata.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator, Sequence
from dataclasses import replace

from codesift.errors import CodesiftError
from codesift.store.filters import SearchFilter
from codesift.store.records import Hit, SparseVec, StorePoint, VectorQuery

DENSE = "dense"
SPARSE = "bm25"
KEYWORD_FIELDS = ("repo", "language", "path", "kind", "dirs", "symbol", "name", "path_terms")
POST_FILTER_OVERSAMPLE = 8


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
    def _query_batch(self, queries: list[VectorQuery]) -> list[list[Hit]]:
        """The answers to several searches, sent in one round trip (no BM25 vector is empty here)."""

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

    def search_batch(self, queries: Sequence[VectorQuery]) -> list[list[Hit]]:
        """Several searches in one round trip to the engine, each answer best first.

        A path glob is checked on the results, so such a search asks the engine for more and keeps the
        matches; an empty BM25 vector (a query with no words) finds nothing.
        """
        answers: list[list[Hit]] = [[] for _ in queries]
        sent = [(i, q) for i, q in enumerate(queries) if q.using != SPARSE or q.vector.indices]
        requests = [
            replace(q, limit=q.limit * POST_FILTER_OVERSAMPLE) if q.search_filter.needs_post_filter() else q for _, q in sent
        ]
        for (i, query), hits in zip(sent, self._query_batch(requests) if requests else []):
            answers[i] = [h for h in hits if query.search_filter.accepts(h.payload)][: query.limit]
        return answers

    def search_dense(self, vector, search_filter: SearchFilter | None = None, limit: int = 10) -> list[Hit]:
        return self.search_batch([VectorQuery(DENSE, list(map(float, vector)), search_filter or SearchFilter(), limit)])[0]

    def search_sparse(self, vector: SparseVec, search_filter: SearchFilter | None = None, limit: int = 10) -> list[Hit]:
        return self.search_batch([VectorQuery(SPARSE, vector, search_filter or SearchFilter(), limit)])[0]
