"""LLM synthesis against the local OpenAI-compatible test server: generate, judge, cache, resume, failures."""

from __future__ import annotations

import json

import pytest
import yaml
from llm_server import FakeLLMServer, Reply
from typer.testing import CliRunner

from codesift.cli.main import cli
from codesift.errors import CodesiftError
from trainer.data.rows import read_rows
from trainer.data.synth.catalog import FAMILIES, load_catalog, validate
from trainer.data.synth.client import parse_json_object


def answer(body: dict) -> Reply:
    """Generation prompts get a query (and a positive when asked); the judge rejects queries about sorting."""
    prompt = body["messages"][-1]["content"]
    if prompt.startswith("Judge one training pair"):
        relevant = "sort" not in prompt.split("Query:")[1].split("Candidate:")[0]
        return Reply(json.dumps({"relevant": relevant, "difficulty": "hard"}))
    if "Propose" in prompt:
        good = {"id": "code-to-changelog", "family": "code2text", "task": "code2nl", "generates": "positive",
                "instruction": "Given code, retrieve its changelog entry.",
                "prompt": "Write the changelog entry for {code}. Answer with JSON: {{\"positive\": \"...\"}}"}
        bad = dict(good, id="no-placeholder", prompt="Write a changelog entry.")
        dup = dict(good, id="web-query-to-code")
        return Reply("```json\n" + json.dumps({"tasks": [good, bad, dup]}) + "\n```")
    name = "sort" if "def sort_items" in prompt else "parse"
    return Reply(json.dumps({"query": f"how to {name} things", "positive": f"{name} explained"}))


@pytest.fixture()
def server():
    llm = FakeLLMServer().start()
    llm.responder = answer
    yield llm
    llm.stop()


@pytest.fixture()
def seeds_repo(tmp_path):
    root = tmp_path / "seeds"
    root.mkdir()
    (root / "a.py").write_text(
        "def parse_items(text):\n    items = text.split(',')\n    return [i.strip() for i in items]\n\n\n"
        "def sort_items(items):\n    ordered = sorted(items)\n    return list(reversed(ordered))\n"
    )
    return root


@pytest.fixture()
def llm_env(server, monkeypatch, codesift_home):
    monkeypatch.setenv("CODESIFT_LLM_BASE_URL", server.base_url)
    monkeypatch.setenv("CODESIFT_LLM_MODEL", "fake-coder")
    monkeypatch.setenv("CODESIFT_LLM_TIMEOUT", "2")
    return server


def said(result) -> str:
    """The command's output on one line (the console wraps long lines)."""
    return " ".join(result.output.split())


def synth(seeds_repo, out, *extra):
    args = ["data", "synth", str(seeds_repo), "-o", str(out), "--task", "web-query-to-code", "--limit", "0", *extra]
    return CliRunner().invoke(cli, args)


def test_catalog_covers_the_four_families_with_twenty_tasks_that_all_render():
    catalog = load_catalog()
    assert len(catalog) >= 20
    assert {t.family for t in catalog.values()} == set(FAMILIES)
    for task in catalog.values():
        assert "def f(): pass" in task.render("def f(): pass", "python", "x.py")


def test_synth_generates_judges_and_keeps_relevant_pairs(llm_env, seeds_repo, tmp_path):
    out = tmp_path / "synth.jsonl"
    result = synth(seeds_repo, out)
    assert result.exit_code == 0, result.output
    rows = read_rows(out)
    assert [r.query for r in rows] == ["how to parse things"]  # the sorting pair was rejected by the judge
    row = rows[0]
    assert row.positive.startswith("def parse_items") and row.task == "nl2code"
    assert row.source == "synth:web-query-to-code" and row.difficulty == "hard"
    assert row.instruction == load_catalog()["web-query-to-code"].instruction
    assert "kept 1, rejected by the judge 1" in said(result)
    assert len(llm_env.requests) == 4  # two generations, two judgements


def test_a_rerun_sends_nothing_and_duplicates_nothing(llm_env, seeds_repo, tmp_path):
    out = tmp_path / "synth.jsonl"
    assert synth(seeds_repo, out).exit_code == 0
    sent = len(llm_env.requests)
    out.with_name("synth.jsonl.done").unlink()  # forget the progress: only the response cache remains
    again = synth(seeds_repo, out)
    assert again.exit_code == 0, again.output
    assert len(llm_env.requests) == sent and "from the cache" in said(again)
    third = synth(seeds_repo, out)  # with the progress file, items are skipped outright
    assert "already done 2" in said(third)
    assert len(read_rows(out)) == 2  # the second run appended its (cached) pair again once the progress was gone


def test_rate_limits_are_retried_and_hard_failures_are_counted_and_resumed(llm_env, seeds_repo, tmp_path):
    out = tmp_path / "synth.jsonl"
    llm_env.script(Reply(status=429))
    result = synth(seeds_repo, out, "--concurrency", "1")
    assert result.exit_code == 0, result.output
    assert "1 retries" in said(result) and "kept 1" in said(result)
    broken = tmp_path / "broken.jsonl"
    llm_env.responder = lambda body: Reply(status=503)
    failed = synth(seeds_repo, broken, "--concurrency", "1", "--cache", str(tmp_path / "cache2"))
    assert failed.exit_code == 0, failed.output
    assert "failed 2" in said(failed) and not read_rows(broken)
    llm_env.responder = answer  # the endpoint is back: the failed items were not marked done
    resumed = synth(seeds_repo, broken, "--cache", str(tmp_path / "cache2"))
    assert "kept 1" in said(resumed) and len(read_rows(broken)) == 1


def test_malformed_answers_are_asked_again_then_counted(llm_env, seeds_repo, tmp_path):
    llm_env.responder = lambda body: Reply("Sure! Here is a query: parse things")
    result = synth(seeds_repo, tmp_path / "m.jsonl")
    assert result.exit_code == 0, result.output
    assert "malformed 2" in said(result)
    assert len(llm_env.requests) == 6  # each item asked three times


def test_a_timeout_is_a_failed_item_not_a_crash(llm_env, seeds_repo, tmp_path, monkeypatch):
    monkeypatch.setenv("CODESIFT_LLM_TIMEOUT", "0.3")
    llm_env.responder = lambda body: Reply(json.dumps({"query": "x"}), delay=1.0)
    from trainer.data.synth import client as client_module

    monkeypatch.setattr(client_module.SynthClient, "_delay", lambda self, exc, retry: 0.0)
    result = synth(seeds_repo, tmp_path / "t.jsonl", "--concurrency", "2")
    assert result.exit_code == 0, result.output
    assert "failed 2" in said(result)


def test_no_llm_configured_is_one_line(seeds_repo, tmp_path, monkeypatch, codesift_home):
    monkeypatch.delenv("CODESIFT_LLM_BASE_URL", raising=False)
    result = synth(seeds_repo, tmp_path / "x.jsonl")
    assert result.exit_code != 0 and "CODESIFT_LLM_BASE_URL" in str(result.exception)


def test_brainstorm_adds_only_valid_new_tasks(llm_env, tmp_path):
    user_catalog = tmp_path / "tasks.yaml"
    result = CliRunner().invoke(cli, ["data", "brainstorm", "-n", "3", "--catalog", str(user_catalog)])
    assert result.exit_code == 0, result.output
    added = yaml.safe_load(user_catalog.read_text())
    assert [t["id"] for t in added] == ["code-to-changelog"]
    assert "no-placeholder" in said(result) and "already in the catalog" in said(result)
    assert "code-to-changelog" in load_catalog(user_catalog)


def test_validation_rejects_bad_definitions(tmp_path):
    good = {"id": "x-y", "family": "hybrid", "task": "techqa", "generates": "query", "instruction": "i", "prompt": "{code}"}
    assert validate(good).id == "x-y"
    for change, message in [({"family": "other"}, "family"), ({"prompt": "no code"}, "placeholder"),
                            ({"id": "Bad Id"}, "id"), ({"prompt": "{code} {nope}"}, "does not format")]:
        with pytest.raises(ValueError, match=message):
            validate(good | change)
    assert parse_json_object('noise {"a": 1} trailing') == {"a": 1}
    duplicate = tmp_path / "dup.yaml"
    duplicate.write_text(yaml.safe_dump([dict(load_catalog()["web-query-to-code"].__dict__)]))
    with pytest.raises(CodesiftError, match="defined twice"):
        load_catalog(duplicate)
