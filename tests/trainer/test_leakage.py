"""The leakage guard: evaluation-set queries and documents never reach a training set."""

from __future__ import annotations

import pytest
from beir_sets import write_beir

from codesift.errors import CodesiftError
from trainer.data.leakage import LeakageGuard
from trainer.data.mining import mine
from trainer.data.rows import TrainingRow

QUERY = "read a  CONFIGURATION file and return its settings as a dictionary."
DOCUMENT = "def unrelated():\n    return 1"


@pytest.fixture()
def evalsets(tmp_path):
    """A folder holding two BEIR sets, the first with a query equal to a docstring of `sample_repo`."""
    parent = tmp_path / "evalsets"
    write_beir(parent / "leaky", "nl2code", {"q1": QUERY}, {"d1": DOCUMENT}, {"q1": "d1"})
    write_beir(parent / "other", "code2code", {"q2": "int twice(int x) { return 2 * x; }"}, {"d2": "x * 2"}, {"q2": "d2"})
    return parent


def test_guard_matches_texts_whatever_their_case_and_spacing(evalsets):
    guard = LeakageGuard.from_dirs([evalsets / "leaky"])
    assert guard.sets == ["leaky"]
    assert guard.matches("Read a configuration file and return its settings as a dictionary.")
    assert guard.matches("def unrelated():   return 1")  # reformatted code
    assert guard.matches("def unrelated():\n  return   1")
    assert not guard.matches("def unrelated():\n    return 2")
    assert not guard.matches("int twice(int x) { return 2 * x; }")  # a query of the set not loaded


def test_repository_benchmark_queries_are_guarded_named_directly_or_beside_beir_sets(evalsets):
    bench = evalsets / "repobench"
    (bench / "annotations").mkdir(parents=True)
    (bench / "repos.json").write_text("[]")
    (bench / "annotations" / "shop.json").write_text('[{"query": "How are orders  placed?", "relevant": ["shop/orders.py"]}]')
    for guard in (LeakageGuard.from_dirs([bench]), LeakageGuard.from_dirs([evalsets])):
        assert "repobench" in guard.sets
        assert guard.matches("how are orders placed?") and not guard.matches("shop/orders.py")
    (bench / "annotations" / "broken.json").write_text("[{")
    with pytest.raises(CodesiftError, match="broken.json"):
        LeakageGuard.from_dirs([bench])


def test_a_row_leaks_through_its_query_positive_or_any_negative(evalsets):
    guard = LeakageGuard.from_dirs([evalsets])
    clean = TrainingRow(query="sum two numbers", positive="def add(a, b):\n    return a + b", task="nl2code", source="t")
    assert not guard.leaks(clean)
    assert guard.leaks(TrainingRow(query=QUERY.upper(), positive=clean.positive, task="nl2code", source="t"))
    assert guard.leaks(TrainingRow(query=clean.query, positive="x * 2", task="nl2code", source="t"))
    assert guard.leaks(TrainingRow(**clean.to_json() | {"negatives": ["unrelated", DOCUMENT]}))


def test_a_parent_folder_loads_every_set_below_it(evalsets):
    guard = LeakageGuard.from_dirs([evalsets])
    assert guard.sets == ["leaky", "other"]
    assert guard.matches("INT twice(int x) {return 2 * x;}")


def test_a_folder_that_is_not_an_evaluation_set_is_a_clear_error(tmp_path):
    with pytest.raises(CodesiftError, match="no such evaluation set folder"):
        LeakageGuard.from_dirs([tmp_path / "missing"])
    with pytest.raises(CodesiftError, match="not an evaluation set"):
        LeakageGuard.from_dirs([tmp_path])  # no corpus.jsonl in it or below it
    (tmp_path / "broken").mkdir()
    (tmp_path / "broken" / "corpus.jsonl").write_text("{}\n")
    with pytest.raises(CodesiftError, match="is not a BEIR evaluation set"):
        LeakageGuard.from_dirs([tmp_path / "broken"])


def test_mining_drops_and_counts_pairs_matching_an_evaluation_set(sample_repo, evalsets, tmp_path):
    clean = mine([str(sample_repo)], clones_dir=tmp_path / "c", commits=False)
    assert any(r.query.startswith("Read a configuration file") for r in clean.rows)
    report = mine([str(sample_repo)], clones_dir=tmp_path / "c", commits=False, guard=LeakageGuard.from_dirs([evalsets]))
    assert report.dropped["evaluation-set leakage"] == 2  # its nl2code pair and its summary → doc-body pair
    assert not any(r.query.startswith("Read a configuration file") for r in report.rows)
    assert len(report.rows) == len(clean.rows) - 2
