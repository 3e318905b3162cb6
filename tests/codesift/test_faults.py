"""Faults around an index: damaged metadata, a read-only or full data directory, a server that drops mid-run.

Each fault ends in one user-facing line, leaves what was written intact, and a
run after the fault is gone finishes with the same point set as a clean index.
(A kill -9 during indexing is covered in tests/indexer/test_pipeline.py.)
"""

from __future__ import annotations

import errno
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from qdrant_client import QdrantClient
from qdrant_shim import Fault, QdrantShim

import indexer.pipeline as pipeline
from codesift.errors import CodesiftError, DamagedIndexError
from codesift.store import SearchFilter
from codesift.store.edge import EdgeStore
from codesift.store.retry import RetryPolicy
from codesift.store.server import ServerStore
from indexer.pipeline import Indexer
from indexer.progress import IndexProgress
from indexer.sources import resolve_source

ROOT = Path(__file__).resolve().parents[2]
FAST_RETRY = RetryPolicy(attempts=2, base_delay=0.01, max_delay=0.01)
FILES = {f"pkg/mod{i}.py": f"def function_{i}(value):\n    return value * {i}\n\n\nclass Thing{i}:\n    pass\n" for i in range(12)}


def _write(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    return root


@pytest.fixture
def repo(tmp_path):
    return _write(tmp_path / "proj", FILES)


def _index(minilm, store, root):
    return Indexer(minilm, store).index(resolve_source(str(root), clones_dir=root.parent / "clones"), name="proj")


def _points(store) -> list[tuple]:
    fields = ["path", "start_line", "end_line", "content_hash", "file_hash"]
    return sorted((i, *(p[f] for f in fields)) for i, p in store.scroll(SearchFilter(repo="proj"), fields))


def _clean_points(minilm, root, tmp_path) -> list[tuple]:
    with EdgeStore(tmp_path / "clean", "c") as clean:
        _index(minilm, clean, root)
        return _points(clean)


# ------------------------------------------------------------------ damaged metadata


@pytest.mark.parametrize(
    "content,problem",
    [
        (None, "meta.json is missing"),
        ("", "meta.json: Expecting value"),
        ('{"schema": 1, "embedder": {"model": "minilm"', "meta.json: Expecting ','"),
        ("[]", "not a JSON object"),
        ("null", "not a JSON object"),
        ('{"schema": 1, "repos": {}}', "'chunker_version' is missing"),
    ],
)
def test_damaged_metadata_is_refused_with_what_to_remove(minilm, repo, tmp_path, content, problem):
    index_dir = tmp_path / "idx"
    with EdgeStore(index_dir, "c") as store:
        _index(minilm, store, repo)
        count = store.count()
    meta_path = index_dir / "meta.json"
    if content is None:
        meta_path.unlink()
    else:
        meta_path.write_text(content)
    expected = f"metadata of index 'c' is damaged ({problem}"
    with EdgeStore(index_dir, "c") as store:
        with pytest.raises(DamagedIndexError, match=f"^{re.escape(expected)}.*: remove {index_dir} and index again$"):
            store.meta()
        with pytest.raises(DamagedIndexError):
            _index(minilm, store, repo)
        assert store.count() == count  # the chunks themselves were left alone
    assert meta_path.exists() == (content is not None) and (content is None or meta_path.read_text() == content)


def test_server_collection_without_codesift_metadata_is_refused(minilm, repo):
    client = QdrantClient(location=":memory:")
    client.create_collection("c", vectors_config={})
    with pytest.raises(DamagedIndexError, match="metadata of index 'c' is damaged .*delete collection 'c' and index again"):
        _index(minilm, ServerStore(client, "c"), repo)


def test_damaged_metadata_is_one_line_from_the_cli(minilm, repo, tmp_path):
    home = tmp_path / "home"
    with EdgeStore(home / "indexes" / "codesift", "codesift") as store:
        _index(minilm, store, repo)
    (home / "indexes" / "codesift" / "meta.json").write_text("[]")
    result = _codesift(["search", "multiply a value"], home)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert _lines(result.stderr) == [f"error: metadata of index 'codesift' is damaged (not a JSON object): "
                                     f"remove {home / 'indexes' / 'codesift'} and index again"]


# ------------------------------------------------------------------ read-only and full data directory


def _codesift(args: list[str], home: Path, *, unprivileged: bool = False) -> subprocess.CompletedProcess:
    """The CLI in a process of its own; `unprivileged` runs it as `nobody` when the tests run as root,
    who ignores file permissions."""
    env = {**os.environ, "CODESIFT_HOME": str(home), "COLUMNS": "400"}
    env.pop("CODESIFT_QDRANT_URL", None)
    command = [str(Path(sys.executable).parent / "codesift"), *args]
    if unprivileged and os.geteuid() == 0:
        command = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", *command]
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)


def _lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.strip()]


@pytest.fixture
def shared_dir():
    """A directory outside pytest's private tmp root, so the unprivileged user below can reach it."""
    path = Path(tempfile.mkdtemp(prefix="codesift-faults-"))
    path.chmod(0o755)
    yield path
    for sub in path.rglob("*"):
        if sub.is_dir():
            sub.chmod(0o755)
    shutil.rmtree(path)


@pytest.mark.skipif(os.geteuid() == 0 and not shutil.which("setpriv"), reason="root without setpriv ignores permissions")
def test_read_only_home_is_one_line_and_an_existing_index_is_left_intact(minilm, shared_dir):
    repo = _write(shared_dir / "proj", FILES)
    locked = shared_dir / "locked"
    locked.mkdir(mode=0o555)
    result = _codesift(["index", str(repo)], locked / "home", unprivileged=True)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert _lines(result.stderr)[-1:] == [
        f"error: cannot write index 'codesift' at {locked / 'home' / 'indexes' / 'codesift'}: Permission denied"
    ]
    assert list(locked.iterdir()) == []

    home = shared_dir / "home"
    with EdgeStore(home / "indexes" / "codesift", "codesift") as store:
        _index(minilm, store, repo)
        before = _points(store)
    for path in [home, *home.rglob("*")]:
        path.chmod(0o555 if path.is_dir() else 0o444)
    result = _codesift(["search", "multiply a value", "--json"], home, unprivileged=True)
    # The engine opens its files for writing: a read-only index is refused in one line, or it searches.
    if result.returncode:
        assert "Traceback" not in result.stderr and len(_lines(result.stderr)) == 1
        assert _lines(result.stderr)[0].startswith("error: cannot open index 'codesift'")
    else:
        assert "function_" in result.stdout
    for path in [home, *home.rglob("*")]:
        path.chmod(0o755 if path.is_dir() else 0o644)
    with EdgeStore(home / "indexes" / "codesift", "codesift") as store:
        assert _points(store) == before


def test_full_disk_at_the_metadata_write_keeps_the_old_metadata_and_resumes(minilm, repo, tmp_path, monkeypatch):
    """A full disk, simulated: the fsync of the new meta.json raises ENOSPC (no tmpfs can be mounted here).

    The chunks written before it stay, the previous meta.json is untouched, no temporary file is left, and
    the next run, with space again, ends with the same point set as a clean index.
    """
    index_dir = tmp_path / "idx"
    with EdgeStore(index_dir, "c") as store:
        _index(minilm, store, repo)
    before = (index_dir / "meta.json").read_bytes()
    (repo / "pkg/mod0.py").write_text("def renamed(value):\n    return -value\n")
    (repo / "pkg/mod1.py").unlink()

    def full(fd):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    with EdgeStore(index_dir, "c") as store:
        with monkeypatch.context() as patch:
            patch.setattr(os, "fsync", full)
            with pytest.raises(CodesiftError, match=f"^cannot write index 'c' at {index_dir}: No space left on device$"):
                _index(minilm, store, repo)
        assert (index_dir / "meta.json").read_bytes() == before
        assert sorted(p.name for p in index_dir.iterdir()) == ["meta.json", "shard"]
        report = _index(minilm, store, repo)
        assert report.chunks_written == 0  # the chunks of the failed run were kept
        resumed = _points(store)
        assert store.meta()["repos"]["proj"]["files"] == len(FILES) - 1
    assert resumed == _clean_points(minilm, repo, tmp_path)


# ------------------------------------------------------------------ server dropping mid-run


@pytest.fixture
def shim():
    server = QdrantShim().start()
    yield server
    server.stop()


def test_server_failing_mid_run_is_one_line_and_a_rerun_completes(minilm, repo, tmp_path, shim, monkeypatch):
    monkeypatch.setattr(pipeline, "WRITE_GROUP", 4)  # several upserts per run
    store = ServerStore.connect(shim.url, "c", retry=FAST_RETRY)

    class DropAfterFirstWrite(IndexProgress):
        def stage(self, name, total):
            self.name = name

        def advance(self, n=1):
            if self.name == "embedding":
                shim.fail(Fault("upsert", times=1000), Fault("scroll", times=1000))

    try:
        with pytest.raises(CodesiftError) as failure:
            Indexer(minilm, store, progress=DropAfterFirstWrite()).index(resolve_source(str(repo), clones_dir=tmp_path), name="proj")
        line = str(failure.value)
        assert "\n" not in line and line.startswith(f"Qdrant server at {shim.url} failed to upsert points into 'c'")
        assert "HTTP 503" in line
        partial = store.count()
        assert 0 < partial

        shim.recover()
        report = _index(minilm, store, repo)
        assert 0 < report.chunks_written and report.chunks_total > partial
        assert _points(store) == _clean_points(minilm, repo, tmp_path)
        assert store.meta()["repos"]["proj"]["chunks"] == report.chunks_total
    finally:
        store.close()
