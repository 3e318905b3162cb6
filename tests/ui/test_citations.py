"""`[n]` in an answer becomes a link to source n; invented numbers and code spans stay as written."""

from __future__ import annotations

from retriever.rag import Source
from retriever.search import SearchHit
from ui.citations import link_citations, source_anchor


def _source(number: int) -> Source:
    hit = SearchHit("shop", f"f{number}.py", 1, 5, "f", "python", "function", 1.0, "pass")
    return Source(number, hit, hit.citation)


SOURCES = [_source(1), _source(2)]


def target(source: Source) -> str:
    return f"#{source_anchor(7, source.number)}"


def test_each_cited_source_becomes_a_link():
    assert link_citations("Totals are summed [1], then mailed [1, 2].", SOURCES, target) == (
        "Totals are summed \\[[1](#source-7-1)\\], then mailed \\[[1](#source-7-1), [2](#source-7-2)\\]."
    )


def test_invented_numbers_and_code_stay_plain():
    answer = "See [9] and `items[1]`:\n```python\nx = cart[2]\n```\nbut [2] holds it."
    assert link_citations(answer, SOURCES, target) == (
        "See \\[9\\] and `items[1]`:\n```python\nx = cart[2]\n```\nbut \\[[2](#source-7-2)\\] holds it."
    )
