"""Server store: the same collection layout on a Qdrant server through `qdrant-client`.

Metadata lives in the collection's own metadata. Every request goes through
bounded retries (`codesift.store.retry`) under a per-request timeout; upserts
are sent in batches of `UPSERT_BATCH` points. Point ids are deterministic, so a
batch sent twice (a retry after a lost answer) overwrites instead of
duplicating, and creating the collection checks first whether an earlier try
already made it. New collections get the configured `shard_number` and
`replication_factor` (a Qdrant cluster spreads and copies shards over nodes).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TypeVar

from qdrant_client import QdrantClient
from qdrant_client import models as m

from codesift.errors import CodesiftError
from codesift.store.base import DENSE, KEYWORD_FIELDS, SPARSE, Store
from codesift.store.filters import SearchFilter
from codesift.store.records import Hit, SparseVec, StorePoint, VectorQuery
from codesift.store.retry import RetryPolicy, call_with_retries

SCROLL_PAGE = 1024
UPSERT_BATCH = 256  # points per upsert request
TIMEOUT_S = 30  # per request
T = TypeVar("T")


REPO_KEY = "repo:"


def _flattened(meta: dict) -> dict:
    """Metadata as the server keeps it: every repository under its own top-level key."""
    rest = {key: value for key, value in meta.items() if key != "repos"}
    return rest | {REPO_KEY + name: info for name, info in meta.get("repos", {}).items()}


def _filter(search_filter: SearchFilter) -> m.Filter | None:
    must = [m.FieldCondition(key=k, match=m.MatchValue(value=v)) for k, v in search_filter.exact_conditions().items()]
    must += [m.FieldCondition(key=k, match=m.MatchAny(any=list(values))) for k, values in search_filter.match_any]
    must_not = [m.HasIdCondition(has_id=list(search_filter.exclude_ids))] if search_filter.exclude_ids else None
    return m.Filter(must=must or None, must_not=must_not) if must or must_not else None


def _hits(points) -> list[Hit]:
    return [Hit(str(p.id), float(p.score), p.payload or {}) for p in points]


def _store_point(record) -> StorePoint:
    vectors = record.vector or {}
    sparse = vectors.get(SPARSE)  # a server may leave out an empty sparse vector
    return StorePoint(
        str(record.id),
        list(vectors[DENSE]),
        SparseVec(list(sparse.indices), list(sparse.values)) if sparse else SparseVec([], []),
        record.payload or {},
    )


class ServerStore(Store):
    def __init__(
        self,
        client: QdrantClient,
        collection: str,
        *,
        server: str = "(local mode)",
        shards: int = 1,
        replicas: int = 1,
        retry: RetryPolicy = RetryPolicy(),
    ):
        self.client = client
        self.collection = collection
        self.server = server
        self.shards = shards
        self.replicas = replicas
        self.retry = retry

    @classmethod
    def connect(
        cls,
        url: str,
        collection: str,
        api_key: str | None = None,
        *,
        shards: int = 1,
        replicas: int = 1,
        timeout: int = TIMEOUT_S,
        retry: RetryPolicy = RetryPolicy(),
    ) -> "ServerStore":
        client = QdrantClient(url=url, api_key=api_key, timeout=timeout, check_compatibility=False)
        store = cls(client, collection, server=url, shards=shards, replicas=replicas, retry=retry)
        try:
            store._call("list collections", client.get_collections)
        except CodesiftError:
            client.close()
            raise
        return store

    def _call(self, what: str, fn: Callable[..., T], *args, **kwargs) -> T:
        return call_with_retries(lambda: fn(*args, **kwargs), server=self.server, what=what, policy=self.retry)

    def exists(self) -> bool:
        return self._call(f"look up collection {self.collection!r}", self.client.collection_exists, self.collection)

    def create(self, dim: int, meta: dict) -> bool:
        def create_once() -> bool:
            if self.client.collection_exists(self.collection):  # an earlier try made it, but its answer was lost
                return False
            try:
                self.client.create_collection(
                    self.collection,
                    vectors_config={DENSE: m.VectorParams(size=dim, distance=m.Distance.COSINE)},
                    sparse_vectors_config={SPARSE: m.SparseVectorParams(modifier=m.Modifier.IDF)},
                    shard_number=self.shards,
                    replication_factor=self.replicas,
                    metadata=_flattened(meta),
                )
            except Exception:
                if self.client.collection_exists(self.collection):  # another writer created it meanwhile
                    return False
                raise
            return True

        created = self._call(f"create collection {self.collection!r}", create_once)
        for field in KEYWORD_FIELDS:
            self._call(
                f"index field {field!r} of {self.collection!r}",
                self.client.create_payload_index,
                self.collection,
                field,
                m.PayloadSchemaType.KEYWORD,
            )
        return created

    # The server merges collection metadata by top-level key, so each repository's entry is a key of its own
    # (`repo:NAME`): writers indexing different repositories at once never overwrite each other's entry.
    def meta(self) -> dict:
        if not self.exists():
            return {}
        info = self._call(f"read collection {self.collection!r}", self.client.get_collection, self.collection)
        stored = dict(info.config.metadata or {})
        repos = {key[len(REPO_KEY) :]: stored.pop(key) for key in list(stored) if key.startswith(REPO_KEY)}
        return {**stored, "repos": {name: entry for name, entry in repos.items() if entry is not None}}

    def set_meta(self, meta: dict) -> None:
        self._update_meta(_flattened(meta))

    def record_repo(self, name: str, info: dict) -> None:
        self._update_meta({REPO_KEY + name: info})

    def forget_repo(self, name: str) -> None:
        self._update_meta({REPO_KEY + name: None})  # the server removes a key set to null

    def _update_meta(self, metadata: dict) -> None:
        self._call(f"update collection {self.collection!r}", self.client.update_collection, self.collection, metadata=metadata)

    def upsert(self, points: list[StorePoint]) -> None:
        for start in range(0, len(points), UPSERT_BATCH):
            batch = [
                m.PointStruct(
                    id=p.id,
                    vector={DENSE: p.dense, SPARSE: m.SparseVector(indices=p.sparse.indices, values=p.sparse.values)},
                    payload=p.payload,
                )
                for p in points[start : start + UPSERT_BATCH]
            ]
            self._call(f"upsert points into {self.collection!r}", self.client.upsert, self.collection, points=batch, wait=True)

    def delete_ids(self, ids: list[str]) -> None:
        if ids:
            self._call(
                f"delete points from {self.collection!r}",
                self.client.delete,
                self.collection,
                points_selector=m.PointIdsList(points=list(ids)),
                wait=True,
            )

    def delete_repo(self, repo: str) -> None:
        self._call(
            f"delete repository {repo!r} from {self.collection!r}",
            self.client.delete,
            self.collection,
            points_selector=m.FilterSelector(filter=_filter(SearchFilter(repo=repo))),
            wait=True,
        )

    def _pages(self, limit: int, **request) -> Iterator[list]:
        offset = None
        while True:
            records, offset = self._call(
                f"scroll points of {self.collection!r}",
                self.client.scroll,
                self.collection,
                limit=limit,
                offset=offset,
                **request,
            )
            yield records
            if offset is None:
                return

    def scroll(self, search_filter: SearchFilter, fields: list[str]) -> Iterator[tuple[str, dict]]:
        pages = self._pages(
            SCROLL_PAGE,
            scroll_filter=_filter(search_filter),
            with_payload=m.PayloadSelectorInclude(include=fields),
            with_vectors=False,
        )
        for records in pages:
            for record in records:
                yield str(record.id), record.payload or {}

    def export(self, batch_size: int) -> Iterator[list[StorePoint]]:
        for records in self._pages(batch_size, with_payload=True, with_vectors=True):
            if records:
                yield [_store_point(record) for record in records]

    def count(self, search_filter: SearchFilter | None = None) -> int:
        condition = _filter(search_filter or SearchFilter())
        return self._call(
            f"count points of {self.collection!r}", self.client.count, self.collection, count_filter=condition, exact=True
        ).count

    def facet(self, field: str, search_filter: SearchFilter | None = None, limit: int = 100) -> dict[str, int]:
        condition = _filter(search_filter or SearchFilter())
        response = self._call(
            f"count values of {field!r} in {self.collection!r}",
            self.client.facet,
            self.collection,
            field,
            facet_filter=condition,
            limit=limit,
            exact=True,
        )
        return {str(hit.value): hit.count for hit in response.hits}

    def _query_batch(self, queries: list[VectorQuery]) -> list[list[Hit]]:
        requests = [
            m.QueryRequest(
                query=m.SparseVector(indices=q.vector.indices, values=q.vector.values) if q.using == SPARSE else q.vector,
                using=q.using,
                filter=_filter(q.search_filter),
                limit=q.limit,
                with_payload=True,
            )
            for q in queries
        ]
        responses = self._call(f"search {self.collection!r}", self.client.query_batch_points, self.collection, requests=requests)
        return [_hits(response.points) for response in responses]

    def retrieve(self, ids: list[str]) -> list[Hit]:
        records = self._call(f"read points of {self.collection!r}", self.client.retrieve, self.collection, ids=list(ids))
        return [Hit(str(r.id), 0.0, r.payload or {}) for r in records]

    def close(self) -> None:
        self.client.close()
