"""`codesift data synth|brainstorm|tasks` against the local OpenAI-compatible server: generate, judge, cache, resume."""

from __future__ import annotations

import json
import os
import re
import signal

import pytest
import yaml
from beir_sets import write_beir
from llm_server import FakeLLMServer, Reply
from typer.testing import CliRunner

from cli.main import cli
from codesift.errors import CodesiftError, LLMUnavailableError
from trainer.data.rows import read_rows
from trainer.data.synth.catalog import load_catalog
from trainer.data.synth.generate import done_path

VERBS = ("parse", "sort", "count", "merge", "split", "join")


class Coder:
    """Generation prompts get a query naming the seed's verb; the judge rejects pairs about sorting.

    `broken` verbs get HTTP 503 on generation; `interrupt_at` sends Ctrl-C to the process on that generation.
    """

    def __init__(self) -> None:
        self.broken: set[str] = set()
        self.interrupt_at = 0
        self.generations = 0

    def __call__(self, body: dict) -> Reply:
        prompt = body["messages"][-1]["content"]
        if prompt.startswith("Judge one training pair"):
            query = prompt.split("Query:")[1].split("Candidate:")[0]
            return Reply(json.dumps({"relevant": "sort" not in query, "difficulty": "hard"}))
        verb = re.search(r"def (\w+)_items", prompt).group(1)
        if verb in self.broken:
            return Reply(status=503, retry_after="0")
        self.generations += 1
        if self.generations == self.interrupt_at:
            os.kill(os.getpid(), signal.SIGINT)
        return Reply(json.dumps({"query": f"how to {verb} things"}))


@pytest.fixture()
def llm(monkeypatch, codesift_home):
    server = FakeLLMServer().start()
    server.responder = Coder()
    monkeypatch.setenv("CODESIFT_LLM_BASE_URL", server.base_url)
    monkeypatch.setenv("CODESIFT_LLM_MODEL", "fake-coder")
    yield server
    server.stop()


@pytest.fixture()
def seeds_repo(tmp_path):
    root = tmp_path / "seeds"
    root.mkdir()
    functions = [f"def {verb}_items(items):\n    result = {verb}(items)\n    return list(result)\n" for verb in VERBS]
    (root / "items.py").write_text("\n\n".join(functions))
    return root


def said(result) -> str:
    """The command's output on one line (the console wraps long lines)."""
    return " ".join(result.output.split())


def synth(seeds_repo, out, *extra):
    args = ["data", "synth", str(seeds_repo), "-o", str(out), "--tasks", "web-query-to-code", "--limit", "0", *extra]
    return CliRunner().invoke(cli, args)


def test_synth_generates_judges_and_keeps_the_relevant_pairs(llm, seeds_repo, tmp_path):
    out = tmp_path / "synth.jsonl"
    result = synth(seeds_repo, out)
    assert result.exit_code == 0, result.output
    rows = read_rows(out)
    assert sorted(r.query for r in rows) == sorted(f"how to {v} things" for v in VERBS if v != "sort")
    web = load_catalog()["web-query-to-code"]
    for row in rows:
        verb = row.query.split()[2]
        assert row.positive.startswith(f"def {verb}_items(items):") and row.task == "nl2code"
        assert (row.source, row.difficulty, row.language, row.instruction) == ("synth:web-query-to-code", "hard", "python", web.instruction)
    assert "6 items from 6 seeds on fake-coder: generated 6 (kept 5, rejected by the judge 1), malformed 0, failed 0" in said(result)
    assert len(llm.requests) == 12  # six generations, six judgements
    tokens = re.search(r"([\d,]+) prompt \+ ([\d,]+) completion tokens", said(result))
    assert int(tokens.group(1).replace(",", "")) > 100 and int(tokens.group(2)) == 6 * 5 + 6 * 4


def test_a_rerun_skips_finished_items_and_the_cache_answers_the_rest(llm, seeds_repo, tmp_path):
    out = tmp_path / "synth.jsonl"
    assert synth(seeds_repo, out).exit_code == 0
    sent = len(llm.requests)
    again = synth(seeds_repo, out)
    assert again.exit_code == 0 and "already done 6" in said(again) and len(llm.requests) == sent
    done_path(out).unlink()  # forget the progress: the response cache still knows every answer
    third = synth(seeds_repo, out)
    assert third.exit_code == 0, third.output
    assert len(llm.requests) == sent and "12 answered from the cache" in said(third)
    assert len(read_rows(out)) == 5  # nothing written twice


def test_an_interrupted_run_resumes_without_duplicates_or_repeated_requests(llm, seeds_repo, tmp_path):
    out = tmp_path / "synth.jsonl"
    llm.responder.interrupt_at = 3
    first = synth(seeds_repo, out, "--concurrency", "1")
    assert first.exit_code != 0 and "run the same command again to resume" in said(first)
    kept_before = read_rows(out)  # a valid file, flushed row by row
    assert 1 <= len(kept_before) < 5 and len(done_path(out).read_text().split()) == 2
    asked_before = llm.user_prompts()
    resumed = synth(seeds_repo, out, "--concurrency", "1")
    assert resumed.exit_code == 0, resumed.output
    assert "already done 2" in said(resumed)
    rows = read_rows(out)
    assert len(rows) == 5 and len({r.query for r in rows}) == 5 and rows[: len(kept_before)] == kept_before
    asked_again = llm.user_prompts()[len(asked_before) :]
    assert len(set(asked_before) & set(asked_again)) <= 1  # at most the request in flight at Ctrl-C


def test_rate_limits_are_retried_and_an_item_that_keeps_failing_is_retried_by_the_next_run(llm, seeds_repo, tmp_path):
    out = tmp_path / "synth.jsonl"
    llm.script(Reply(status=429, retry_after="0"))
    llm.responder.broken = {"merge"}
    result = synth(seeds_repo, out, "--concurrency", "1", "--retries", "2")
    assert result.exit_code == 0, result.output
    assert "kept 4, rejected by the judge 1), malformed 0, failed 1" in said(result)
    assert "3 retries" in said(result)  # one after the 429, two after the merge item's first two 503s (the third gives up)
    assert "run the same command again to retry them" in said(result)
    llm.responder.broken = set()  # the endpoint recovers
    resumed = synth(seeds_repo, out)
    assert "already done 5" in said(resumed) and "kept 1," in said(resumed)
    assert sorted(r.query.split()[2] for r in read_rows(out)) == sorted(v for v in VERBS if v != "sort")


def test_exclude_drops_seeds_and_pairs_that_overlap_an_evaluation_set(llm, seeds_repo, tmp_path):
    parse = "def parse_items(items):\n    result = parse(items)\n    return list(result)\n"
    sets = write_beir(tmp_path / "sets" / "toy", "nl2code", {"q1": "How to COUNT things"}, {"d1": parse}, {"q1": "d1"})
    out = tmp_path / "synth.jsonl"
    result = synth(seeds_repo, out, "--exclude", str(sets.parent))
    assert result.exit_code == 0, result.output
    assert "5 items from 5 seeds" in said(result)
    assert "kept 3, rejected by the judge 1, dropped as evaluation-set leakage 1 (and 1 seeds)" in said(result)
    assert sorted(r.query.split()[2] for r in read_rows(out)) == ["join", "merge", "split"]
    assert len(llm.requests) == 5 + 4  # a leaked pair is not judged


def test_without_an_llm_or_with_the_endpoint_down_it_is_one_line(llm, seeds_repo, tmp_path, monkeypatch):
    llm.stop()
    down = synth(seeds_repo, tmp_path / "x.jsonl")
    assert isinstance(down.exception, LLMUnavailableError) and "is not reachable" in str(down.exception)
    monkeypatch.delenv("CODESIFT_LLM_BASE_URL")
    unset = synth(seeds_repo, tmp_path / "x.jsonl")
    assert isinstance(unset.exception, CodesiftError)
    assert "CODESIFT_LLM_BASE_URL" in str(unset.exception) and "\n" not in str(unset.exception)
    monkeypatch.setenv("CODESIFT_LLM_BASE_URL", llm.base_url)
    unknown = synth(seeds_repo, tmp_path / "x.jsonl", "--tasks", "code-to-summary,code-to-poem")
    assert "unknown task 'code-to-poem'" in str(unknown.exception)


def test_brainstorm_adds_valid_tasks_to_the_user_catalog_and_tasks_lists_them(llm, tmp_path):
    good = {"id": "code-to-changelog", "family": "code2text", "task": "code2nl", "generates": "positive",
            "instruction": "Given code, retrieve its changelog entry.",
            "prompt": 'Write the changelog entry for {code}. Answer with JSON: {{"positive": "..."}}'}
    llm.script(Reply(json.dumps({"tasks": [good, dict(good, id="no-placeholder", prompt="A changelog entry.")]})))
    user_catalog = tmp_path / "tasks.yaml"
    result = CliRunner().invoke(cli, ["data", "brainstorm", "-n", "2", "--catalog", str(user_catalog)])
    assert result.exit_code == 0, result.output
    assert [t["id"] for t in yaml.safe_load(user_catalog.read_text())] == ["code-to-changelog"]
    assert "rejected no-placeholder: the prompt has no {code} placeholder" in said(result)
    assert f"added 1 task(s) to {user_catalog}: code-to-changelog" in said(result)
    listing = CliRunner().invoke(cli, ["data", "tasks", "--catalog", str(user_catalog)])
    assert listing.exit_code == 0, listing.output
    assert "code-to-changelog" in listing.output and "code-to-typed-version" in listing.output
