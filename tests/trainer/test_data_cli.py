"""`codesift data mine` and `codesift data stats` through the real CLI."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from beir_sets import write_beir
from typer.testing import CliRunner

from cli.main import cli
from codesift.errors import CodesiftError
from trainer.data.rows import read_rows, to_dataset

runner = CliRunner()


def test_mine_writes_a_dataset_and_stats_report_it(sample_repo, tmp_path, codesift_home):
    out = tmp_path / "pairs.jsonl"
    result = runner.invoke(cli, ["data", "mine", str(sample_repo), "-o", str(out), "--no-commits"])
    assert result.exit_code == 0, result.output
    rows = read_rows(out)
    assert len(to_dataset(rows)) == len(rows) > 5
    assert f"wrote {len(rows)} pairs" in " ".join(result.output.split())
    report = json.loads(out.with_name("pairs.jsonl.report.json").read_text())
    assert report["rows"] == len(rows) and report["dropped"]["test code"] == 1 and report["excluded_sets"] == []

    stats = runner.invoke(cli, ["data", "stats", str(out), "--json"])
    assert stats.exit_code == 0, stats.output
    counts = json.loads(stats.stdout)
    assert counts["rows"] == len(rows)
    assert counts["task"]["nl2code"] == sum(r.task == "nl2code" for r in rows)
    assert counts["language"]["java"] == sum(r.language == "java" for r in rows) > 0
    assert counts["difficulty"] == {"unlabelled": len(rows)}
    assert counts["mining"]["dropped"]["skipped path: vendored"] == 1

    table = runner.invoke(cli, ["data", "stats", str(out)])
    assert table.exit_code == 0 and "rows per task" in table.stdout and "dropped candidates" in table.stdout


def test_mine_with_exclude_reports_the_leaked_pairs(sample_repo, tmp_path, codesift_home):
    write_beir(tmp_path / "sets" / "leaky", "nl2code",
               {"q1": "Read a configuration file and return its settings as a dictionary."},
               {"d1": "def unrelated():\n    return 1"}, {"q1": "d1"})
    out = tmp_path / "pairs.jsonl"
    result = runner.invoke(
        cli, ["data", "mine", str(sample_repo), "-o", str(out), "--no-commits", "--task", "nl2code", "--exclude",
              str(tmp_path / "sets")]
    )
    assert result.exit_code == 0, result.output
    assert "1 dropped as evaluation-set leakage" in " ".join(result.output.split())
    report = json.loads(out.with_name("pairs.jsonl.report.json").read_text())
    assert report["excluded_sets"] == ["leaky"] and report["dropped"]["evaluation-set leakage"] == 1
    rows = read_rows(out)
    assert {r.task for r in rows} == {"nl2code"}
    assert not any("Read a configuration file" in r.query for r in rows)


def test_bad_input_is_refused_with_a_clear_message(tmp_path, codesift_home):
    out = str(tmp_path / "o.jsonl")
    cases = [
        (["data", "mine", str(tmp_path / "nope"), "-o", out], "no such directory"),
        (["data", "mine", str(tmp_path), "-o", out, "--exclude", str(tmp_path)], "not an evaluation set"),
        (["data", "mine", str(tmp_path), "-o", out, "--task", "translate"], "unknown task 'translate'"),
        (["data", "stats", str(tmp_path / "missing.jsonl")], "no such file"),
    ]
    for args, message in cases:
        result = runner.invoke(cli, args)
        assert isinstance(result.exception, CodesiftError) and message in str(result.exception), args
    assert not Path(out).exists()
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"query": "q"}\n')
    result = runner.invoke(cli, ["data", "stats", str(bad)])
    assert isinstance(result.exception, CodesiftError) and "bad.jsonl:1: not a training row" in str(result.exception)


def test_the_console_script_prints_one_line_and_exits_1(tmp_path, codesift_home):
    script = Path(sys.executable).parent / "codesift"
    result = subprocess.run([str(script), "data", "mine", str(tmp_path / "nope"), "-o", str(tmp_path / "o.jsonl")],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 1
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "no such directory" in lines[0] and "Traceback" not in result.stderr
