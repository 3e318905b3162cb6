"""`codesift eval`: metrics per set for base, model and BM25, JSON and a PNG chart."""

from __future__ import annotations

import json

from beir_sets import write_beir
from typer.testing import CliRunner

from cli.main import cli
from codesift.evaluation import load_beir
from trainer.evaluate import bm25_rankings, dense_rankings

CORPUS = {
    "d1": "def read_json(path):\n    with open(path) as f:\n        return json.load(f)",
    "d2": "def sort_numbers(values):\n    return sorted(values)",
    "d3": "def connect(host, port):\n    return socket.create_connection((host, port))",
    "d4": "def sha256_hex(data):\n    return hashlib.sha256(data).hexdigest()",
}
QUERIES = {"q1": "load a json file", "q2": "sort numbers ascending", "q3": "open a tcp socket to a server"}
QRELS = {"q1": "d1", "q2": "d2", "q3": "d3"}


def test_dense_and_bm25_rank_the_obvious_answers_first(minilm, tmp_path):
    beir = load_beir(write_beir(tmp_path / "toy", "nl2code", QUERIES, CORPUS, QRELS))
    cache = tmp_path / "cache"
    dense = dense_rankings(minilm, beir, cache)
    assert all(dense[q][0] == d for q, d in QRELS.items())
    assert len(list(cache.glob("toy-*.npy"))) == 1
    assert dense_rankings(minilm, beir, cache) == dense  # from the cache
    assert bm25_rankings(beir)["q2"][0] == "d2"


def test_eval_cli_prints_tables_and_writes_json_and_png(tmp_path, codesift_home):
    sets = tmp_path / "sets"
    write_beir(sets / "toy-a", "nl2code", QUERIES, CORPUS, QRELS)
    write_beir(sets / "toy-b", "nl2code", {"q9": "hash bytes with sha256"}, CORPUS, {"q9": "d4"})
    out, png = tmp_path / "eval.json", tmp_path / "eval.png"
    result = CliRunner().invoke(cli, ["eval", "--model", "minilm", "--data", str(sets), "--json", str(out), "--plot", str(png)])
    assert result.exit_code == 0, result.output
    assert "ndcg@10" in result.stdout and "average" in result.stdout and "bm25" in result.stdout
    assert "Δ model−base" in result.stdout and "+0.00" in result.stdout
    results = json.loads(out.read_text())["results"]
    assert set(results) == {"toy-a", "toy-b"}
    assert set(results["toy-a"]) == {"base", "model", "bm25"}
    assert results["toy-a"]["model"] == results["toy-a"]["base"]  # the same model twice
    assert 0 <= results["toy-b"]["bm25"]["ndcg@10"] <= 100
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
