"""Server store: the same collection layout on a Qdrant server through `qdrant-client`.

Metadata lives in the collection's own metadata. Point ids are deterministic,
so a batch sent twice (a retry after a timeout) never duplicates.
"""

from __future__ import annotations

from collections.abc import Iterator

from qdrant_client import QdrantClient
from qdrant_client import models as m

from codesift.errors import CodesiftError
from codesift.store.base import DENSE, KEYWORD_FIELDS, RRF_K, SPARSE, Store
from codesift.store.filters import SearchFilter
from codesift.store.records import Hit, HybridHits, SparseVec, StorePoint

SCROLL_PAGE = 1024


def _filter(search_filter: SearchFilter) -> m.Filter | None:
    must = [m.FieldCondition(key=k, match=m.MatchValue(value=v)) for k, v in search_filter.exact_conditions().items()]
    must_not = [m.HasIdCondition(has_id=list(search_filter.exclude_ids))] if search_filter.exclude_ids else None
    return m.Filter(must=must or None, must_not=must_not) if must or must_not else None


def _hits(points) -> list[Hit]:
    return [Hit(str(p.id), float(p.score), p.payload or {}) for p in points]


class ServerStore(Store):
    def __init__(self, client: QdrantClient, collection: str):
        self.client = client
        self.collection = collection

    @classmethod
    def connect(cls, url: str, collection: str, api_key: str | None = None) -> "ServerStore":
        client = QdrantClient(url=url, api_key=api_key, timeout=30)
        try:
            client.get_collections()
        except Exception as exc:
            raise CodesiftError(f"cannot reach the Qdrant server at {url}: {str(exc).splitlines()[0]}") from None
        return cls(client, collection)

    def exists(self) -> bool:
        return self.client.collection_exists(self.collection)

    def create(self, dim: int, meta: dict) -> None:
        self.client.create_collection(
            self.collection,
            vectors_config={DENSE: m.VectorParams(size=dim, distance=m.Distance.COSINE)},
            sparse_vectors_config={SPARSE: m.SparseVectorParams(modifier=m.Modifier.IDF)},
            metadata=meta,
        )
        for field in KEYWORD_FIELDS:
            self.client.create_payload_index(self.collection, field, m.PayloadSchemaType.KEYWORD)

    def meta(self) -> dict:
        if not self.exists():
            return {}
        return dict(self.client.get_collection(self.collection).config.metadata or {})

    def set_meta(self, meta: dict) -> None:
        self.client.update_collection(self.collection, metadata=meta)

    def upsert(self, points: list[StorePoint]) -> None:
        if not points:
            return
        self.client.upsert(
            self.collection,
            points=[
                m.PointStruct(
                    id=p.id,
                    vector={DENSE: p.dense, SPARSE: m.SparseVector(indices=p.sparse.indices, values=p.sparse.values)},
                    payload=p.payload,
                )
                for p in points
            ],
            wait=True,
        )

    def delete_ids(self, ids: list[str]) -> None:
        if ids:
            self.client.delete(self.collection, points_selector=m.PointIdsList(points=list(ids)), wait=True)

    def delete_repo(self, repo: str) -> None:
        self.client.delete(
            self.collection, points_selector=m.FilterSelector(filter=_filter(SearchFilter(repo=repo))), wait=True
        )

    def scroll(self, search_filter: SearchFilter, fields: list[str]) -> Iterator[tuple[str, dict]]:
        offset = None
        while True:
            records, offset = self.client.scroll(
                self.collection,
                scroll_filter=_filter(search_filter),
                limit=SCROLL_PAGE,
                offset=offset,
                with_payload=m.PayloadSelectorInclude(include=fields),
                with_vectors=False,
            )
            for record in records:
                yield str(record.id), record.payload or {}
            if offset is None:
                return

    def count(self, search_filter: SearchFilter | None = None) -> int:
        return self.client.count(self.collection, count_filter=_filter(search_filter or SearchFilter()), exact=True).count

    def facet(self, field: str, search_filter: SearchFilter | None = None, limit: int = 100) -> dict[str, int]:
        response = self.client.facet(self.collection, field, facet_filter=_filter(search_filter or SearchFilter()), limit=limit, exact=True)
        return {str(hit.value): hit.count for hit in response.hits}

    def _query(self, query, using: str, search_filter: SearchFilter, limit: int) -> list[Hit]:
        response = self.client.query_points(
            self.collection, query=query, using=using, query_filter=_filter(search_filter), limit=limit, with_payload=True
        )
        return _hits(response.points)

    def _query_dense(self, vector: list[float], search_filter: SearchFilter, limit: int) -> list[Hit]:
        return self._query(vector, DENSE, search_filter, limit)

    def _query_sparse(self, vector: SparseVec, search_filter: SearchFilter, limit: int) -> list[Hit]:
        if not vector.indices:
            return []
        return self._query(m.SparseVector(indices=vector.indices, values=vector.values), SPARSE, search_filter, limit)

    def _query_hybrid(
        self,
        dense: list[float],
        sparse: SparseVec,
        search_filter: SearchFilter,
        limit: int,
        candidates: int,
        weights: tuple[float, float],
    ) -> HybridHits:
        condition = _filter(search_filter)
        sparse_vector = m.SparseVector(indices=sparse.indices, values=sparse.values)
        prefetch = [
            m.Prefetch(query=dense, using=DENSE, filter=condition, limit=candidates),
            m.Prefetch(query=sparse_vector, using=SPARSE, filter=condition, limit=candidates),
        ]
        requests = [
            m.QueryRequest(query=m.RrfQuery(rrf=m.Rrf(k=RRF_K, weights=list(weights))), prefetch=prefetch, filter=condition, limit=limit, with_payload=True),
            m.QueryRequest(query=dense, using=DENSE, filter=condition, limit=candidates, with_payload=True),
            m.QueryRequest(query=sparse_vector, using=SPARSE, filter=condition, limit=candidates, with_payload=True),
        ]
        fused, dense_hits, sparse_hits = self.client.query_batch_points(self.collection, requests=requests)
        return HybridHits(_hits(fused.points), _hits(dense_hits.points), _hits(sparse_hits.points))

    def retrieve(self, ids: list[str]) -> list[Hit]:
        return [Hit(str(r.id), 0.0, r.payload or {}) for r in self.client.retrieve(self.collection, ids=list(ids))]

    def close(self) -> None:
        self.client.close()
