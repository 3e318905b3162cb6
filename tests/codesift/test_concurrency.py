"""Several writers and readers on one index.

On a Qdrant server (the HTTP shim in `qdrant_shim.py`) two indexer processes
write different repositories into one collection and both finish with the
point sets a lone run gives, and a search while another client indexes sees
only whole points. On the embedded engine a second process gets the busy line
while the first indexes, and the first still finishes.
"""

from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path

import pytest
from qdrant_shim import QdrantShim

from codesift.errors import IndexBusyError
from codesift.store import SearchFilter
from codesift.store.edge import EdgeStore
from codesift.store.server import ServerStore
from indexer.pipeline import Indexer
from indexer.sources import resolve_source
from retriever.search import Searcher

ROOT = Path(__file__).resolve().parents[2]
PAYLOAD_KEYS = {"repo", "path", "start_line", "end_line", "code", "language", "kind", "file_hash", "file_chunks"}

INDEX_SCRIPT = """
import sys, time
from pathlib import Path
import indexer.pipeline as pipeline
from codesift.embedding import load_embedder
from codesift.store import open_store
from indexer.progress import IndexProgress
from indexer.sources import resolve_source

pipeline.WRITE_GROUP = 8  # many small writes, interleaved with the other process's
url_or_dir, repo, name, go = sys.argv[1:5]

class PauseWhileFlagExists(IndexProgress):
    def stage(self, stage, total):
        self.stage_name = stage
    def advance(self, n=1):
        print(self.stage_name, flush=True)
        while self.stage_name == "embedding" and Path(go + ".pause").exists():
            time.sleep(0.05)

embedder = load_embedder("minilm")
print("loaded", flush=True)
while not Path(go).exists():
    time.sleep(0.02)
store = open_store("c", home=Path(url_or_dir), qdrant_url=url_or_dir if url_or_dir.startswith("http") else None)
report = pipeline.Indexer(embedder, store, progress=PauseWhileFlagExists()).index(
    resolve_source(repo, clones_dir=Path(repo).parent / "clones"), name=name)
store.close()
print("done", report.chunks_total, flush=True)
"""


def _repo(root: Path, stem: str, files: int) -> Path:
    for i in range(files):
        path = root / f"{stem}/m{i}.py"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"def {stem}_{i}(x):\n    '''{stem} helper number {i}.'''\n    return x + {i}\n\n\nclass {stem.title()}{i}:\n    pass\n")
    return root


def _start(url_or_dir: str, repo: Path, name: str, go: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-c", INDEX_SCRIPT, url_or_dir, str(repo), name, str(go)],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )


def _wait_for(process: subprocess.Popen, line: str) -> None:
    for got in process.stdout:
        if got.strip() == line:
            return
    raise AssertionError(f"process ended before {line!r}: {process.wait()} {process.stderr.read()[-2000:]}")


def _points(store, repo: str) -> list[tuple]:
    fields = ["path", "start_line", "end_line", "content_hash"]
    return sorted((i, *(p[f] for f in fields)) for i, p in store.scroll(SearchFilter(repo=repo), fields))


def _alone(minilm, repo: Path, name: str, directory: Path) -> list[tuple]:
    with EdgeStore(directory, "c") as store:
        Indexer(minilm, store).index(resolve_source(str(repo), clones_dir=directory / "clones"), name=name)
        return _points(store, name)


@pytest.fixture
def shim():
    server = QdrantShim().start()
    yield server
    server.stop()


def test_two_processes_index_different_repositories_into_one_server_collection(minilm, shim, tmp_path):
    alpha, beta = _repo(tmp_path / "alpha", "alpha", 40), _repo(tmp_path / "beta", "beta", 40)
    go = tmp_path / "go"
    writers = [_start(shim.url, alpha, "alpha", go), _start(shim.url, beta, "beta", go)]
    try:
        for writer in writers:
            _wait_for(writer, "loaded")
        go.touch()  # both start at once, collection creation included
        outcomes = [(writer.wait(timeout=300), writer.stdout.read(), writer.stderr.read()) for writer in writers]
    finally:
        for writer in writers:
            writer.kill()
    for code, out, err in outcomes:
        assert code == 0 and "done" in out, err[-2000:]
    assert len(shim.bodies("upsert")) >= 20  # many small writes from both processes

    store = ServerStore.connect(shim.url, "c")
    try:
        assert _points(store, "alpha") == _alone(minilm, alpha, "alpha", tmp_path / "alone-alpha")
        assert _points(store, "beta") == _alone(minilm, beta, "beta", tmp_path / "alone-beta")
        assert set(store.meta()["repos"]) == {"alpha", "beta"}
    finally:
        store.close()


def test_search_while_another_client_indexes_sees_only_whole_points(minilm, shim, tmp_path):
    alpha, beta = _repo(tmp_path / "alpha", "alpha", 10), _repo(tmp_path / "beta", "beta", 60)
    writer, reader = ServerStore.connect(shim.url, "c"), ServerStore.connect(shim.url, "c")
    Indexer(minilm, writer).index(resolve_source(str(alpha), clones_dir=tmp_path / "clones"), name="alpha")
    searcher = Searcher(minilm, reader)
    done = threading.Event()
    seen: list = []
    failures: list[BaseException] = []

    def search_until_done() -> None:
        try:
            while not done.is_set():
                seen.append(searcher.search("helper number that adds to x", k=10))
        except BaseException as exc:  # reported by the main thread
            failures.append(exc)

    thread = threading.Thread(target=search_until_done)
    thread.start()
    try:
        Indexer(minilm, writer).index(resolve_source(str(beta), clones_dir=tmp_path / "clones"), name="beta")
    finally:
        done.set()
        thread.join(timeout=120)
    assert not failures, failures
    assert len(seen) >= 3
    hits = [hit for result in seen for hit in result]
    assert hits and any(hit.repo == "beta" for hit in hits)  # some searches ran while beta was arriving
    for hit in hits:
        payload = reader.retrieve([hit.id])[0].payload
        assert PAYLOAD_KEYS <= payload.keys() and payload["code"] == hit.code
        assert hit.code.strip() and hit.path.endswith(".py") and hit.start_line <= hit.end_line
    writer.close()
    reader.close()


def test_second_process_on_an_embedded_index_being_written_gets_the_busy_line(tmp_path):
    repo = _repo(tmp_path / "alpha", "alpha", 30)
    home, go = tmp_path / "home", tmp_path / "go"
    (tmp_path / "go.pause").touch()
    writer = _start(str(home), repo, "alpha", go)
    try:
        _wait_for(writer, "loaded")
        go.touch()
        _wait_for(writer, "embedding")  # paused after its first write
        with pytest.raises(IndexBusyError, match=r"^index 'c' is busy: another codesift process is using it"):
            EdgeStore(home / "indexes" / "c", "c")
        (tmp_path / "go.pause").unlink()
        code, out, err = writer.wait(timeout=300), writer.stdout.read(), writer.stderr.read()
    finally:
        writer.kill()
    assert code == 0 and "done" in out, err[-2000:]
    with EdgeStore(home / "indexes" / "c", "c") as store:
        assert store.count() == int(out.split()[-1]) > 30 and set(store.meta()["repos"]) == {"alpha"}
