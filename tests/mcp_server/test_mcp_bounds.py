"""Byte limits on tool results: text cut at whole lines, hits cut one by one then left out, every cut stated."""

from __future__ import annotations

import pytest

from codesift.errors import CodesiftError
from mcp_server.bounds import Limits, bound_hits, cut_text
from retriever.search import SearchHit


def hit(n: int, code: str) -> SearchHit:
    return SearchHit(repo="r", path=f"f{n}.py", start_line=1, end_line=code.count("\n") + 1, symbol=f"f{n}",
                     language="python", kind="function", score=1 / n, code=code, signals=("dense",))


def test_text_that_fits_is_kept_whole():
    assert cut_text("a\nb\n", 4) == "a\nb\n"


def test_text_is_cut_after_the_last_whole_line_that_fits():
    assert cut_text("alpha\nbeta\ngamma", 12) == "alpha\nbeta"
    assert cut_text("alpha\nbeta\ngamma", 10) == "alpha"


def test_a_first_line_over_the_limit_is_cut_without_splitting_a_character():
    cut = cut_text("ééééé\nx", 5)  # é is two bytes: the third one cannot start at byte 4
    assert cut == "éé"


def test_hits_are_cut_one_by_one_and_marked():
    long, short = "x = 1\n" * 100, "def f():\n    return 2"
    result = bound_hits([hit(1, long), hit(2, short)], Limits(hit_bytes=60, result_bytes=1000))
    assert [h.truncated for h in result.hits] == [True, False]
    assert result.hits[0].code == "x = 1\n" * 9 + "x = 1" and result.hits[1].code == short
    assert "the code of 1 hit (truncated: true) was cut to 60 bytes" in result.truncation
    assert "left out" not in result.truncation


def test_hits_past_the_result_limit_are_left_out_in_rank_order():
    hits = [hit(n, f"# {n}\n" + "y" * 40) for n in range(1, 6)]  # 44 bytes each
    result = bound_hits(hits, Limits(hit_bytes=100, result_bytes=100))
    assert [h.symbol for h in result.hits] == ["f1", "f2"]
    assert result.truncation == (
        "3 more hits were left out to keep the result within 100 bytes of code: "
        "lower k or narrow the search with repo, language or path_glob."
    )
    assert sum(len(h.code.encode()) for h in result.hits) <= 100


def test_nothing_cut_says_nothing():
    result = bound_hits([hit(1, "a = 1")], Limits())
    assert result.truncation is None and result.hits[0].model_dump()["signals"] == ["dense"]


@pytest.mark.parametrize("hit_bytes, result_bytes", [(0, 10), (20, 10), (-1, -1)])
def test_limits_that_contradict_each_other_are_refused(hit_bytes, result_bytes):
    with pytest.raises(CodesiftError, match="byte limits"):
        Limits(hit_bytes, result_bytes)
