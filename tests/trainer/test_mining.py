"""Mining pairs from a repository: tasks, doc removal, filters, duplicates, leakage and the CLI."""

from __future__ import annotations

import json

from conftest import write_beir
from typer.testing import CliRunner

from codesift.cli.main import cli
from trainer.data.dedup import Deduplicator
from trainer.data.docs import split_doc, summary
from trainer.data.leakage import LeakageGuard
from trainer.data.mining import mine
from trainer.data.rows import read_rows, to_dataset


def by_task(rows, task):
    return [r for r in rows if r.task == task]


def test_python_docstring_is_split_from_the_code():
    code = 'def f(x):\n    """Double a number.\n\n    Args:\n        x: the number\n    """\n    return 2 * x\n'
    split = split_doc(code, "python")
    assert split.doc.startswith("Double a number.")
    assert '"""' not in split.code and "return 2 * x" in split.code and split.code.startswith("def f(x):")
    assert summary(split.doc) == "Double a number."


def test_javadoc_is_split_and_its_tags_left_out_of_the_summary():
    code = "/**\n * Pushes an element.\n * @param item the element\n */\npublic int push(int item) {\n  return item;\n}"
    split = split_doc(code, "java")
    assert split.code.startswith("public int push")
    assert summary(split.doc) == "Pushes an element."


def test_mining_makes_four_tasks_and_drops_what_it_should(sample_repo, tmp_path):
    report = mine([str(sample_repo)], clones_dir=tmp_path / "clones", commits=False)
    rows = report.rows
    assert {r.task for r in rows} == {"nl2code", "code2nl", "code2completion", "techqa"}
    nl2code = {r.query: r for r in by_task(rows, "nl2code")}
    parse = nl2code["Read a configuration file and return its settings as a dictionary."]
    assert "Lines starting with a hash" not in parse.positive and "def parse_config(path):" in parse.positive
    assert parse.language == "python" and parse.source == "docstring"
    assert "Pushes an element on top of the stack and returns it." in nl2code  # Java doc comment
    registry = nl2code["Keep named plugins and look them up by their name."]  # a class: its summary
    assert registry.positive.startswith("class Registry:") and "def lookup(self, name)" in registry.positive
    assert any(r.query == "Shop: Install the shop service" and r.language == "markdown" for r in by_task(rows, "techqa"))
    texts = json.dumps([r.to_json() for r in rows])
    assert "parse_config_in_test" not in texts and "vendored_parse" not in texts
    assert "Initialize self" not in texts
    assert report.dropped["test code"] == 1 and report.dropped["skipped path: vendored"] == 1
    assert report.dropped["boilerplate doc"] == 1
    assert report.dropped["repeated query"] >= 1 and report.dropped["exact duplicate"] >= 1
    assert report.dropped["heading too short"] == 2  # "# Shop" and "## Usage"
    assert sum(1 for r in by_task(rows, "nl2code") if "merge_settings" in r.positive) == 1


def test_deduplicator_catches_reformatted_and_lightly_edited_copies():
    body = "\n".join(f"    total_{i} = compute_value(records[{i}], weight={i})" for i in range(12))
    original = f"def summarise(records):\n{body}\n    return total_0"
    dedup = Deduplicator()
    assert dedup.seen(original) is None
    assert dedup.seen(original.replace("    ", "  ")) == "exact duplicate"  # reformatted
    assert dedup.seen(original.replace("weight=11", "weight=12")) == "near duplicate"
    assert dedup.seen("def other(x):\n    return sorted(set(x), key=len)[::-1]") is None


def test_completion_pairs_split_a_function_in_two(sample_repo, tmp_path):
    rows = mine([str(sample_repo)], clones_dir=tmp_path / "c", commits=False, tasks=["code2completion"]).rows
    parse = next(r for r in rows if r.query.startswith("def parse_config"))
    assert parse.positive.strip().endswith("return settings")
    assert parse.query.count("\n") >= 2 and "return settings" not in parse.query


def test_leakage_guard_drops_pairs_matching_an_evaluation_set(sample_repo, tmp_path):
    beir = write_beir(
        tmp_path / "evalsets" / "leaky",
        "nl2code",
        {"q1": "read a  CONFIGURATION file and return its settings as a dictionary."},
        {"d1": "def unrelated():\n    return 1"},
        {"q1": "d1"},
    )
    guard = LeakageGuard.from_dirs([tmp_path / "evalsets"])  # a folder of sets
    assert guard.sets == ["leaky"]
    report = mine([str(sample_repo)], clones_dir=tmp_path / "c", commits=False, guard=guard)
    assert report.dropped["evaluation-set leakage"] == 2  # its nl2code pair and its summary → doc-body pair
    assert not any(r.query.startswith("Read a configuration file") for r in report.rows)
    assert LeakageGuard.from_dirs([beir]).matches("def unrelated():   return 1")  # reformatted code


def test_mine_cli_writes_a_dataset_and_stats_report_it(sample_repo, tmp_path):
    out = tmp_path / "pairs.jsonl"
    runner = CliRunner()
    result = runner.invoke(cli, ["data", "mine", str(sample_repo), "-o", str(out), "--no-commits"])
    assert result.exit_code == 0, result.output
    rows = read_rows(out)
    assert len(to_dataset(rows)) == len(rows) > 5
    assert json.loads(out.with_name("pairs.jsonl.report.json").read_text())["dropped"]["test code"] == 1
    stats = runner.invoke(cli, ["data", "stats", str(out), "--json"])
    assert stats.exit_code == 0, stats.output
    counts = json.loads(stats.stdout)
    assert counts["rows"] == len(rows) and counts["task"]["nl2code"] == len(by_task(rows, "nl2code"))
    assert counts["mining"]["dropped"]["skipped path: vendored"] == 1


def test_mine_cli_refuses_a_missing_source_and_a_bad_exclude(tmp_path):
    runner = CliRunner()
    missing = runner.invoke(cli, ["data", "mine", str(tmp_path / "nope"), "-o", str(tmp_path / "o.jsonl")])
    assert missing.exit_code != 0 and "no such directory" in str(missing.exception) + missing.output
    bad = runner.invoke(cli, ["data", "mine", str(tmp_path), "-o", str(tmp_path / "o.jsonl"), "--exclude", str(tmp_path)])
    assert bad.exit_code != 0 and "not an evaluation set" in str(bad.exception) + bad.output
