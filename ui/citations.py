"""Citations in an answer made clickable: `[n]` links to source n (its page on the web host, or its place in the panel)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from retriever.rag import BRACKET_CITATION, CODE_SPANS, Source


def source_anchor(turn: int, number: int) -> str:
    return f"source-{turn}-{number}"


def link_citations(answer: str, sources: Sequence[Source], target: Callable[[Source], str]) -> str:
    """Markdown with every `[n]` naming a sent source turned into a link to `target(source)`; code spans untouched.

    Numbers that match no source stay plain text (the page warns about them separately).
    """
    by_number = {s.number: s for s in sources}

    def link(match) -> str:
        numbers = [int(n) for n in match.group(1).split(",")]
        parts = [f"[{n}]({target(by_number[n])})" if n in by_number else str(n) for n in numbers]
        return "\\[" + ", ".join(parts) + "\\]"

    pieces, last = [], 0
    for code in CODE_SPANS.finditer(answer):
        pieces.append(BRACKET_CITATION.sub(link, answer[last : code.start()]))
        pieces.append(code.group(0))
        last = code.end()
    pieces.append(BRACKET_CITATION.sub(link, answer[last:]))
    return "".join(pieces)
