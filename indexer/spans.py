"""A chunk before its text is cut out (`Span`), and line windows over spans.

Shared by the code and prose chunkers; `indexer.chunker` turns spans into chunks.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

WINDOW_LINES = 60
WINDOW_OVERLAP = 10


@dataclass
class Span:
    """A chunk before its text is cut out: 1-based inclusive lines."""

    start: int
    end: int
    kind: str
    symbol: str = ""
    signature: str = ""
    parent: str = ""
    summary: str | None = None  # class summaries; None → the exact lines
    window: int = 0


def windows(span: Span) -> list[Span]:
    """Overlapping windows of WINDOW_LINES lines over a span, numbered in `window`."""
    windows, start = [], span.start
    while True:
        end = min(start + WINDOW_LINES - 1, span.end)
        windows.append(replace(span, start=start, end=end, window=len(windows)))
        if end == span.end:
            return windows
        start += WINDOW_LINES - WINDOW_OVERLAP


def text_spans(lines: list[str]) -> list[Span]:
    return windows(Span(1, len(lines), "text"))
