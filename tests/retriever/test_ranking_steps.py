"""Each step of the ranking stage alone, on hand-made candidates: fusion, definitions, paths, files, penalties,
diversity, and how a query is read."""

from __future__ import annotations

import pytest

from codesift.store import Hit
from retriever.ranking import DEFAULT_WEIGHTS, FUSION_ONLY, SIGNALS, Candidate, profile_query, rank, rank_files
from retriever.ranking.definitions import boost_definitions
from retriever.ranking.diversity import diverse_top
from retriever.ranking.files import boost_coherent_files
from retriever.ranking.fusion import fuse
from retriever.ranking.paths import boost_paths, path_match_share, word_matches_term
from retriever.ranking.penalties import apply_penalties, path_kinds
from retriever.ranking.pool import Pool
from retriever.ranking.query import is_symbol_query


def candidate(n, path="src/a.py", *, dense=None, bm25=None, score=0.0, **payload) -> Candidate:
    found = {name for name, value in (("dense", dense), ("bm25", bm25)) if value is not None}
    data = {"repo": "r", "path": path, "start_line": n, "end_line": n + 1, "kind": "function", "language": "python"} | payload
    return Candidate(Hit(f"id{n}", 0.0, data), dense=dense, bm25=bm25, found_by=found, score=score)


@pytest.mark.parametrize(
    "query,symbol",
    [("APIRouter", True), ("field_validator", True), ("Sinatra::Base", True), ("http.Client.Do", True), ("getUser()", True),
     ("session", False), ("how are routes registered", False), ("request options", False), ("", False)],
)
def test_identifiers_are_symbol_queries_and_words_are_not(query, symbol):
    assert is_symbol_query(query) is symbol


def test_a_query_profile_holds_its_names_words_and_wishes():
    qualified = profile_query("Sinatra::Base")
    assert qualified.names == ("Base",) and qualified.qualified == "Sinatra.Base"
    sentence = profile_query("how does ZodType parse a max_len value in the docs")
    assert not sentence.is_symbol and sentence.names == ("ZodType", "max_len") and sentence.wants_docs
    assert "how" not in sentence.keywords and "parse" in sentence.keywords
    assert profile_query("test runner for commands").wants_tests and profile_query("x", "techqa").wants_docs
    assert profile_query("def f(): pass", "code2code").is_code


def test_windows_of_one_chunk_are_one_candidate_with_the_closest_window():
    pool = Pool()
    span = {"repo": "r", "path": "a.py", "span": [1, 90]}
    pool.add([Hit("w0", 0.5, span | {"start_line": 1}), Hit("w1", 0.7, span | {"start_line": 40})], "dense", "dense")
    pool.add([Hit("w0", 3.0, span | {"start_line": 1})], "bm25", "bm25")
    [one] = pool.candidates()
    assert one.hit.id == "w1" and one.dense == 0.7 and one.bm25 == 3.0 and one.found_by == {"dense", "bm25"}


def test_fusion_weights_follow_the_query_type_and_the_best_scores_one():
    meaning, words = candidate(1, dense=0.9, bm25=1.0), candidate(2, dense=0.5, bm25=9.0)
    fuse([meaning, words], profile_query("how are routes registered"), DEFAULT_WEIGHTS)
    assert meaning.score == 1.0 and words.score < 1.0
    fuse([meaning, words], profile_query("RouteTable"), DEFAULT_WEIGHTS)
    assert words.score == 1.0 and meaning.score < 1.0


def test_the_definition_outranks_its_methods_and_a_lower_case_namesake():
    cls = candidate(1, "src/routing.py", kind="class", symbol="Router", name="router")
    method = candidate(2, "src/routing.py", kind="method", symbol="Router.add", name="add")
    helper = candidate(3, "src/helpers.py", symbol="router", name="router")
    init = candidate(4, "src/routing.py", kind="method", symbol="Router.__init__", name="__init__")
    for c in (cls, method, helper, init):
        c.score = 0.5
    method.score = init.score = 0.9
    boost_definitions([cls, method, helper, init], profile_query("Router"), DEFAULT_WEIGHTS)
    assert cls.score > helper.score > method.score == init.score
    assert cls.found_by == {"name"} and "name" not in method.found_by


def test_a_name_inside_a_sentence_counts_less_than_a_symbol_query():
    alone, inside = (candidate(1, kind="class", symbol="ZodType", name="zodtype") for _ in range(2))
    boost_definitions([alone], profile_query("ZodType"), DEFAULT_WEIGHTS)
    boost_definitions([inside], profile_query("how does ZodType parse input"), DEFAULT_WEIGHTS)
    assert alone.score > inside.score > 0


def test_path_words_lift_their_files_with_other_endings_too():
    assert word_matches_term("dependency", "dependencies") and word_matches_term("routes", "routing")
    assert word_matches_term("implementations", "impls") and word_matches_term("config", "configuration")
    assert not word_matches_term("format", "for") and not word_matches_term("content", "contract")
    assert path_match_share(("request", "options"), "Source/RequestOptions.swift") == 1.0
    assert path_match_share(("dependency", "injection"), "fastapi/dependencies/utils.py") == 0.5
    assert path_match_share(("command",), "src/cli.py") == 0.0
    named, other = candidate(1, "Source/RequestOptions.swift"), candidate(2, "Source/Session.swift")
    boost_paths([named, other], profile_query("request options"), DEFAULT_WEIGHTS)
    assert named.score == DEFAULT_WEIGHTS.path and other.score == 0.0 and "path" in named.found_by


def test_a_file_with_several_strong_chunks_rises():
    lone = candidate(1, "a.py", score=1.0)
    crowd = [candidate(n, "b.py", score=0.8) for n in range(2, 6)]
    boost_coherent_files([lone, *crowd], DEFAULT_WEIGHTS)
    assert max(crowd, key=lambda c: c.score).score > lone.score
    assert sorted(c.score for c in crowd)[:3] == [0.8, 0.8, 0.8]  # only a file's best chunk gains


@pytest.mark.parametrize(
    "path,language,kinds",
    [("docs/guide.md", "markdown", {"docs"}), ("README.md", "markdown", {"docs"}), ("tests/test_x.py", "python", {"tests"}),
     ("pkg/thing_test.go", "go", {"tests"}), ("src/FooTest.java", "java", {"tests"}), ("examples/basic.py", "python", {"examples"}),
     ("lib/_compat.py", "python", {"compat"}), ("types/index.d.ts", "typescript", {"declarations"}),
     ("src/router.py", "python", set()), ("src/testing.py", "python", set())],
)
def test_kinds_of_files_are_told_by_their_path(path, language, kinds):
    assert path_kinds(path, language) == kinds


def test_docs_and_tests_rank_below_source_unless_asked_for():
    source, doc, test = candidate(1, "src/router.py", score=1.0), candidate(2, "docs/routes.md", score=1.0, language="markdown"), candidate(3, "tests/test_router.py", score=1.0)
    apply_penalties([source, doc, test], profile_query("how are routes registered"), DEFAULT_WEIGHTS)
    assert source.score == 1.0 and doc.score == DEFAULT_WEIGHTS.docs and test.score == DEFAULT_WEIGHTS.tests
    doc.score = test.score = 1.0
    apply_penalties([doc], profile_query("how are routes registered", "techqa"), DEFAULT_WEIGHTS)
    apply_penalties([test], profile_query("test helpers for routes"), DEFAULT_WEIGHTS)
    assert doc.score == 1.0 and test.score == 1.0


def test_diversity_spreads_the_top_over_files_and_off_keeps_the_score_order():
    same = [candidate(n, "big.py", score=1.0 - n / 100) for n in range(5)]
    others = [candidate(10 + n, f"f{n}.py", score=0.9 - n / 100) for n in range(3)]
    spread = diverse_top([*same, *others], 5, DEFAULT_WEIGHTS)
    assert len({c.path for c in spread}) >= 3 and spread[0].path == "big.py"
    for c in [*same, *others]:
        c.score = 1.0 - c.payload["start_line"] / 100 if c.path == "big.py" else 0.9 - (c.payload["start_line"] - 10) / 100
    plain = diverse_top([*same, *others], 5, DEFAULT_WEIGHTS.without("diversity"))
    assert {c.path for c in plain} == {"big.py"}


def test_ties_always_come_back_in_one_order():
    tied = [candidate(n, f"f{n % 3}.py", score=0.5) for n in range(6)]
    assert [c.hit.id for c in rank(list(reversed(tied)), profile_query("x y"), 6, FUSION_ONLY)] == [
        c.hit.id for c in rank(tied, profile_query("x y"), 6, FUSION_ONLY)
    ]


def test_every_signal_can_be_switched_off_alone():
    for signal in SIGNALS:
        off = DEFAULT_WEIGHTS.without(signal)
        assert off != DEFAULT_WEIGHTS and DEFAULT_WEIGHTS.without(signal).without(signal) == off


def test_the_file_view_lists_each_file_once_with_its_best_chunks():
    pool = [candidate(n, "a.py", dense=0.9 - n / 50, bm25=1.0) for n in range(4)] + [candidate(9, "b.py", dense=0.5, bm25=0.5)]
    files = rank_files(pool, profile_query("parse the config"), k=5, per_file=2)
    assert [f.path for f in files] == ["a.py", "b.py"] and len(files[0].chunks) == 2
    assert files[0].chunks[0].score >= files[0].chunks[1].score
