"""A Qdrant REST server for tests, on 127.0.0.1 in a background thread, that can fail on purpose.

Requests are answered by qdrant-client's local mode (in memory), so a real
`QdrantClient(url=…)` talks HTTP to it and gets real Qdrant semantics (an
upsert of an existing id overwrites it). Only the endpoints the server store
uses for writing, counting, copying and searching are routed: list, exists,
create, info, update (metadata), index, upsert, delete, count, facet, scroll,
retrieve and batched queries (hybrid search). Every request is
recorded in `requests` as (route, body). `fail(Fault(...))` spoils the next
matching requests: an error status, a delay before answering (timeouts), and
optionally the request applied first (an answer lost after the write);
`recover()` drops the faults not yet used up.
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler

from qdrant_client import QdrantClient
from qdrant_client import models as m

from local_http import LocalHTTPServer

C = r"(?P<c>[^/?]+)"


def _create(local: QdrantClient, c: str, body: dict):
    request = m.CreateCollection.model_validate(body)
    return local.create_collection(
        c, vectors_config=request.vectors, sparse_vectors_config=request.sparse_vectors, metadata=request.metadata
    )


def _scroll(local: QdrantClient, c: str, body: dict):
    request = m.ScrollRequest.model_validate(body)
    points, offset = local.scroll(
        c,
        scroll_filter=request.filter,
        limit=request.limit,
        offset=request.offset,
        with_payload=request.with_payload,
        with_vectors=request.with_vector,
    )
    return m.ScrollResult(points=points, next_page_offset=offset)


def _count(local: QdrantClient, c: str, body: dict):
    request = m.CountRequest.model_validate(body)
    return local.count(c, count_filter=request.filter, exact=request.exact)


def _facet(local: QdrantClient, c: str, body: dict):
    request = m.FacetRequest.model_validate(body)
    return local.facet(c, request.key, facet_filter=request.filter, limit=request.limit, exact=request.exact)


def _delete(local: QdrantClient, c: str, body: dict):
    if "points" in body:
        return local.delete(c, m.PointIdsList(points=body["points"]))
    return local.delete(c, m.FilterSelector(filter=m.Filter.model_validate(body["filter"])))


def _retrieve(local: QdrantClient, c: str, body: dict):
    request = m.PointRequest.model_validate(body)
    return local.retrieve(c, request.ids, with_payload=request.with_payload, with_vectors=request.with_vector)


def _query_batch(local: QdrantClient, c: str, body: dict):
    return local.query_batch_points(c, m.QueryRequestBatch.model_validate(body).searches)


ROUTES: list[tuple[str, str, str, Callable]] = [
    ("list", "GET", r"/collections", lambda local, c, body: local.get_collections()),
    ("exists", "GET", rf"/collections/{C}/exists", lambda local, c, body: m.CollectionExistence(exists=local.collection_exists(c))),
    ("create", "PUT", rf"/collections/{C}", _create),
    ("info", "GET", rf"/collections/{C}", lambda local, c, body: local.get_collection(c)),
    ("update", "PATCH", rf"/collections/{C}", lambda local, c, body: local.update_collection(c, metadata=body.get("metadata"))),
    (
        "index",
        "PUT",
        rf"/collections/{C}/index",
        lambda local, c, body: local.create_payload_index(c, body["field_name"], body.get("field_schema")),
    ),
    ("upsert", "PUT", rf"/collections/{C}/points", lambda local, c, body: local.upsert(c, m.PointsList.model_validate(body).points)),
    ("delete", "POST", rf"/collections/{C}/points/delete", _delete),
    ("retrieve", "POST", rf"/collections/{C}/points", _retrieve),
    ("query_batch", "POST", rf"/collections/{C}/points/query/batch", _query_batch),
    ("count", "POST", rf"/collections/{C}/points/count", _count),
    ("facet", "POST", rf"/collections/{C}/facet", _facet),
    ("scroll", "POST", rf"/collections/{C}/points/scroll", _scroll),
]


@dataclass
class Fault:
    route: str  # a route name from ROUTES
    times: int = 1  # how many matching requests it spoils
    status: int | None = 503  # None: the real answer (after the delay)
    delay: float = 0.0  # seconds before answering
    after_apply: bool = False  # carry the request out, then answer with the error


class QdrantShim(LocalHTTPServer):
    def __init__(self):
        super().__init__(_handler_for(self))
        self.local = QdrantClient(location=":memory:")
        self.requests: list[tuple[str, dict | None]] = []
        self._faults: list[Fault] = []
        self._lock = threading.Lock()

    @property
    def url(self) -> str:
        return self.origin

    def stop(self) -> None:
        super().stop()
        self.local.close()

    def fail(self, *faults: Fault) -> None:
        with self._lock:
            self._faults.extend(faults)

    def recover(self) -> None:
        """Drop every fault not yet used up: the server answers normally again."""
        with self._lock:
            self._faults.clear()

    def bodies(self, route: str) -> list[dict | None]:
        """The bodies of every request to `route`, spoiled ones included, in order."""
        return [body for name, body in self.requests if name == route]

    def _take_fault(self, route: str) -> Fault | None:
        with self._lock:
            for fault in self._faults:
                if fault.route == route and fault.times > 0:
                    fault.times -= 1
                    return fault
        return None

    def answer(self, method: str, path: str, body: dict | None) -> tuple[int, dict]:
        for name, route_method, pattern, handler in ROUTES:
            match = re.fullmatch(pattern, path)
            if route_method == method and match:
                break
        else:
            return 404, {"status": {"error": f"no route for {method} {path}"}, "time": 0}
        self.requests.append((name, body))
        collection = match.groupdict().get("c")
        fault = self._take_fault(name)
        if fault is None:
            return self._apply(handler, collection, body)
        reply = self._apply(handler, collection, body) if fault.after_apply or fault.status is None else None
        time.sleep(fault.delay)
        if fault.status is None:
            return reply
        return fault.status, {"status": {"error": f"injected fault on {name}"}, "time": 0}

    def _apply(self, handler: Callable, collection: str | None, body: dict | None) -> tuple[int, dict]:
        try:
            with self._lock:
                result = handler(self.local, collection, body or {})
        except (ValueError, KeyError) as exc:
            status = 404 if "not found" in str(exc).lower() else 400
            return status, {"status": {"error": str(exc)}, "time": 0}
        if isinstance(result, list):  # batched queries, retrieved points
            result = [item.model_dump(mode="json") for item in result]
        elif hasattr(result, "model_dump"):
            result = result.model_dump(mode="json")
        return 200, {"result": result, "status": "ok", "time": 0}


def _handler_for(shim: QdrantShim):
    class Handler(BaseHTTPRequestHandler):
        def _serve(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = json.loads(self.rfile.read(length)) if length else None
            status, reply = shim.answer(self.command, self.path.split("?")[0], body)
            data = json.dumps(reply).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_PUT = do_POST = do_PATCH = _serve

        def log_message(self, *args) -> None:
            pass

    return Handler
