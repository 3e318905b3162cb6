"""The incremental, resumable indexing pipeline on real files, the bundled MiniLM and the embedded engine."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from shop_repo import FILES as SHOP
from shop_repo import write_files

from codesift.chunks import CHUNKER_VERSION
from codesift.errors import CodesiftError, ModelMismatchError
from codesift.embedding import load_embedder
from codesift.store import SearchFilter
from codesift.store.edge import EdgeStore
from indexer.pipeline import Indexer, remove_repo
from indexer.sources import resolve_source
from retriever.search import Searcher

FILES = {rel: SHOP[rel] for rel in ("shop/cart.py", "shop/mail.py")} | {
    "util/strings.py": '''
        def slugify(title):
            """Turn a title into a lowercase URL slug with dashes."""
            return "-".join(title.lower().split())
        ''',
    "README.md": "# Shop\n\nA tiny shop.\n\n## Install\n\nRun pip install shop.\n",
}


def _write_repo(root: Path, files=FILES) -> Path:
    return write_files(root, files)


def _point_set(store, repo):
    return sorted((i, p["path"], p["start_line"], p["end_line"], p["content_hash"]) for i, p in store.scroll(
        SearchFilter(repo=repo), ["path", "start_line", "end_line", "content_hash"]
    ))


@pytest.fixture
def repo(tmp_path):
    return _write_repo(tmp_path / "shop")


def _index(minilm, store, root, name="shop"):
    return Indexer(minilm, store).index(resolve_source(str(root), clones_dir=root.parent / "clones"), name=name)


def test_index_then_search_finds_the_function(minilm, repo, tmp_path):
    with EdgeStore(tmp_path / "idx", "c") as store:
        report = _index(minilm, store, repo)
        assert report.files_seen == 4 and report.files_indexed == 4 and report.chunks_written == report.chunks_total > 5
        hits = Searcher(minilm, store).search("add up the cost of everything in the basket", mode="dense", k=3)
        found = [h for h in hits if h.symbol == "Cart.total_price"]
        assert found and found[0].path == "shop/cart.py" and (found[0].start_line, found[0].end_line) == (11, 13)
        assert store.meta()["repos"]["shop"]["files"] == 4


def test_rerun_without_change_writes_nothing(minilm, repo, tmp_path):
    with EdgeStore(tmp_path / "idx", "c") as store:
        first = _index(minilm, store, repo)
        again = _index(minilm, store, repo)
    assert again.files_indexed == 0 and again.chunks_written == 0 and again.chunks_deleted == 0
    assert again.files_unchanged == 4 and again.chunks_total == first.chunks_total


def test_changed_and_removed_files_are_updated(minilm, repo, tmp_path):
    with EdgeStore(tmp_path / "idx", "c") as store:
        _index(minilm, store, repo)
        (repo / "util/strings.py").write_text('def shout(text):\n    """Upper-case a text and add an exclamation mark."""\n    return text.upper() + "!"\n')
        (repo / "shop/mail.py").unlink()
        report = _index(minilm, store, repo)
        assert report.files_indexed == 1 and report.files_removed == 1 and report.files_unchanged == 2
        paths = {p["path"] for _, p in store.scroll(SearchFilter(repo="shop"), ["path"])}
        symbols = {p["symbol"] for _, p in store.scroll(SearchFilter(repo="shop"), ["symbol"])}
        assert "shop/mail.py" not in paths and "shout" in symbols and "slugify" not in symbols
        clean_dir = tmp_path / "clean"
    with EdgeStore(clean_dir, "c") as clean, EdgeStore(tmp_path / "idx", "c") as store:
        _index(minilm, clean, repo)
        assert _point_set(store, "shop") == _point_set(clean, "shop")


KILL_SCRIPT = """
import os, signal, sys
import indexer.pipeline as pipeline
from codesift.embedding import load_embedder
from codesift.store.edge import EdgeStore
from indexer.progress import IndexProgress
from indexer.sources import resolve_source

pipeline.WRITE_GROUP = 4

class KillAfterFirstWrite(IndexProgress):
    def stage(self, name, total):
        self.name = name
    def advance(self, n=1):
        if self.name == "embedding":
            os.kill(os.getpid(), signal.SIGKILL)

store = EdgeStore(sys.argv[1], "c")
pipeline.Indexer(load_embedder("minilm"), store, progress=KillAfterFirstWrite()).index(
    resolve_source(sys.argv[2], clones_dir=sys.argv[3]), name="shop")
"""


def test_killed_run_resumes_to_the_same_point_set(minilm, repo, tmp_path):
    index_dir = tmp_path / "idx"
    killed = subprocess.run(
        [sys.executable, "-c", KILL_SCRIPT, str(index_dir), str(repo), str(tmp_path / "clones")],
        cwd=Path(__file__).resolve().parents[2],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert killed.returncode == -9, killed.stderr[-2000:]
    with EdgeStore(index_dir, "c") as store:
        partial = store.count()
        assert 0 < partial  # the first group made it to the write-ahead log
        report = _index(minilm, store, repo)
        assert report.chunks_written > 0
        resumed = _point_set(store, "shop")
    with EdgeStore(tmp_path / "clean", "c") as clean:
        _index(minilm, clean, repo)
        assert resumed == _point_set(clean, "shop")
        assert partial < len(resumed)


def test_an_index_says_the_precision_of_its_vectors_and_fp32_queries_search_a_bf16_index(minilm, minilm_bf16, repo, tmp_path):
    with EdgeStore(tmp_path / "idx", "c") as store:
        _index(minilm_bf16, store, repo)
        assert store.meta()["embedder"]["precision"] == "bf16" and store.meta()["repos"]["shop"]["precision"] == "bf16"
        hits = Searcher(minilm, store).search("add up the cost of everything in the basket", mode="dense", k=3)
        assert any(h.symbol == "Cart.total_price" for h in hits)
        (repo / "util/strings.py").write_text('def shout(text):\n    return text.upper() + "!"\n')
        _index(minilm, store, repo)  # one file re-embedded in fp32, the others kept from the bf16 run
        assert store.meta()["repos"]["shop"]["precision"] == "bf16+fp32"
        _index(minilm, store, repo)  # nothing written: the record stays
        assert store.meta()["repos"]["shop"]["precision"] == "bf16+fp32"
        remove_repo(store, "shop")
        _index(minilm, store, repo)
        assert store.meta()["repos"]["shop"]["precision"] == "fp32" and store.meta()["embedder"]["precision"] == "fp32"


def test_other_model_is_refused(minilm, repo, tmp_path, tiny_decoder_dir):
    with EdgeStore(tmp_path / "idx", "c") as store:
        _index(minilm, store, repo)
        with pytest.raises(ModelMismatchError, match="built with model 'minilm'"):
            Indexer(load_embedder(str(tiny_decoder_dir)), store).index(resolve_source(str(repo), clones_dir=tmp_path))


def test_an_index_emptied_by_remove_takes_the_new_chunker_version(minilm, repo, tmp_path):
    with EdgeStore(tmp_path / "idx", "c") as store:
        _index(minilm, store, repo)
        store.set_meta(dict(store.meta(), chunker_version=CHUNKER_VERSION - 1))  # built by an older codesift
        with pytest.raises(ModelMismatchError, match="chunker version"):
            _index(minilm, store, repo)
        remove_repo(store, "shop")
        report = _index(minilm, store, repo)
        assert report.chunks_written > 5 and store.meta()["chunker_version"] == CHUNKER_VERSION


def test_same_name_for_another_repo_is_refused(minilm, repo, tmp_path):
    other = _write_repo(tmp_path / "other", {"a.py": "def f():\n    return 1\n"})
    with EdgeStore(tmp_path / "idx", "c") as store:
        _index(minilm, store, repo)
        with pytest.raises(CodesiftError, match="--name"):
            _index(minilm, store, other)
        assert _index(minilm, store, other, name="other").chunks_total == 1


def test_file_vanishing_before_it_is_read_is_counted_and_loses_nothing(minilm, repo, tmp_path, monkeypatch):
    import indexer.pipeline as pipeline

    real_walk = pipeline.walk_repo

    def walk_then_delete(root, **kwargs):
        result = real_walk(root, **kwargs)
        (repo / "util/strings.py").unlink()  # gone between the walk and the read, as under a concurrent checkout
        return result

    monkeypatch.setattr(pipeline, "walk_repo", walk_then_delete)
    with EdgeStore(tmp_path / "idx", "c") as store:
        report = _index(minilm, store, repo)
    assert report.skipped["unreadable"] == 1 and ("util/strings.py", "unreadable") in report.skipped_files
    assert report.files_indexed == 3 and report.chunks_total > 0


def test_pipeline_runs_the_same_on_the_server_store(minilm, repo, tmp_path):
    from qdrant_client import QdrantClient

    from codesift.store.server import ServerStore

    store = ServerStore(QdrantClient(path=str(tmp_path / "qdrant")), "c")
    try:
        first = _index(minilm, store, repo)
        assert first.chunks_total == store.count() > 5
        (repo / "shop/mail.py").unlink()
        again = _index(minilm, store, repo)
        assert again.files_removed == 1 and again.chunks_written == 0
        assert store.meta()["repos"]["shop"]["chunks"] == again.chunks_total < first.chunks_total
        hits = Searcher(minilm, store).search("turn a title into a url slug", k=3)
        assert any(h.symbol == "slugify" for h in hits)
    finally:
        store.close()


def test_reindex_fetches_a_clone_but_reads_a_local_checkout_in_place(tmp_path):
    from indexer.pipeline import reindex_source

    clones = tmp_path / "repos"
    (clones / "lib-1a2b").mkdir(parents=True)
    url = "https://github.com/owner/lib.git"
    assert reindex_source({"root": str(clones / "lib-1a2b"), "url": url}, clones) == url
    assert reindex_source({"root": str(tmp_path / "work" / "lib"), "url": url}, clones) == str(tmp_path / "work" / "lib")
    assert reindex_source({"root": str(clones / "lib-1a2b"), "url": None}, clones) == str(clones / "lib-1a2b")


def test_a_run_given_paths_updates_those_files_alone(minilm, repo, tmp_path):
    with EdgeStore(tmp_path / "idx", "c") as store:
        _index(minilm, store, repo)
        recorded = store.repo("shop")
        (repo / "util/strings.py").write_text('def shout(text):\n    """Upper-case a text."""\n    return text.upper()\n')
        (repo / "shop/mail.py").unlink()
        (repo / "shop/tax.py").write_text("def vat(amount):\n    return amount * 0.2\n")
        (repo / "README.md").write_text("# Changed, but not among the paths given\n")
        source = resolve_source(str(repo), clones_dir=tmp_path / "clones")
        report = Indexer(minilm, store).index(source, name="shop", paths=["util/strings.py", "shop/mail.py", "shop/tax.py"])
        assert (report.files_seen, report.files_indexed, report.files_removed) == (2, 2, 1)
        assert store.repo("shop")["files"] == recorded["files"] and store.repo("shop")["skipped"] == recorded["skipped"]
        readme = [p["content_hash"] for _, p in store.scroll(SearchFilter(repo="shop", path="README.md"), ["content_hash"])]
        assert readme  # untouched: a path-limited run never looks at it
        full = _index(minilm, store, repo)
        assert full.files_indexed == 1 and full.files_removed == 0  # only the README was left to do
    with EdgeStore(tmp_path / "clean", "c") as clean, EdgeStore(tmp_path / "idx", "c") as store:
        _index(minilm, clean, repo)
        assert _point_set(store, "shop") == _point_set(clean, "shop")
