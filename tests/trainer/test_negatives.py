"""Hard negatives with TopK-PercPos over dense and BM25 candidates, and difficulty labels, with the real MiniLM."""

from __future__ import annotations

from typer.testing import CliRunner

from cli.main import cli
from trainer.data.difficulty import rank_difficulty
from trainer.data.negatives import mine_negatives
from trainer.data.rows import TrainingRow, read_rows, write_rows

READ_JSON = "def read_json(path):\n    with open(path) as f:\n        return json.load(f)"
READ_JSON_COPY = READ_JSON + "  # dict"  # a near-copy: scores within 5 % of READ_JSON for JSON queries
TALLY = "def tally(stream):\n    return len(stream.readlines())"
# The identifier BM25 matches sits past MiniLM's 256-token window: the dense side cannot see it.
BURIED = (
    "def setup_totals():\n"
    + "\n".join(f"    total_{i} = compute_value({i})" for i in range(60))
    + "\n    frobnicate_widget_registry(total_59)"
)
CODE = [
    ("sort a list of numbers in place", "def sort_numbers(values):\n    values.sort()\n    return values"),
    ("read a json file into a dictionary", READ_JSON),
    ("load settings stored as json", READ_JSON_COPY),
    ("compute the sha256 digest of bytes", "def digest(data):\n    return hashlib.sha256(data).hexdigest()"),
    ("open a tcp connection to a host", "def connect(host, port):\n    return socket.create_connection((host, port))"),
    ("reverse the words of a sentence", "def reverse_words(text):\n    return ' '.join(reversed(text.split()))"),
    ("count lines in a text file", "def count_lines(path):\n    with open(path) as f:\n        return sum(1 for _ in f)"),
    ("count lines in a text file", TALLY),  # a second positive of the same query
    ("frobnicate the widget registry", "def refresh(registry):\n    for item in registry:\n        item.reload()"),
    ("remove duplicates while keeping order", "def unique(items):\n    return list(dict.fromkeys(items))"),
    ("set up the running totals", BURIED),
]
DOCS = [
    ("How do I install the package", "Run pip install shop in a virtual environment and restart the service."),
    ("How do I configure logging", "Set the LOG_LEVEL variable to debug to see every request in the log."),
    ("Where is the widgets option", "Widgets are configured in widgets.toml; see the frobnicate_widget key."),
    ("How do I run the tests", "Call make test from the project root; it creates the environment first."),
]


def rows() -> list[TrainingRow]:
    code = [TrainingRow(query=q, positive=p, task="nl2code", source="t") for q, p in CODE]
    docs = [TrainingRow(query=q, positive=p, task="techqa", source="t") for q, p in DOCS]
    return code + docs


def score_table(embedder, rows: list[TrainingRow], task: str, corpus: list[str]) -> dict[tuple[str, str], float]:
    """(query, text) → cosine for every query of the task's rows and every corpus text, in one encoding pass."""
    queries = list(dict.fromkeys(r.query for r in rows if r.task == task))
    scores = embedder.encode_queries(queries, task=task) @ embedder.encode_documents(corpus, task=task).T
    return {(q, text): float(scores[i, j]) for i, q in enumerate(queries) for j, text in enumerate(corpus)}


def test_negatives_keep_topk_under_95_percent_of_the_positive(minilm):
    report = mine_negatives(rows(), minilm, count=3, candidates=20)
    table = score_table(minilm, report.rows, "nl2code", [p for _, p in CODE])
    table |= score_table(minilm, report.rows, "techqa", [d for _, d in DOCS])
    for row in report.rows:
        assert row.positive not in row.negatives and 0 < len(row.negatives) <= 3, row.query
        positive = table[row.query, row.positive]
        negatives = [table[row.query, text] for text in row.negatives]
        assert all(score <= 0.95 * positive + 1e-6 for score in negatives), row.query
        assert list(negatives) == sorted(negatives, reverse=True)  # the hardest first
    by_query = {r.query: r for r in report.rows}
    # the near-copy scores above 95 % of the positive, so it is dropped as a likely false negative
    query = "read a json file into a dictionary"
    assert table[query, READ_JSON_COPY] > 0.95 * table[query, READ_JSON]
    assert READ_JSON_COPY not in by_query["read a json file into a dictionary"].negatives
    assert READ_JSON not in by_query["load settings stored as json"].negatives
    # a query's other positive is never its negative, although it scores under the 95 % ceiling
    query = "count lines in a text file"
    counting = next(r for r in report.rows if r.query == query)
    assert table[query, TALLY] < 0.95 * table[query, counting.positive] and TALLY not in counting.negatives
    assert all(neg in {d for _, d in DOCS} for neg in by_query["How do I run the tests"].negatives)  # per-task corpus
    assert report.per_task == {"nl2code": len(CODE), "techqa": len(DOCS)}
    assert report.short == sum(len(r.negatives) < 3 for r in report.rows)


def test_bm25_adds_a_lexical_candidate_the_dense_pool_missed(minilm):
    query = "frobnicate the widget registry"
    dense = {r.query: r.negatives for r in mine_negatives(rows(), minilm, count=5, candidates=2, bm25=False).rows}
    both = {r.query: r.negatives for r in mine_negatives(rows(), minilm, count=5, candidates=2, bm25=True).rows}
    assert BURIED not in dense[query] and BURIED in both[query]
    assert all(set(dense[q]) <= set(both[q]) for q in dense)


def test_difficulty_is_the_rank_of_the_positive_over_the_group_corpus(minilm):
    assert [rank_difficulty(r) for r in (1, 3, 4, 20, 21)] == ["easy", "easy", "medium", "medium", "hard"]
    distractors = [f"def frobnicate_widget_{i}(registry):\n    registry.frobnicate_widgets({i})" for i in range(25)]
    report = mine_negatives(rows(), minilm, count=3, extra_corpus={"nl2code": distractors})
    corpus = {"nl2code": list(dict.fromkeys(p for _, p in CODE)) + distractors, "techqa": [d for _, d in DOCS]}
    table = {pair: s for task, texts in corpus.items() for pair, s in score_table(minilm, report.rows, task, texts).items()}
    for row in report.rows:
        own = {r.positive for r in report.rows if r.query == row.query}
        positive = table[row.query, row.positive]
        rank = 1 + sum(table[row.query, text] > positive for text in corpus[row.task] if text not in own)
        assert row.difficulty == rank_difficulty(rank), row.query
    labels = {r.query: r.difficulty for r in report.rows}
    assert labels["frobnicate the widget registry"] == "hard" and labels["How do I run the tests"] == "easy"
    assert sum(report.difficulty.values()) == len(CODE) + len(DOCS)
    assert any(set(r.negatives) & set(distractors) for r in report.rows)  # extra texts are candidates too


def test_existing_difficulty_labels_are_kept_unless_overwritten(minilm):
    kept = rows()
    kept[0].difficulty = "hard"  # the positive is in MiniLM's top 3: its rank label would be easy
    assert mine_negatives(kept, minilm, count=2).rows[0].difficulty == "hard"
    assert mine_negatives(kept, minilm, count=2, overwrite_difficulty=True).rows[0].difficulty == "easy"
    assert {r.difficulty for r in mine_negatives(rows(), minilm, count=2, label_difficulty=False).rows} == {""}


def test_max_rank_drops_the_rows_whose_positive_the_embedder_ranks_low(minilm):
    distractors = [f"def frobnicate_widget_{i}(registry):\n    registry.frobnicate_widgets({i})" for i in range(25)]
    full = mine_negatives(rows(), minilm, count=2, extra_corpus={"nl2code": distractors})
    report = mine_negatives(rows(), minilm, count=2, extra_corpus={"nl2code": distractors}, max_rank=20)
    hard = [r.query for r in full.rows if r.difficulty == "hard"]  # ranked below 20
    assert "frobnicate the widget registry" in hard
    assert [r.query for r in report.rows] == [r.query for r in full.rows if r.difficulty != "hard"]  # order kept
    assert report.inconsistent == len(hard) and len(report.rows) + len(hard) == len(CODE) + len(DOCS)


def test_negatives_cli_round_trip(tmp_path, codesift_home):
    source, target = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    write_rows(source, rows())
    result = CliRunner().invoke(cli, ["data", "negatives", str(source), "-o", str(target), "--count", "3"])
    assert result.exit_code == 0, result.output
    out = read_rows(target)
    assert [(r.query, r.positive) for r in out] == [(r.query, r.positive) for r in rows()]
    assert all(len(r.negatives) == 3 and r.difficulty for r in out if r.task == "nl2code")
    assert f"wrote {len(out)} rows" in result.output and "difficulty: easy" in result.output
    result = CliRunner().invoke(cli, ["data", "negatives", str(source), "-o", str(target), "--max-rank", "1"])
    assert result.exit_code == 0, result.output
    kept = read_rows(target)
    assert 0 < len(kept) < len(out) and f"{len(out) - len(kept)} dropped (positive ranked below 1)" in result.output


def test_negatives_cli_refuses_bad_input_in_one_line(tmp_path, codesift_home, monkeypatch):
    target = tmp_path / "out.jsonl"
    missing = CliRunner().invoke(cli, ["data", "negatives", str(tmp_path / "nope.jsonl"), "-o", str(target)])
    assert missing.exit_code != 0 and "no such file" in str(missing.exception)
    (tmp_path / "bad.jsonl").write_text('{"query": "q", "positive": "p", "task": "nl2code"}\nnot json\n')
    bad = CliRunner().invoke(cli, ["data", "negatives", str(tmp_path / "bad.jsonl"), "-o", str(target)])
    assert bad.exit_code != 0 and "bad.jsonl:2: not a training row" in str(bad.exception)
    monkeypatch.delenv("CODESIFT_LLM_BASE_URL", raising=False)
    good = tmp_path / "in.jsonl"
    write_rows(good, rows())
    no_llm = CliRunner().invoke(cli, ["data", "negatives", str(good), "-o", str(target), "--llm-difficulty"])
    assert no_llm.exit_code != 0 and "no LLM configured" in str(no_llm.exception)
    assert not target.exists()
