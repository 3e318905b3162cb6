"""The server store over HTTP: batched upserts, retries with backoff, timeouts, idempotent re-sends, shard layout.

A real `QdrantClient(url=…)` talks to a local Qdrant REST shim (qdrant-client's local mode behind HTTP) that fails
on purpose. One opt-in test runs against a real server when CODESIFT_QDRANT_URL is set.
"""

from __future__ import annotations

import os
import socket
import uuid

import pytest
from qdrant_shim import Fault, QdrantShim

from codesift.config import Settings
from codesift.errors import CodesiftError
from codesift.store.base import KEYWORD_FIELDS
from codesift.store import SearchFilter, StorePoint, new_meta, store_for
from codesift.store.retry import RetryPolicy
from codesift.store.server import UPSERT_BATCH, ServerStore
from codesift.store.sparse import bm25_document, bm25_query

DIM = 4
DESCRIPTION = {"model": "m", "dim": DIM, "max_seq_length": 16, "prompts": {"query": {}, "document": {}}}
FAST = RetryPolicy(attempts=3, base_delay=0.01, max_delay=0.05)
REAL_SERVER = os.environ.get("CODESIFT_QDRANT_URL")


def _points(n: int, repo: str = "r") -> list[StorePoint]:
    return [
        StorePoint(str(uuid.UUID(int=i + 1)), [1.0, i / n, 0.0, 0.5], bm25_document(f"handler number {i}"), {"repo": repo, "n": i})
        for i in range(n)
    ]


@pytest.fixture
def shim():
    server = QdrantShim().start()
    yield server
    server.stop()


@pytest.fixture
def store(shim):
    with ServerStore.connect(shim.url, "c", retry=FAST) as server_store:
        server_store.create(DIM, new_meta(DESCRIPTION))
        yield server_store


@pytest.fixture
def unused_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_upserts_are_sent_in_batches(store, shim):
    store.upsert(_points(2 * UPSERT_BATCH + 88))
    assert [len(body["points"]) for body in shim.bodies("upsert")] == [UPSERT_BATCH, UPSERT_BATCH, 88]
    assert store.count() == 2 * UPSERT_BATCH + 88


@pytest.mark.parametrize("status", [429, 500, 502, 503])
def test_transient_failures_are_retried(store, shim, status):
    shim.fail(Fault("upsert", times=2, status=status))
    store.upsert(_points(UPSERT_BATCH + 10))
    sent = shim.bodies("upsert")
    assert len(sent) == 4  # the first batch failed twice, then went through; the second went through at once
    assert sent[0] == sent[1] == sent[2]
    assert store.count() == UPSERT_BATCH + 10


def test_a_lost_answer_resends_the_same_ids_and_never_duplicates(store, shim):
    shim.fail(Fault("upsert", after_apply=True))  # written, but the answer is an error
    store.upsert(_points(100))
    first, again = shim.bodies("upsert")
    assert [p["id"] for p in first["points"]] == [p["id"] for p in again["points"]]
    assert store.count() == 100


def test_persistent_failure_is_one_line_naming_the_server(store, shim):
    shim.fail(Fault("count", times=99))
    with pytest.raises(CodesiftError) as err:
        store.count()
    message = str(err.value)
    assert shim.url in message and "503" in message and f"after {FAST.attempts} attempts" in message
    assert "\n" not in message
    assert len(shim.bodies("count")) == FAST.attempts


def test_a_client_error_is_not_retried(shim):
    with ServerStore.connect(shim.url, "missing", retry=FAST) as store:
        with pytest.raises(CodesiftError, match="refused to count points of 'missing'.*404") as err:
            store.count(SearchFilter(repo="r"))
    assert "\n" not in str(err.value)
    assert len(shim.bodies("count")) == 1


def test_a_request_that_times_out_is_retried_then_reported(shim):
    with ServerStore.connect(shim.url, "c", timeout=1, retry=RetryPolicy(attempts=2, base_delay=0.01)) as store:
        store.create(DIM, new_meta(DESCRIPTION))
        shim.fail(Fault("count", delay=1.5, status=None))
        assert store.count() == 0
        assert len(shim.bodies("count")) == 2
        shim.fail(Fault("count", times=2, delay=1.5, status=None))
        with pytest.raises(CodesiftError, match=r"failed to count points of 'c' after 2 attempts: timed out"):
            store.count()


def test_unreachable_server_is_one_line(unused_port):
    url = f"http://127.0.0.1:{unused_port}"
    with pytest.raises(CodesiftError, match="connection refused") as err:
        ServerStore.connect(url, "c", retry=FAST)
    assert url in str(err.value) and "\n" not in str(err.value)


def test_create_sends_the_shard_layout_and_survives_a_lost_answer(shim):
    with ServerStore.connect(shim.url, "c", shards=3, replicas=2, retry=FAST) as store:
        shim.fail(Fault("create", after_apply=True))
        store.create(DIM, new_meta(DESCRIPTION))
        [body] = shim.bodies("create")  # the retry found the collection made instead of failing on "exists"
        assert (body["shard_number"], body["replication_factor"]) == (3, 2)
        assert store.meta()["embedder"] == DESCRIPTION
        assert {b["field_name"] for b in shim.bodies("index")} == set(KEYWORD_FIELDS)


def test_shards_and_replicas_come_from_the_environment(shim, tmp_path, monkeypatch):
    monkeypatch.setenv("CODESIFT_QDRANT_URL", shim.url)
    monkeypatch.setenv("CODESIFT_SHARDS", "4")
    monkeypatch.setenv("CODESIFT_REPLICAS", "2")
    with store_for(Settings().with_overrides(home=tmp_path, collection="c")) as store:
        store.create(DIM, new_meta(DESCRIPTION))
    [body] = shim.bodies("create")
    assert (body["shard_number"], body["replication_factor"]) == (4, 2)


@pytest.mark.parametrize("value", ["0", "two", "-1"])
def test_bad_shard_count_is_one_line(monkeypatch, value):
    monkeypatch.setenv("CODESIFT_SHARDS", value)
    with pytest.raises(CodesiftError, match="CODESIFT_SHARDS must be a whole number"):
        Settings()


@pytest.mark.skipif(not REAL_SERVER, reason="set CODESIFT_QDRANT_URL to run against a real Qdrant server")
def test_real_server_roundtrip():
    name = f"codesift-test-{uuid.uuid4().hex[:8]}"
    store = ServerStore.connect(REAL_SERVER, name, api_key=os.environ.get("QDRANT_API_KEY"))
    try:
        store.create(DIM, new_meta(DESCRIPTION))
        points = _points(UPSERT_BATCH + 50)
        store.upsert(points)
        store.upsert(points[:100])  # re-sent: overwrites
        assert store.count() == len(points)
        assert store.meta()["embedder"] == DESCRIPTION
        assert store.search_dense([1.0, 0.0, 0.0, 0.5], limit=1)[0].payload["n"] == 0
        assert store.search_sparse(bm25_query("handler number 7"), limit=1)[0].payload["n"] == 7
        assert sum(len(batch) for batch in store.export(100)) == len(points)
        store.delete_repo("r")
        assert store.count() == 0
    finally:
        store.client.delete_collection(name)
        store.close()
