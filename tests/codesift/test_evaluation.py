"""BEIR loading and ranking metrics against hand-computed values."""

from __future__ import annotations

import json
import math

import pytest

from codesift.errors import CodesiftError
from codesift.evaluation import evaluate_rankings, load_beir
from codesift.evaluation.metrics import mrr_at_k, ndcg_at_k, recall_at_k


def test_metrics_match_hand_computed_values():
    relevant = {"a": 1, "b": 1}
    ranking = ["x", "a", "y", "b"]
    ideal = 1 + 1 / math.log2(3)
    assert ndcg_at_k(ranking, relevant, 10) == pytest.approx((1 / math.log2(3) + 1 / math.log2(5)) / ideal)
    assert mrr_at_k(ranking, relevant, 10) == 0.5
    assert recall_at_k(ranking, relevant, 2) == 0.5
    assert ndcg_at_k(["a", "b"], relevant, 10) == pytest.approx(1.0)
    assert evaluate_rankings({"q1": ["a"], "q2": []}, {"q1": {"a": 1}, "q2": {"b": 1}}) == {
        "ndcg@10": 50.0, "mrr@10": 50.0, "recall@10": 50.0,
    }


def test_load_beir_folder(tmp_path):
    (tmp_path / "meta.json").write_text(json.dumps({"task": "code2code"}))
    (tmp_path / "corpus.jsonl").write_text('{"_id": "d1", "title": "T", "text": "x = 1"}\n{"_id": "d2", "text": "y"}\n')
    (tmp_path / "queries.jsonl").write_text('{"_id": "q1", "text": "find x"}\n{"_id": "q2", "text": "unjudged"}\n')
    (tmp_path / "qrels.tsv").write_text("query-id\tcorpus-id\tscore\nq1\td1\t1\n")
    beir = load_beir(tmp_path)
    assert beir.task == "code2code" and beir.corpus == {"d1": "T\nx = 1", "d2": "y"}
    assert beir.queries == {"q1": "find x"} and beir.qrels == {"q1": {"d1": 1}}


def test_not_a_beir_folder_is_one_line(tmp_path):
    with pytest.raises(CodesiftError, match="not a BEIR evaluation set"):
        load_beir(tmp_path)
