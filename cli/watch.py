"""`codesift watch [NAME|PATH ...]`: keep local repositories' index current as their files change.

One line per refresh on stdout (time, repository, files, chunks, seconds); progress bars only for long
stages (a first index run, a branch switch). The first Ctrl-C stops after the refresh under way, so the
index is left whole; a second one stops at once (an interrupted run is finished by the next one).
"""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import typer

from cli import options
from cli.context import console, load_checked_embedder, settings_from, stdout, store_for
from cli.progress import progress_bar
from indexer.progress import IndexProgress

LONG_STAGE = 200  # files or chunks: a stage this long gets a progress bar


class LongStageBars(IndexProgress):
    """Progress bars with ETA for long stages only: a one-file refresh prints nothing but its line."""

    def __init__(self):
        self._progress = None
        self._task = None

    def stage(self, name: str, total: int) -> None:
        self._task = None
        if total >= LONG_STAGE:
            if self._progress is None:
                self._progress = progress_bar()
                self._progress.start()
            self._task = self._progress.add_task(name, total=total)

    def advance(self, n: int = 1) -> None:
        if self._task is not None:
            self._progress.advance(self._task, n)

    def done(self) -> None:
        if self._progress is not None:
            self._progress.stop()
        self._progress = self._task = None


@contextmanager
def stop_on_interrupt(stop: threading.Event) -> Iterator[None]:
    """The first Ctrl-C sets `stop`; the next one interrupts at once."""

    def first(signum, frame):
        console.print("[yellow]stopping after the refresh under way (Ctrl-C again to stop at once)…[/]")
        stop.set()
        signal.signal(signal.SIGINT, signal.default_int_handler)

    previous = signal.signal(signal.SIGINT, first)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def watch(
    targets: list[str] = typer.Argument(None, help="Indexed repository names or directories (default: every local repository in the index)."),
    model: str = options.Model,
    home: Path = options.Home,
    qdrant_url: str = options.QdrantUrl,
    collection: str = options.Collection,
) -> None:
    """Watch local repositories and re-index what changes (a directory not indexed yet is indexed first)."""
    from indexer.pipeline import Indexer
    from indexer.watch import Watcher, trackers_for

    settings = settings_from(home, qdrant_url, collection)
    with store_for(settings) as store:
        trackers = trackers_for(store, targets or [], settings.clones_dir)
        embedder = load_checked_embedder(store, model, settings)
        bars = LongStageBars()
        stop = threading.Event()

        def refreshed(refresh) -> None:
            bars.done()
            stdout.print(f"{time.strftime('%H:%M:%S')} {refresh.line()}", highlight=False)

        def ready() -> None:
            names = ", ".join(f"{t.name} ({t.root})" for t in trackers)
            console.print(f"watching {names}: Ctrl-C to stop", highlight=False)

        watcher = Watcher(trackers, Indexer(embedder, store, progress=bars), refreshed, stop, on_ready=ready)
        try:
            with stop_on_interrupt(stop):
                watcher.run()
        finally:
            bars.done()
    console.print("stopped; the index holds every refresh that finished")
