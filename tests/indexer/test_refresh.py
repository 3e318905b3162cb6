"""Refresh before a search (indexer.refresh.Freshness) on real files, the embedded engine and the bundled MiniLM."""

from __future__ import annotations

import subprocess
import threading

import pytest
from shop_repo import write_files, write_shop

from codesift.errors import IndexBusyError
from codesift.store import SearchFilter
from codesift.store.edge import EdgeStore
from indexer import refresh as refresh_module
from indexer.pipeline import Indexer
from indexer.refresh import Freshness, changed_paths
from indexer.sources import resolve_source
from retriever.search import Searcher

VAT = "def vat_amount(net):\n    \"\"\"The value added tax on a net price.\"\"\"\n    return net * 0.2\n"


@pytest.fixture
def store(tmp_path):
    with EdgeStore(tmp_path / "idx", "c") as store:
        yield store


def freshness(minilm, store, tmp_path, budget=5.0, background=False) -> Freshness:
    return Freshness(store, tmp_path / "clones", lambda progress: Indexer(minilm, store, progress=progress), budget, background)


def indexed(fresh: Freshness, root, name="shop"):
    return fresh.index(resolve_source(str(root), clones_dir=fresh.clones_dir), name)


def symbols(store, repo="shop") -> set[str]:
    return {p["symbol"] for _, p in store.scroll(SearchFilter(repo=repo), ["symbol"])}


def test_changed_paths_are_the_added_removed_and_restamped_ones():
    before = {"a.py": (1, 10), "b.py": (2, 20), "c.py": (3, 30)}
    after = {"a.py": (1, 10), "b.py": (2, 21), "d.py": (4, 40)}
    assert changed_paths(before, after) == ["b.py", "c.py", "d.py"]
    assert changed_paths(before, dict(before)) == []


def test_an_edit_is_searchable_at_the_next_refresh_and_nothing_else_is_redone(minilm, store, tmp_path):
    root = write_shop(tmp_path / "shop")
    fresh = freshness(minilm, store, tmp_path)
    indexed(fresh, root)
    assert fresh.refresh() == []  # nothing changed: no note, no index run
    (root / "shop" / "tax.py").write_text(VAT)
    (root / "notes" / "greeting.py").unlink()
    [note] = fresh.refresh(["shop"])
    assert (note.repo, note.files_indexed, note.files_removed, note.chunks_written, note.skipped) == ("shop", 1, 1, 1, None)
    assert note.chunks_deleted == 1  # the greeting's one function
    assert note.line().startswith("shop: 2 files (1 new or changed, 1 removed), 1 chunk written, 1 deleted, ")
    hits = Searcher(minilm, store).search("vat_amount", k=3)
    assert hits[0].symbol == "vat_amount" and hits[0].path == "shop/tax.py"
    assert "greeting_banner" not in symbols(store)
    assert store.repo("shop")["files"] == 4  # 5 shop files, one added, one removed
    assert fresh.refresh() == []


def test_a_refresh_over_the_budget_is_skipped_and_says_so(minilm, store, tmp_path):
    root = write_shop(tmp_path / "shop")
    fresh = freshness(minilm, store, tmp_path)
    indexed(fresh, root)
    write_files(root, {f"gen/module_{i}.py": f"def handler_{i}(event):\n    return {'x' * 2000!r}\n" for i in range(60)})
    fresh.budget = 1.0  # 60 files of 2 KB: about 6 s to embed at the assumed rate
    [note] = fresh.refresh()
    assert note.files == 0 and "60 files changed" in note.skipped and "over the refresh budget of 1 s" in note.skipped
    assert not any(s.startswith("handler_") for s in symbols(store))
    fresh.budget = 1e-9  # not even the stat walk fits
    [note] = fresh.refresh()
    assert "checking its 4 files takes about" in note.skipped
    fresh.budget = 0  # off: nothing is checked
    assert fresh.refresh() == []
    fresh.budget = 600.0
    [note] = fresh.refresh()  # still pending: the skipped refresh kept the old snapshot
    assert note.files == 60 and {f"handler_{i}" for i in range(60)} <= symbols(store)


def test_a_first_check_too_large_for_the_budget_is_skipped(minilm, store, tmp_path, monkeypatch):
    root = write_shop(tmp_path / "shop")
    Indexer(minilm, store).index(resolve_source(str(root), clones_dir=tmp_path / "clones"), name="shop")
    fresh = freshness(minilm, store, tmp_path, budget=1.0)  # a new process: no snapshot yet
    monkeypatch.setattr(refresh_module, "FIRST_CHECK_SECONDS_PER_FILE", 1.0)
    [note] = fresh.refresh()
    assert "a first check of its 4 files takes about 4.0 s" in note.skipped
    monkeypatch.setattr(refresh_module, "FIRST_CHECK_SECONDS_PER_FILE", 1e-4)
    (root / "shop" / "tax.py").write_text(VAT)
    [note] = fresh.refresh()  # the first check is a whole-repository run: it finds the new file
    assert note.files == 1 and "vat_amount" in symbols(store)


def test_a_clone_of_a_git_url_is_refreshed_only_on_request(minilm, store, tmp_path):
    clone = write_shop(tmp_path / "clones" / "shop-1a2b")
    git = ["git", "-C", str(clone), "-c", "user.name=t", "-c", "user.email=t@example.com"]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "remote", "add", "origin", "https://example.com/shop.git"], check=True)
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-qm", "shop"], check=True)
    fresh = freshness(minilm, store, tmp_path)
    indexed(fresh, clone)
    (clone / "shop" / "tax.py").write_text(VAT)
    assert fresh.refresh() == [] and "vat_amount" not in symbols(store)


def test_a_refresh_waits_for_an_index_run_no_longer_than_its_budget(minilm, store, tmp_path):
    root = write_shop(tmp_path / "shop")
    fresh = freshness(minilm, store, tmp_path, budget=0.3)
    indexed(fresh, root)
    held = threading.Event()
    release = threading.Event()

    def index_run():
        with fresh.lock:
            held.set()
            release.wait(10)

    thread = threading.Thread(target=index_run)
    thread.start()
    try:
        held.wait(10)
        [note] = fresh.refresh()
        assert "an index run is in progress" in note.skipped
        with pytest.raises(IndexBusyError, match="another repository is being indexed"):
            indexed(fresh, root)
    finally:
        release.set()
        thread.join()


def test_a_repository_over_the_budget_is_brought_up_to_date_in_the_background(minilm, store, tmp_path):
    root = write_shop(tmp_path / "shop")
    fresh = freshness(minilm, store, tmp_path, background=True)
    indexed(fresh, root)
    write_files(root, {f"gen/module_{i}.py": f"def handler_{i}(event):\n    return {'x' * 2000!r}\n" for i in range(30)})
    fresh.budget = 0.5  # 30 files of 2 KB: seconds to embed at the assumed rate
    [note] = fresh.refresh()
    assert note.over_budget and note.skipped.endswith("; refreshing it in the background for the next searches")
    [meanwhile] = fresh.refresh()  # a search during the background run does not wait for it
    assert "background" in meanwhile.skipped
    fresh.catching_up.join(60)
    assert {f"handler_{i}" for i in range(30)} <= symbols(store)
    assert fresh.refresh() == []  # the background run took the snapshot: nothing is pending


def test_closing_stops_a_background_refresh_at_its_next_step(minilm, store, tmp_path):
    root = write_shop(tmp_path / "shop")
    fresh = freshness(minilm, store, tmp_path, background=True)
    indexed(fresh, root)
    write_files(root, {f"gen/module_{i}.py": f"def handler_{i}(event):\n    return {'x' * 2000!r}\n" for i in range(300)})
    fresh.budget = 0.5
    fresh.refresh()
    fresh.close()  # returns once the background run has stopped
    assert not fresh.catching_up.is_alive()
    assert len({s for s in symbols(store) if s.startswith("handler_")}) < 300
    assert "over the refresh budget" in fresh.refresh()[0].skipped
    assert fresh.catching_up is not None and not fresh.catching_up.is_alive()  # no new run once closed
