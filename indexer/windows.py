"""Split chunks that exceed the embedding model's window into overlapping line windows.

Every window keeps the chunk's header (path, enclosing scope, signature), so
no text is ever silently truncated by the model: a chunk either fits whole or
is split here. A single line longer than the window is cut into pieces.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace

from codesift.chunks import Chunk

OVERLAP_LINES = 4
SAFETY_TOKENS = 2  # tokenizers may merge across a line boundary; keep a little slack

CountTokens = Callable[[Sequence[str]], list[int]]


def _cut(text: str, tokens: int, count: CountTokens, budget: int) -> list[tuple[str, int]]:
    """Cut text into character pieces of at most `budget` tokens each, with their counts."""
    if tokens <= budget or len(text) <= 1:
        return [(text, tokens)]
    size = max(1, int(len(text) * budget / tokens * 0.9))
    parts = [text[i : i + size] for i in range(0, len(text), size)]
    pieces = []
    for part, part_tokens in zip(parts, count(parts)):
        pieces.extend(_cut(part, part_tokens, count, budget))
    return pieces


def _pieces(chunk: Chunk, count: CountTokens, line_budget: int) -> list[tuple[int, str, int]]:
    """(line number, text, tokens) for every line of the chunk, long lines cut to fit."""
    lines = chunk.code.split("\n")
    counts = count([line + "\n" for line in lines])
    pieces = []
    for offset, (line, tokens) in enumerate(zip(lines, counts)):
        number = chunk.start_line + offset
        pieces.extend((number, part, part_tokens) for part, part_tokens in _cut(line, tokens, count, line_budget))
    return pieces


def _window(chunk: Chunk, pieces: list[tuple[int, str, int]], index: int) -> Chunk:
    """A window over consecutive pieces; pieces cut from one line are joined without a newline."""
    parts = [pieces[0][1]]
    for (previous_line, _, _), (line, text, _) in zip(pieces, pieces[1:]):
        parts.append(text if line == previous_line else "\n" + text)
    return replace(
        chunk,
        code="".join(parts),
        start_line=pieces[0][0],
        end_line=pieces[-1][0],
        window=index,
        extra={**chunk.extra, "span": [chunk.start_line, chunk.end_line]},  # lets search collapse a chunk's windows
    )


def _windows(chunk: Chunk, count: CountTokens, budget: int) -> list[tuple[Chunk, int]]:
    """Overlapping windows of the chunk that each fit `budget`, with their token counts."""
    header_tokens = count([chunk.header() + "\n"])[0]
    line_budget = max(8, budget - header_tokens - SAFETY_TOKENS)
    pieces = _pieces(chunk, count, line_budget)
    windows: list[tuple[Chunk, int]] = []
    start = 0
    while start < len(pieces):
        end, used = start, 0
        while end < len(pieces) and used + pieces[end][2] <= line_budget:
            used += pieces[end][2]
            end += 1
        end = max(end, start + 1)
        window = _window(chunk, pieces[start:end], len(windows))
        tokens = count([window.embed_text()])[0]
        while tokens > budget and end - start > 1:  # tokens merged across pieces
            end -= 1
            window = _window(chunk, pieces[start:end], len(windows))
            tokens = count([window.embed_text()])[0]
        windows.append((window, tokens))
        if end >= len(pieces):
            break
        start = max(start + 1, end - OVERLAP_LINES)
    return windows


def fit_to_window(chunks: Sequence[Chunk], count: CountTokens, budget: int) -> tuple[list[Chunk], list[int]]:
    """Chunks that each fit `budget` tokens, and their token counts.

    Chunks that fit are returned as they are; longer ones become windows.
    """
    fitted: list[Chunk] = []
    fitted_counts: list[int] = []
    for chunk, tokens in zip(chunks, count([c.embed_text() for c in chunks])):
        for piece, piece_tokens in [(chunk, tokens)] if tokens <= budget else _windows(chunk, count, budget):
            fitted.append(piece)
            fitted_counts.append(piece_tokens)
    return fitted, fitted_counts
