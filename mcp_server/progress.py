"""Indexing progress as MCP progress notifications.

MCP wants one rising progress value per request, while the indexer reports stages that each count from zero
(chunking files, then embedding chunks). Stages are laid end to end: progress is the work done so far over all
stages, total the work known so far, and the message names the stage. Each notification carries more progress
than the one before, as MCP requires, and they are spaced out (a large repository advances thousands of
times) except for the one that ends a stage.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from indexer.progress import IndexProgress

Notify = Callable[[float, float, str], None]  # progress, total, message
INTERVAL_SECONDS = 0.25


class NotifyingProgress(IndexProgress):
    def __init__(self, notify: Notify, interval: float = INTERVAL_SECONDS, clock: Callable[[], float] = time.monotonic):
        self.notify = notify
        self.interval = interval
        self.clock = clock
        self.earlier = 0  # work units of the stages before this one
        self.name, self.total, self.done = "", 0, 0
        self.sent, self.sent_at = 0, float("-inf")

    def stage(self, name: str, total: int) -> None:
        self.earlier += self.total
        self.name, self.total, self.done = name, total, 0

    def advance(self, n: int = 1) -> None:
        self.done += n
        progress = self.earlier + self.done
        if progress > self.sent and (self.done >= self.total or self.clock() - self.sent_at >= self.interval):
            self.sent, self.sent_at = progress, self.clock()
            self.notify(progress, self.earlier + self.total, f"{self.name}: {self.done}/{self.total}")
