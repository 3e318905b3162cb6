"""Watch mode (indexer.watch) on real files: watchfiles events, the embedded engine and the bundled MiniLM.

The watcher runs in a thread of the test process and the test searches the same store from its own thread,
as `codesift watch` and a search would share one process.
"""

from __future__ import annotations

import subprocess
import threading
import time

import pytest
import torch
from shop_repo import write_shop

from codesift.errors import CodesiftError
from codesift.store import SearchFilter
from codesift.store.edge import EdgeStore
from indexer.pipeline import Indexer
from indexer.refresh import RepoTracker
from indexer.sources import resolve_source
from indexer.watch import EventFilter, Watcher, trackers_for
from retriever.search import Searcher

FRESH_WITHIN = 2.0  # seconds from a change on disk to a search that sees it


@pytest.fixture(scope="module", autouse=True)
def one_thread():
    """A refresh embeds a few chunks: one thread avoids oversubscribed cores when other jobs share the CPU, where
    two threads waiting on each other make a small batch several times slower."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


class Watching:
    def __init__(self, minilm, root, store, clones):
        self.root, self.store = root, store
        self.searcher = Searcher(minilm, store)
        self.refreshes = []
        self.stop = threading.Event()
        ready = threading.Event()
        self.watcher = Watcher([RepoTracker("shop", root, clones)], Indexer(minilm, store), self.refreshes.append, self.stop,
                               on_ready=ready.set)
        self.thread = threading.Thread(target=self.watcher.run)
        self.thread.start()
        assert ready.wait(120), "the watcher did not start"

    def paths(self) -> set[str]:
        return {p["path"] for _, p in self.store.scroll(SearchFilter(repo="shop"), ["path"])}

    def seen(self, query: str, check) -> float:
        """Seconds until a search for `query` satisfies `check(hits)`; fails after FRESH_WITHIN."""
        started = time.monotonic()
        while True:
            hits = self.searcher.search(query, k=5)
            elapsed = time.monotonic() - started
            if check(hits):
                return elapsed
            assert elapsed < FRESH_WITHIN, (
                f"a search for {query!r} did not see the change within {FRESH_WITHIN} s: "
                f"{[(h.symbol, h.path) for h in hits]}, refreshes {self.refreshes}"
            )
            time.sleep(0.2)

    def refreshed(self, count: int, seconds: float) -> list:
        """The files of each refresh after the first run, once there are `count` of them (waiting up to `seconds`)."""
        deadline = time.monotonic() + seconds
        while len(self.refreshes) < count + 1 and time.monotonic() < deadline:
            time.sleep(0.05)
        return [r.files for r in self.refreshes[1:]]

    def close(self) -> None:
        self.stop.set()
        self.thread.join(60)
        assert not self.thread.is_alive(), "the watcher did not stop"


@pytest.fixture
def watching(minilm, tmp_path):
    root = write_shop(tmp_path / "shop")
    with EdgeStore(tmp_path / "idx", "c") as store:
        watching = Watching(minilm, root, store, tmp_path / "clones")
        try:
            yield watching
        finally:
            watching.close()


def test_edit_add_rename_and_delete_are_searchable_within_two_seconds(watching):
    root = watching.root
    assert watching.refreshes[0].files == 4  # the first run indexed the repository
    cart = root / "shop" / "cart.py"
    cart.write_text(cart.read_text() + "\n    def apply_discount(self, percent):\n        \"\"\"Reduce every price.\"\"\"\n"
                    "        self.items = [(n, p * (100 - percent) / 100) for n, p in self.items]\n")
    watching.seen("apply_discount", lambda hits: hits[0].symbol == "Cart.apply_discount")

    (root / "shop" / "tax.py").write_text("def vat_amount(net):\n    return net * 0.2\n")
    watching.seen("vat_amount", lambda hits: hits[0].symbol == "vat_amount" and hits[0].path == "shop/tax.py")

    (root / "shop" / "mail.py").rename(root / "shop" / "email.py")
    watching.seen("send_receipt", lambda hits: hits[0].path == "shop/email.py" and "shop/mail.py" not in watching.paths())

    (root / "notes" / "greeting.py").unlink()
    watching.seen("greeting_banner", lambda hits: all(h.symbol != "greeting_banner" for h in hits))
    assert "notes/greeting.py" not in watching.paths()


def test_ignored_and_vendored_changes_refresh_nothing(watching):
    before = len(watching.refreshes)
    (watching.root / ".gitignore").write_text("scratch/\n")
    (watching.root / "scratch").mkdir()
    (watching.root / "scratch" / "tmp.py").write_text("def scratch_only():\n    return 1\n")
    (watching.root / "node_modules" / "lib").mkdir(parents=True)
    (watching.root / "node_modules" / "lib" / "index.js").write_text("function vendoredOnly() {}\n")
    watching.seen("gitignore", lambda hits: ".gitignore" in watching.paths())
    time.sleep(1.0)
    assert not {"scratch/tmp.py", "node_modules/lib/index.js"} & watching.paths()
    assert [r.files for r in watching.refreshes[before:]] == [1]  # the .gitignore itself, once


def git(root, *args):
    subprocess.run(["git", "-C", str(root), "-c", "user.name=t", "-c", "user.email=t@example.com", *args], check=True,
                   capture_output=True)


def test_a_branch_switch_of_a_thousand_files_is_one_refresh_while_searches_go_on(minilm, tmp_path):
    root = write_shop(tmp_path / "shop")
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "shop")
    git(root, "checkout", "-q", "-b", "generated")
    for i in range(1000):
        (root / "gen" / f"m{i // 100}").mkdir(parents=True, exist_ok=True)
        (root / "gen" / f"m{i // 100}" / f"h{i}.py").write_text(f"def handler_{i}(event):\n    return event + {i}\n")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "a thousand handlers")
    git(root, "checkout", "-q", "main")

    with EdgeStore(tmp_path / "idx", "c") as store:
        watching = Watching(minilm, root, store, tmp_path / "clones")
        searches: list[tuple[float, float]] = []  # (start, end) of every search made while the watcher works
        try:
            git(root, "checkout", "-q", "generated")
            deadline = time.monotonic() + 300
            while len(watching.refreshes) < 2 and time.monotonic() < deadline:  # searches while it re-indexes
                started = time.monotonic()
                hits = watching.searcher.search("send a receipt e-mail", k=3)
                searches.append((started, time.monotonic()))
                assert hits and hits[0].repo == "shop"
            assert [r.files for r in watching.refreshes[1:]] == [1000]
            burst = watching.refreshes[1]
            assert (burst.files_indexed, burst.chunks_written, burst.chunks_deleted) == (1000, 1000, 0)
            done = time.monotonic()
            during = [end - start for start, end in searches if start > done - burst.seconds and end < done]
            assert len(during) >= 3, "searches were blocked while the watcher re-indexed"
            assert max(during) < 2.0
            watching.seen("handler_999", lambda hits: hits[0].symbol == "handler_999")

            git(root, "checkout", "-q", "main")
            watching.seen("handler_999", lambda hits: all(not h.symbol.startswith("handler_") for h in hits))
            assert watching.refreshed(2, 30) == [1000, 1000]
            assert watching.watcher.batches <= 4  # two checkouts (git may touch its files in more than one batch)
        finally:
            watching.close()
        points = sorted((p["path"], p["content_hash"]) for _, p in store.scroll(SearchFilter(repo="shop"), ["path", "content_hash"]))
    with EdgeStore(tmp_path / "clean", "c") as clean:
        Indexer(minilm, clean).index(resolve_source(str(root), clones_dir=tmp_path / "clones"), name="shop")
        assert points == sorted((p["path"], p["content_hash"]) for _, p in clean.scroll(SearchFilter(repo="shop"), ["path", "content_hash"]))


def test_the_event_filter_drops_what_the_walker_always_prunes(tmp_path):
    keep = EventFilter([tmp_path / "build" / "repo"])  # a directory above the root may have any name
    base = str(tmp_path / "build" / "repo")
    assert keep(None, f"{base}/src/app.py") and keep(None, f"{base}/src")
    assert not keep(None, f"{base}/.git/index") and not keep(None, f"{base}/.git")
    assert not keep(None, f"{base}/node_modules/x/index.js") and not keep(None, f"{base}/src/__pycache__/app.pyc")
    assert not keep(None, str(tmp_path / "elsewhere.py"))


def test_what_to_watch_names_indexed_repositories_or_directories(minilm, tmp_path):
    root = write_shop(tmp_path / "shop")
    other = write_shop(tmp_path / "other")
    clones = tmp_path / "clones"
    with EdgeStore(tmp_path / "idx", "c") as store:
        with pytest.raises(CodesiftError, match="no local repository is indexed"):
            trackers_for(store, [], clones)
        Indexer(minilm, store).index(resolve_source(str(root), clones_dir=clones), name="mine")
        assert [(t.name, t.root) for t in trackers_for(store, [], clones)] == [("mine", root.resolve())]
        assert [t.name for t in trackers_for(store, ["mine", str(root), str(other)], clones)] == ["mine", "other"]
        with pytest.raises(CodesiftError, match="neither an indexed repository nor a directory"):
            trackers_for(store, ["nope"], clones)
        clone = write_shop(clones / "lib-1a2b")
        git(clone, "init", "-q")
        git(clone, "remote", "add", "origin", "https://example.com/lib.git")
        Indexer(minilm, store).index(resolve_source(str(clone), clones_dir=clones), name="lib")
        assert [t.name for t in trackers_for(store, [], clones)] == ["mine"]
        with pytest.raises(CodesiftError, match="'lib' is a clone of https://example.com/lib.git: it changes only when fetched"):
            trackers_for(store, ["lib"], clones)
