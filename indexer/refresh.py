"""Keep local repositories' index current: a stat walk finds what changed since the last look, the Indexer
re-embeds just that.

A `RepoTracker` holds one repository's last stat snapshot (`walker.stat_walk`: size and mtime of every
candidate file, no file opened). Its first refresh is a whole-repository incremental index run (files whose
size and mtime match the store are not read); every later one stat-walks the tree, compares it with the
snapshot and, when something differs, runs the Indexer on the changed, added and vanished paths alone: a
branch switch that touches a thousand files is one run over those files. The snapshot is taken before the
run it belongs to, so an edit made while a run is under way shows up in the next one.

`Freshness` keeps the trackers of one index's local repositories for a process that serves searches (the
MCP server, the web UI). `refresh(repos)` runs before a search: a repository whose check or re-embedding is
estimated to take longer than the budget is left as it is for this search, its `Refresh` says why, and one
background thread then brings it up to date for the next searches (a first check of a large repository, a
branch switch). Clones of git URLs are never refreshed this way (they change only when fetched: index them
again). Every refresh and explicit index run of the process takes the same lock, so one runs at a time
while searches go on; `close()` stops a background run at its next batch, before the store is closed.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from codesift.config import Settings
from codesift.embedding import Embedder
from codesift.errors import IndexBusyError
from codesift.store import Store
from indexer.pipeline import Indexer, IndexReport, is_clone
from indexer.progress import IndexProgress
from indexer.sources import RepoSource, resolve_source
from indexer.walker import stat_walk

# Seeds of the cost estimates, each replaced by what this process measures (figures: docs/benchmarks.md).
STAT_SECONDS_PER_FILE = 15e-6  # stat walk, per candidate file (bench/freshness.py: 13 µs)
FIRST_CHECK_SECONDS_PER_FILE = 400e-6  # a whole-repository no-change index run, per file: walk (25-33 µs), state, plan
EMBED_BYTES_PER_SECOND = 20_000.0  # chunk, embed and write changed files (MiniLM on two cores)
RATE_SAMPLE_BYTES = 64 * 1024  # a refresh of at least this much updates the embedding rate

Stats = dict[str, tuple[int, int]]

log = logging.getLogger(__name__)


@dataclass
class Refresh:
    """What one refresh of one repository did, or why it was left as it was."""

    repo: str
    files_indexed: int = 0  # new or changed files re-embedded
    files_removed: int = 0
    chunks_written: int = 0
    chunks_deleted: int = 0
    seconds: float = 0.0
    skipped: str | None = None  # why the repository was left as it was; None when it is current
    over_budget: bool = False  # skipped because it would take longer than the budget: worth a background run

    @classmethod
    def of(cls, report: IndexReport) -> Refresh:
        return cls(report.repo, report.files_indexed, report.files_removed, report.chunks_written, report.chunks_deleted,
                   report.seconds)

    @property
    def files(self) -> int:
        return self.files_indexed + self.files_removed

    def line(self) -> str:
        if self.skipped:
            return f"{self.repo}: not refreshed: {self.skipped}"
        return (f"{self.repo}: {_count(self.files, 'file')} ({self.files_indexed} new or changed, {self.files_removed} removed), "
                f"{_count(self.chunks_written, 'chunk')} written, {self.chunks_deleted} deleted, {self.seconds:.2f} s")


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _duration(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms" if seconds < 1 else f"{seconds:.1f} s"


def changed_paths(before: Stats, after: Stats) -> list[str]:
    """Paths added, removed or with another size or mtime."""
    return sorted(path for path in before.keys() | after.keys() if before.get(path) != after.get(path))


class RepoTracker:
    """One local repository: its last stat snapshot and how long a stat walk of it takes."""

    def __init__(self, name: str, root: Path, clones_dir: Path):
        self.name = name
        self.root = Path(root)
        self.clones_dir = clones_dir
        self.snapshot: Stats | None = None  # None until the first whole-repository run
        self.walk_seconds: float | None = None
        self.checked_at = float("-inf")  # monotonic time of the last completed check

    def walk(self) -> Stats:
        started = time.monotonic()
        stats = stat_walk(self.root)
        self.walk_seconds = time.monotonic() - started
        return stats

    def pending(self) -> tuple[Stats, list[str] | None]:
        """A stat walk now, and the paths that differ from the snapshot (None: no snapshot yet)."""
        stats = self.walk()
        return stats, None if self.snapshot is None else changed_paths(self.snapshot, stats)

    def source(self) -> RepoSource:
        return resolve_source(str(self.root), clones_dir=self.clones_dir)

    def apply(self, indexer: Indexer, stats: Stats, paths: list[str] | None, source: RepoSource | None = None) -> IndexReport:
        """Index `paths` (all files when None), then keep `stats` (walked before the run) as the snapshot."""
        report = indexer.index(source or self.source(), name=self.name, paths=paths)
        self.snapshot = stats
        self.checked_at = time.monotonic()
        return report

    def refresh(self, indexer: Indexer) -> Refresh:
        """Bring the index up to date with the tree, whatever it takes (the watcher's refresh)."""
        stats, paths = self.pending()
        if paths == []:
            self.checked_at = time.monotonic()
            return Refresh(self.name, seconds=self.walk_seconds)
        return Refresh.of(self.apply(indexer, stats, paths))


class _Closing(Exception):
    """Raised inside a background refresh when its Freshness is being closed."""


class _StopWhenClosed(IndexProgress):
    """Progress of a background refresh: stops the run at its next step once `close()` was called."""

    def __init__(self, freshness: Freshness):
        self.freshness = freshness

    def stage(self, name: str, total: int) -> None:
        self.advance(0)

    def advance(self, n: int = 1) -> None:
        if self.freshness.closed:
            raise _Closing


class Freshness:
    """The local repositories of one index, refreshed before searches within a time budget."""

    def __init__(self, store: Store, clones_dir: Path, indexer: Callable[[IndexProgress | None], Indexer], budget: float,
                 background: bool = True):
        self.store = store
        self.clones_dir = Path(clones_dir)
        self.indexer = indexer  # an Indexer over this store with the index's embedder, reporting to the progress given
        self.budget = budget  # seconds a refresh may add to a search; 0 refreshes nothing
        self.background = background  # bring repositories over the budget up to date in a background thread
        self.lock = threading.Lock()  # one refresh or index run at a time
        self.trackers: dict[str, RepoTracker] = {}
        self.embed_rate = EMBED_BYTES_PER_SECOND
        self.catching_up: threading.Thread | None = None  # the background refresh, while it runs
        self._starting = threading.Lock()  # one background refresh at a time
        self.closed = False

    def tracker(self, name: str, info: dict) -> RepoTracker:
        tracker = self.trackers.get(name)
        if tracker is None or tracker.root != Path(info["root"]):
            tracker = self.trackers[name] = RepoTracker(name, Path(info["root"]), self.clones_dir)
        return tracker

    def index(self, source: RepoSource, name: str | None, progress: IndexProgress | None = None,
              max_file_bytes: int = 1_000_000) -> IndexReport:
        """An explicit index run (a new repository, a re-index); a local one's snapshot is taken before it."""
        if not self.lock.acquire(blocking=False):
            raise IndexBusyError(
                f"index {self.store.collection!r} is busy: another repository is being indexed; try again when it finishes"
            )
        try:
            name = name or source.name
            if is_clone({"root": str(source.root), "url": source.url}, self.clones_dir):
                self.trackers.pop(name, None)
                return self.indexer(progress).index(source, name=name, max_file_bytes=max_file_bytes)
            tracker = self.tracker(name, {"root": str(source.root)})
            stats = tracker.walk()
            tracker.snapshot = None  # a failed run leaves the next refresh to check everything
            report = self.indexer(progress).index(source, name=name, max_file_bytes=max_file_bytes)
            tracker.snapshot, tracker.checked_at = stats, time.monotonic()
            return report
        finally:
            self.lock.release()

    def forget(self, name: str) -> None:
        """A removed repository is not refreshed any more."""
        self.trackers.pop(name, None)

    def before_search(self, repo: str | None) -> list[str]:
        """`refresh` of `repo` (every repository when None) before a search: a line for each one that changed or
        was left as it was."""
        return [note.line() for note in self.refresh(None if repo is None else [repo])]

    def refresh(self, repos: Iterable[str] | None = None) -> list[Refresh]:
        """Refresh the local repositories among `repos` (all when None) before a search; one `Refresh` for each
        repository that changed or was left stale, none for those already current."""
        if self.budget <= 0 or not self.store.exists():
            return []
        started = time.monotonic()
        deadline = started + self.budget
        recorded = self.store.repos()
        names = [n for n in (recorded if repos is None else repos) if n in recorded]
        local = [n for n in names if not is_clone(recorded[n], self.clones_dir)]
        if not local:
            return []
        catching_up = self.catching_up is not None and self.catching_up.is_alive()
        if not self.lock.acquire(timeout=0 if catching_up else self.budget):  # a background run is not waited for
            why = "it is being refreshed in the background" if catching_up else "an index run is in progress"
            return [Refresh(n, skipped=f"{why}; the results may miss recent edits") for n in local]
        try:
            notes = []
            for name in local:
                tracker = self.tracker(name, recorded[name])
                if tracker.checked_at >= started:  # a search that waited for this lock has just checked it
                    continue
                note = self._refresh_one(tracker, recorded[name], deadline)
                if note is not None:
                    notes.append(note)
        finally:
            self.lock.release()
        behind = [note for note in notes if note.over_budget]
        if behind and self.background and self._catch_up([note.repo for note in behind]):
            for note in behind:
                note.skipped += "; refreshing it in the background for the next searches"
        return notes

    def _catch_up(self, names: list[str]) -> bool:
        """Start a background refresh of `names` unless one runs already; whether one runs now."""
        with self._starting:
            if self.closed:
                return False
            if self.catching_up is None or not self.catching_up.is_alive():
                self.catching_up = threading.Thread(target=self._refresh_fully, args=(names,), name="codesift-refresh", daemon=True)
                self.catching_up.start()
            return True

    def _refresh_fully(self, names: list[str]) -> None:
        with self.lock:
            for name in names:
                tracker = self.trackers.get(name)
                if self.closed or tracker is None or not tracker.root.is_dir():
                    continue
                try:
                    refreshed = tracker.refresh(self.indexer(_StopWhenClosed(self)))
                except _Closing:
                    return
                except Exception:  # a background thread has nobody to raise to: say it, and let the next search retry
                    log.exception("background refresh of %s failed", name)
                    continue
                if refreshed.files:
                    log.info("background refresh: %s", refreshed.line())

    def close(self) -> None:
        """Stop a background refresh at its next step and wait until it has: the store can then be closed."""
        with self._starting:
            self.closed = True
        with self.lock:
            pass

    def _refresh_one(self, tracker: RepoTracker, info: dict, deadline: float) -> Refresh | None:
        left = deadline - time.monotonic()
        if not tracker.root.is_dir():
            return Refresh(tracker.name, skipped=f"its directory {tracker.root} is gone (codesift remove {tracker.name} drops it)")
        if tracker.snapshot is None:
            estimate = info.get("files", 0) * FIRST_CHECK_SECONDS_PER_FILE
            if estimate > left:
                return self._over_budget(tracker, f"a first check of its {info.get('files', 0)} files takes about {_duration(estimate)}")
            report = tracker.apply(self.indexer(None), tracker.walk(), None)
            return Refresh.of(report) if report.files_indexed or report.files_removed else None
        estimate = tracker.walk_seconds if tracker.walk_seconds is not None else len(tracker.snapshot) * STAT_SECONDS_PER_FILE
        if estimate > left:
            return self._over_budget(tracker, f"checking its {len(tracker.snapshot)} files takes about {_duration(estimate)}")
        stats, paths = tracker.pending()
        if not paths:
            tracker.checked_at = time.monotonic()
            return None
        changed_bytes = sum(stats[p][0] for p in paths if p in stats)
        estimate = changed_bytes / self.embed_rate
        if estimate > deadline - time.monotonic():
            return self._over_budget(tracker, f"{len(paths)} files changed ({changed_bytes // 1024} KiB: about {_duration(estimate)} to embed)")
        report = tracker.apply(self.indexer(None), stats, paths)
        if changed_bytes >= RATE_SAMPLE_BYTES and report.seconds > 0:  # small runs are mostly fixed costs
            self.embed_rate = changed_bytes / report.seconds
        return Refresh.of(report)

    def _over_budget(self, tracker: RepoTracker, why: str) -> Refresh:
        return Refresh(tracker.name, skipped=f"{why}, over the refresh budget of {self.budget:g} s", over_budget=True)


def serving_freshness(store: Store, embedder: Callable[[], Embedder], settings: Settings) -> Freshness:
    """The Freshness of a process serving searches on `store`: `embedder()` gives the index's embedder (loaded on
    the first refresh that needs it); the budget is CODESIFT_REFRESH_BUDGET."""
    return Freshness(store, settings.clones_dir, lambda progress: Indexer(embedder(), store, progress=progress),
                     settings.refresh_budget)
