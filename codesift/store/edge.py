"""Embedded store on `qdrant-edge-py`: the Qdrant engine in this process, data under one directory.

Layout: `<dir>/shard/` (segments and write-ahead log) and `<dir>/meta.json`
(collection metadata, replaced atomically). The engine locks its write-ahead
log, so a second process opening the same index gets `IndexBusyError`.
A shard without readable, well-formed metadata is refused with one line that
says which directory to remove; a metadata write that fails (read-only or
full disk) leaves the previous `meta.json` as it was and is one line too.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import qdrant_edge as q

from codesift.errors import CodesiftError, IndexBusyError
from codesift.store.base import DENSE, KEYWORD_FIELDS, SPARSE, Store
from codesift.store.filters import SearchFilter
from codesift.store.meta import damaged, meta_problem
from codesift.store.records import Hit, SparseVec, StorePoint, VectorQuery

SCROLL_PAGE = 2048
EXACT = q.SearchParams(exact=True)  # below a few hundred thousand chunks exact search is fast enough


def _filter(search_filter: SearchFilter) -> q.Filter | None:
    must = [q.FieldCondition(k, match=q.MatchValue(v)) for k, v in search_filter.exact_conditions().items()]
    must += [q.FieldCondition(k, match=q.MatchAny(list(values))) for k, values in search_filter.match_any]
    must_not = [q.HasIdCondition(set(search_filter.exclude_ids))] if search_filter.exclude_ids else None
    return q.Filter(must=must, must_not=must_not) if must or must_not else None


def _vector(query: VectorQuery):
    if query.using == SPARSE:
        return q.SparseVector(query.vector.indices, query.vector.values)
    return query.vector


def _hits(points) -> list[Hit]:
    return [Hit(str(p.id), float(p.score), p.payload or {}) for p in points]


class EdgeStore(Store):
    def __init__(self, directory: Path, collection: str):
        self.collection = collection
        self.directory = Path(directory)
        self._shard_dir = self.directory / "shard"
        self._meta_path = self.directory / "meta.json"
        self._shard: q.EdgeShard | None = None
        if self.exists():
            self._shard = self._open(lambda: q.EdgeShard.load(str(self._shard_dir)))

    def _open(self, opener) -> q.EdgeShard:
        try:
            return opener()
        except Exception as exc:
            if "WouldBlock" in str(exc):
                raise IndexBusyError(
                    f"index {self.collection!r} is busy: another codesift process is using it; "
                    "try again when it finishes"
                ) from None
            raise CodesiftError(f"cannot open index {self.collection!r} at {self.directory}: {exc}") from None

    @property
    def shard(self) -> q.EdgeShard:
        if self._shard is None:
            raise CodesiftError(f"no index {self.collection!r} yet: run `codesift index PATH` first")
        return self._shard

    def exists(self) -> bool:
        return (self._shard_dir / "edge_config.json").exists()

    def _write_failed(self, exc: OSError) -> CodesiftError:
        return CodesiftError(f"cannot write index {self.collection!r} at {self.directory}: {exc.strerror or exc}")

    def create(self, dim: int, meta: dict) -> bool:  # the process holds the index: nobody else creates it meanwhile
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise self._write_failed(exc) from None
        config = q.EdgeConfig(
            vectors={DENSE: q.EdgeVectorParams(size=dim, distance=q.Distance.Cosine)},
            sparse_vectors={SPARSE: q.EdgeSparseVectorParams(modifier=q.Modifier.Idf)},
        )
        self._shard = self._open(lambda: q.EdgeShard.create(str(self._shard_dir), config))
        for field in KEYWORD_FIELDS:
            self._shard.update(q.UpdateOperation.create_field_index(field, q.PayloadSchemaType.Keyword))
        self.set_meta(meta)
        return True

    def meta(self) -> dict:
        if not self.exists():
            return {}
        try:
            meta = json.loads(self._meta_path.read_text())
        except FileNotFoundError:
            problem = f"{self._meta_path.name} is missing"
        except (OSError, ValueError) as exc:
            problem = f"{self._meta_path.name}: {exc}"
        else:
            problem = meta_problem(meta)
        if problem:
            raise damaged(self.collection, problem, f"remove {self.directory}")
        return meta

    def set_meta(self, meta: dict) -> None:
        tmp = None
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.directory, prefix=".meta.", suffix=".json")
            with os.fdopen(fd, "w") as out:
                json.dump(meta, out, indent=1, sort_keys=True)
                out.flush()
                os.fsync(out.fileno())
            os.replace(tmp, self._meta_path)
        except OSError as exc:
            if tmp is not None and os.path.exists(tmp):
                os.unlink(tmp)
            raise self._write_failed(exc) from None

    def upsert(self, points: list[StorePoint]) -> None:
        if not points:
            return
        self.shard.update(
            q.UpdateOperation.upsert_points(
                [
                    q.Point(
                        p.id,
                        {DENSE: p.dense, SPARSE: q.SparseVector(p.sparse.indices, p.sparse.values)},
                        p.payload,
                    )
                    for p in points
                ]
            )
        )

    def delete_ids(self, ids: list[str]) -> None:
        if ids:
            self.shard.update(q.UpdateOperation.delete_points(list(ids)))

    def delete_repo(self, repo: str) -> None:
        self.shard.update(q.UpdateOperation.delete_points_by_filter(_filter(SearchFilter(repo=repo))))

    def _pages(self, limit: int, **request) -> Iterator[list]:
        offset = None
        while True:
            records, offset = self.shard.scroll(q.ScrollRequest(offset=offset, limit=limit, **request))
            yield records
            if offset is None:
                return

    def scroll(self, search_filter: SearchFilter, fields: list[str]) -> Iterator[tuple[str, dict]]:
        pages = self._pages(
            SCROLL_PAGE, filter=_filter(search_filter), with_payload=q.PayloadSelector.Include(fields), with_vector=False
        )
        for records in pages:
            for record in records:
                yield str(record.id), record.payload or {}

    def export(self, batch_size: int) -> Iterator[list[StorePoint]]:
        for records in self._pages(batch_size, with_payload=True, with_vector=True):
            if records:
                yield [
                    StorePoint(
                        str(r.id),
                        list(r.vector[DENSE]),
                        SparseVec(list(r.vector[SPARSE].indices), list(r.vector[SPARSE].values)),
                        r.payload or {},
                    )
                    for r in records
                ]

    def count(self, search_filter: SearchFilter | None = None) -> int:
        return self.shard.count(q.CountRequest(exact=True, filter=_filter(search_filter or SearchFilter())))

    def facet(self, field: str, search_filter: SearchFilter | None = None, limit: int = 100) -> dict[str, int]:
        response = self.shard.facet(q.FacetRequest(key=field, filter=_filter(search_filter or SearchFilter()), limit=limit, exact=True))
        return {str(hit.value): hit.count for hit in response.hits}

    def _query_batch(self, queries: list[VectorQuery]) -> list[list[Hit]]:
        requests = [
            q.QueryRequest(
                limit=query.limit,
                query=q.Query.Nearest(_vector(query), using=query.using),
                filter=_filter(query.search_filter),
                with_payload=True,
                params=EXACT,
            )
            for query in queries
        ]
        return [_hits(points) for points in self.shard.query_batch(q.QueryBatchRequest(requests))]

    def retrieve(self, ids: list[str]) -> list[Hit]:
        return [Hit(str(r.id), 0.0, r.payload or {}) for r in self.shard.retrieve(list(ids), True, False)]

    def flush(self) -> None:
        if self._shard is not None:
            self._shard.flush()

    def close(self) -> None:
        if self._shard is not None:
            self._shard.flush()
            self._shard.close()
            self._shard = None
