"""Hard negatives with TopK-PercPos over dense and BM25 candidates, and difficulty labels, with the real MiniLM."""

from __future__ import annotations

from typer.testing import CliRunner

from codesift.cli.main import cli
from trainer.data.difficulty import rank_difficulty
from trainer.data.negatives import mine_negatives
from trainer.data.rows import TrainingRow, read_rows, write_rows

CODE = {
    "sort a list of numbers in place": "def sort_numbers(values):\n    values.sort()\n    return values",
    "read a json file into a dictionary": "def read_json(path):\n    with open(path) as f:\n        return json.load(f)",
    "read a json file into a dict object": "def read_json(path):\n    with open(path) as f:\n        return json.load(f)  # dict",
    "compute the sha256 digest of bytes": "def digest(data):\n    return hashlib.sha256(data).hexdigest()",
    "open a tcp connection to a host": "def connect(host, port):\n    return socket.create_connection((host, port))",
    "reverse the words of a sentence": "def reverse_words(text):\n    return ' '.join(reversed(text.split()))",
    "count lines in a text file": "def count_lines(path):\n    with open(path) as f:\n        return sum(1 for _ in f)",
    "frobnicate the widget registry": "def refresh(registry):\n    for item in registry:\n        item.reload()",
    "remove duplicates while keeping order": "def unique(items):\n    return list(dict.fromkeys(items))",
}
DOCS = {
    "How do I install the package": "Run pip install shop in a virtual environment and restart the service.",
    "How do I configure logging": "Set the LOG_LEVEL variable to debug to see every request in the log.",
    "Where is the frobnicate_widget option": "Widgets are configured in widgets.toml; see the frobnicate_widget key.",
    "How do I run the tests": "Call make test from the project root; it creates the environment first.",
}


def rows() -> list[TrainingRow]:
    code = [TrainingRow(query=q, positive=p, task="nl2code", source="t") for q, p in CODE.items()]
    docs = [TrainingRow(query=q, positive=p, task="techqa", source="t") for q, p in DOCS.items()]
    return code + docs


def test_negatives_never_hold_the_positive_or_near_copies(minilm):
    report = mine_negatives(rows(), minilm, count=3, candidates=20)
    by_query = {r.query: r for r in report.rows}
    for row in report.rows:
        assert row.positive not in row.negatives and len(row.negatives) <= 3
        assert row.negatives, row.query
    # the commented copy of read_json scores above 95 % of the positive and is dropped as a false negative
    assert CODE["read a json file into a dict object"] not in by_query["read a json file into a dictionary"].negatives
    assert all(neg in DOCS.values() for neg in by_query["How do I run the tests"].negatives)  # per-task corpus
    assert report.per_task == {"nl2code": 9, "techqa": 4}


def test_bm25_adds_lexical_candidates_the_dense_pool_missed(minilm):
    dense = {r.query: r.negatives for r in mine_negatives(rows(), minilm, count=5, candidates=1, bm25=False).rows}
    both = {r.query: r.negatives for r in mine_negatives(rows(), minilm, count=5, candidates=1, bm25=True).rows}
    assert all(set(dense[q]) <= set(both[q]) for q in dense)
    assert any(set(both[q]) - set(dense[q]) for q in dense)


def test_difficulty_comes_from_the_positive_rank(minilm):
    assert [rank_difficulty(r) for r in (1, 3, 4, 20, 21)] == ["easy", "easy", "medium", "medium", "hard"]
    labelled = mine_negatives(rows(), minilm, count=2)
    assert {r.difficulty for r in labelled.rows} <= {"easy", "medium", "hard"}
    assert all(r.difficulty for r in labelled.rows)
    kept = rows()
    kept[0].difficulty = "hard"
    assert mine_negatives(kept, minilm, count=2).rows[0].difficulty == "hard"  # an existing label is kept


def test_negatives_cli_round_trip(tmp_path):
    source, target = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    write_rows(source, rows())
    result = CliRunner().invoke(cli, ["data", "negatives", str(source), "-o", str(target), "--count", "2"])
    assert result.exit_code == 0, result.output
    out = read_rows(target)
    assert len(out) == len(rows()) and all(len(r.negatives) == 2 and r.difficulty for r in out)
    missing = CliRunner().invoke(cli, ["data", "negatives", str(tmp_path / "nope.jsonl"), "-o", str(target)])
    assert missing.exit_code != 0
