"""Copying the embedded index to a server store: points as they are, repositories, verified counts, `codesift migrate`.

Store-level tests copy into qdrant-client's local mode; the command line copies over HTTP into the Qdrant shim.
One opt-in test copies to a real server when CODESIFT_QDRANT_URL is set.
"""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from qdrant_client import QdrantClient
from qdrant_shim import QdrantShim

from codesift.errors import CodesiftError, ModelMismatchError
from codesift.store import SearchFilter, StorePoint, new_meta
from codesift.store.edge import EdgeStore
from codesift.store.migrate import migrate
from codesift.store.server import ServerStore
from codesift.store.sparse import bm25_document, bm25_query

DIM = 4
DESCRIPTION = {"model": "m", "dim": DIM, "max_seq_length": 16, "prompts": {"query": {}, "document": {}}}
REPOS = {"r1": {"commit": "abc", "files": 2}, "r2": {"commit": "def", "files": 1}}
REAL_SERVER = os.environ.get("CODESIFT_QDRANT_URL")


def _point(n: int, repo: str, vector: list[float], text: str) -> StorePoint:
    return StorePoint(str(uuid.UUID(int=n)), vector, bm25_document(text), {"repo": repo, "path": f"f{n}.py", "n": n})


POINTS = [
    _point(1, "r1", [1, 0, 0, 0], "parse json file"),
    _point(2, "r1", [0.9, 0.1, 0, 0], "parse yaml config"),
    _point(3, "r1", [0, 1, 0, 0], "http server handler"),
    _point(4, "r2", [0, 0, 1, 0], "install guide"),
    _point(5, "r2", [0.8, 0, 0.2, 0], "test parse json"),
]


def _build_embedded(home: Path, collection: str = "codesift") -> EdgeStore:
    store = EdgeStore(home / "indexes" / collection, collection)
    store.create(DIM, new_meta(DESCRIPTION))
    store.upsert(POINTS)
    store.set_meta({**store.meta(), "repos": REPOS})
    return store


@pytest.fixture
def source(tmp_path):
    with _build_embedded(tmp_path / "home") as store:
        yield store


@pytest.fixture
def target(tmp_path):
    with ServerStore(QdrantClient(path=str(tmp_path / "server")), "codesift") as store:
        yield store


def _contents(store) -> dict:
    return {
        p.id: ([round(x, 5) for x in p.dense], p.sparse.indices, [round(x, 5) for x in p.sparse.values], p.payload)
        for batch in store.export(100)
        for p in batch
    }


def test_copies_points_vectors_payloads_and_repositories(source, target):
    report = migrate(source, target)
    assert report.points == len(POINTS) and report.repos == {"r1": 3, "r2": 2}
    assert _contents(target) == _contents(source)
    assert target.meta()["repos"] == REPOS and target.meta()["embedder"] == DESCRIPTION
    for store in (source, target):
        assert [h.payload["n"] for h in store.search_dense([1, 0, 0, 0], limit=3)] == [1, 2, 5]
        assert store.search_sparse(bm25_query("http handler"))[0].payload["n"] == 3


def test_running_it_again_changes_nothing(source, target):
    migrate(source, target)
    before = _contents(target)
    migrate(source, target)
    assert _contents(target) == before and target.count() == len(POINTS)


def test_other_repositories_on_the_target_are_kept(source, target):
    target.create(DIM, {**new_meta(DESCRIPTION), "repos": {"r3": {"commit": "123"}}})
    target.upsert([_point(9, "r3", [0, 0, 0, 1], "other")])
    migrate(source, target)
    assert target.count() == len(POINTS) + 1
    assert set(target.meta()["repos"]) == {"r1", "r2", "r3"}


def test_a_target_built_with_another_model_is_refused(source, target):
    target.create(DIM, new_meta(dict(DESCRIPTION, model="other")))
    with pytest.raises(ModelMismatchError, match="built with model 'other'"):
        migrate(source, target)
    assert target.count() == 0


def test_counts_that_differ_are_reported_and_repositories_not_recorded(source, target):
    target.create(DIM, new_meta(DESCRIPTION))
    target.upsert([_point(7, "r1", [0, 0, 0, 1], "a stale chunk")])  # r1 on the target holds one chunk more
    with pytest.raises(CodesiftError, match="'r1' has 3 chunks here and 4 there") as err:
        migrate(source, target)
    assert "\n" not in str(err.value)
    assert target.meta()["repos"] == {}


def test_no_index_to_migrate(tmp_path, target):
    with pytest.raises(CodesiftError, match="no index 'nothing' to migrate"):
        migrate(EdgeStore(tmp_path / "none", "nothing"), target)
    assert not target.exists()


def _codesift(*args: str, home: Path, **env: str) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("CODESIFT_")} | {"COLUMNS": "200"} | env
    return subprocess.run(
        [str(Path(sys.executable).parent / "codesift"), *args, "--home", str(home)],
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture
def shim():
    server = QdrantShim().start()
    yield server
    server.stop()


def test_cli_copies_the_embedded_index_to_a_server(tmp_path, shim):
    home = tmp_path / "home"
    _build_embedded(home).close()
    done = _codesift("migrate", "--to", shim.url, home=home, CODESIFT_SHARDS="2")
    assert done.returncode == 0, done.stderr
    assert f"copied {len(POINTS)} chunks of 2 repositories" in done.stderr
    [create] = shim.bodies("create")
    assert create["shard_number"] == 2
    copied = ServerStore(shim.local, "codesift")
    assert copied.count(SearchFilter(repo="r1")) == 3 and copied.meta()["repos"] == REPOS


def test_cli_errors_are_one_line(tmp_path, shim):
    done = _codesift("migrate", "--to", shim.url, home=tmp_path / "empty")
    assert done.returncode == 1
    assert done.stderr.strip() == "error: no index 'codesift' yet: run `codesift index PATH` first"
    assert not shim.requests


@pytest.mark.skipif(not REAL_SERVER, reason="set CODESIFT_QDRANT_URL to run against a real Qdrant server")
def test_migrate_to_a_real_server(source):
    name = f"codesift-test-{uuid.uuid4().hex[:8]}"
    target = ServerStore.connect(REAL_SERVER, name, api_key=os.environ.get("QDRANT_API_KEY"))
    try:
        assert migrate(source, target).points == len(POINTS)
        assert _contents(target) == _contents(source)
        assert target.meta()["repos"] == REPOS
    finally:
        target.client.delete_collection(name)
        target.close()
