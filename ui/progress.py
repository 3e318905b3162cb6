"""Indexing progress in the page: a bar per stage with counts, rate and time left."""

from __future__ import annotations

import time

import streamlit as st

from indexer.progress import IndexProgress

REDRAW_SECONDS = 0.25


class StreamlitProgress(IndexProgress):
    def __init__(self, container=None):
        self.bar = (container or st).progress(0.0, text="starting…")
        self.name, self.total, self.done = "", 0, 0
        self.started = self.drawn = 0.0

    def stage(self, name: str, total: int) -> None:
        self.name, self.total, self.done = name, total, 0
        self.started = time.monotonic()
        self._draw(force=True)

    def advance(self, n: int = 1) -> None:
        self.done += n
        self._draw(force=self.done >= self.total)

    def _draw(self, force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self.drawn < REDRAW_SECONDS:
            return
        self.drawn = now
        self.bar.progress(min(1.0, self.done / self.total) if self.total else 1.0, text=self.text(now))

    def text(self, now: float) -> str:
        elapsed = now - self.started
        text = f"{self.name}: {self.done:,}/{self.total:,}"
        if 0 < self.done < self.total and elapsed > 0:
            left = elapsed / self.done * (self.total - self.done)
            text += f" · {self.done / elapsed:.1f}/s · about {_duration(left)} left"
        return text


def _duration(seconds: float) -> str:
    seconds = int(seconds + 0.5)
    return f"{seconds // 60} min {seconds % 60:02d} s" if seconds >= 60 else f"{seconds} s"
