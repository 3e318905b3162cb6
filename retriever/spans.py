"""Whole definitions for hits: a hit on one window of a long chunk reports the chunk's whole span and code.

A function or class longer than the model's window is indexed as overlapping windows (`indexer.windows`);
the best window finds it, but a reader (and a citation) wants the definition from its first line to its
last. The windows of a chunk are fetched by path and stitched back together by line number.
"""

from __future__ import annotations

from dataclasses import replace

from codesift.store import Hit, SearchFilter, Store
from retriever.ranking.pool import Candidate

WINDOW_FIELDS = ["repo", "path", "start_line", "end_line", "span", "code"]


def _stitched(windows: list[dict]) -> str:
    lines: dict[int, str] = {}
    for window in sorted(windows, key=lambda w: w["start_line"]):
        for number, text in enumerate(window["code"].split("\n"), window["start_line"]):
            if len(text) > len(lines.get(number, "")):
                lines[number] = text
    return "\n".join(lines[n] for n in sorted(lines))


def whole_definitions(store: Store, candidates: list[Candidate]) -> list[Candidate]:
    """The candidates with every window hit widened to its whole chunk (one scroll per file that needs it)."""
    windowed = {c.file for c in candidates if c.payload.get("span")}
    windows: dict[tuple, list[dict]] = {}
    for repo, path in windowed:
        for _, payload in store.scroll(SearchFilter(repo=repo, path=path), WINDOW_FIELDS):
            if payload.get("span"):
                windows.setdefault((repo, path, *payload["span"]), []).append(payload)
    widened = []
    for c in candidates:
        span = c.payload.get("span")
        parts = windows.get((*c.file, *span)) if span else None
        if parts:
            payload = {**c.payload, "start_line": span[0], "end_line": span[1], "code": _stitched(parts)}
            c = replace(c, hit=Hit(c.hit.id, c.hit.score, payload))
        widened.append(c)
    return widened
