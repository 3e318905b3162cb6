"""Watch local repositories and refresh their index as their files change (`codesift watch`).

`watchfiles` reports file-system events. Events under directories the walker never indexes (`.git`, vendored
and cache directories, relative to each repository's root) are dropped; the rest are gathered until the
trees have been quiet for `QUIET_MS` (at most `MAX_BATCH_MS`), so a branch switch or a pull that touches
thousands of files is one batch. Each repository the batch touched is then refreshed once
(`RepoTracker.refresh`: a stat walk, then an index run over the changed paths alone), with the exact
ignore rules applied there. Setting `stop` ends the watch after the refresh under way, so nothing is left
half-written.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterable
from pathlib import Path

import watchfiles

from codesift.errors import CodesiftError
from codesift.store import Store
from indexer.pipeline import Indexer, is_clone
from indexer.refresh import Refresh, RepoTracker
from indexer.sources import resolve_source
from indexer.walker import SILENT_DIRS, VENDORED_DIRS

QUIET_MS = 150  # a batch ends when no event came for this long…
MAX_BATCH_MS = 5_000  # …or when it has been gathering for this long
POLL_MS = 500  # how often an idle watch wakes up (to notice `stop`)
NEVER_INDEXED = SILENT_DIRS | VENDORED_DIRS


class EventFilter:
    """Keeps events that may concern an indexed file: not inside a directory the walker always prunes."""

    def __init__(self, roots: Iterable[Path]):
        self.roots = [str(root) + os.sep for root in roots]

    def __call__(self, change: watchfiles.Change, path: str) -> bool:
        for root in self.roots:
            if path.startswith(root):
                parts = path[len(root):].split(os.sep)
                return not any(part in NEVER_INDEXED for part in parts[:-1]) and parts[-1] not in SILENT_DIRS
        return False


def trackers_for(store: Store, targets: list[str], clones_dir: Path) -> list[RepoTracker]:
    """The repositories to watch: recorded names or directories (a new directory is indexed first); all local
    ones when `targets` is empty. A clone of a git URL is refused: it changes only when fetched again."""
    recorded = store.repos()
    by_root = {str(Path(info["root"]).resolve()): name for name, info in recorded.items()}
    if not targets:
        targets = [name for name, info in recorded.items() if not is_clone(info, clones_dir)]
        if not targets:
            raise CodesiftError("no local repository is indexed: codesift watch PATH indexes a directory and watches it")
    trackers = {}
    for target in targets:
        if target in recorded:
            name, root = target, Path(recorded[target]["root"])
            if is_clone(recorded[target], clones_dir):
                raise CodesiftError(
                    f"{target!r} is a clone of {recorded[target]['url']}: it changes only when fetched, "
                    f"so refresh it with codesift index {recorded[target]['url']}"
                )
        elif Path(target).is_dir():
            source = resolve_source(target, clones_dir=clones_dir)
            root = source.root
            name = by_root.get(str(Path(root).resolve()), source.name)
        else:
            raise CodesiftError(
                f"{target!r} is neither an indexed repository nor a directory (indexed: {', '.join(recorded) or 'none'})"
            )
        trackers[name] = RepoTracker(name, root, clones_dir)
    return list(trackers.values())


class Watcher:
    """Refreshes the trackers' repositories: all of them once at the start, then each one a batch of events touches."""

    def __init__(self, trackers: list[RepoTracker], indexer: Indexer, on_refresh: Callable[[Refresh], None],
                 stop: threading.Event, on_ready: Callable[[], None] = lambda: None):
        self.trackers = trackers
        self.indexer = indexer
        self.on_refresh = on_refresh  # told of every refresh that changed the index
        self.on_ready = on_ready  # called once events are being watched (everything since then is seen)
        self.stop = stop
        self.batches = 0

    def refresh(self, trackers: Iterable[RepoTracker]) -> None:
        for tracker in trackers:
            refresh = tracker.refresh(self.indexer)
            if refresh.files:
                self.on_refresh(refresh)

    def run(self) -> None:
        self.refresh(self.trackers)  # the whole-repository runs: each snapshot is taken before its run
        roots = [tracker.root.resolve() for tracker in self.trackers]
        ready = False
        for changes in watchfiles.watch(
            *roots, watch_filter=EventFilter(roots), debounce=MAX_BATCH_MS, step=QUIET_MS, stop_event=self.stop,
            rust_timeout=POLL_MS, yield_on_timeout=True, raise_interrupt=False,
        ):
            if not ready:  # events are collected from here on; catch up with edits made during the first runs
                ready = True
                self.refresh(self.trackers)
                self.on_ready()
                continue
            if not changes or self.stop.is_set():
                continue
            self.batches += 1
            paths = [path for _, path in changes]
            self.refresh(t for t, root in zip(self.trackers, roots) if any(p.startswith(f"{root}{os.sep}") for p in paths))
