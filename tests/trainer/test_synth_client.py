"""The synthesis client against the local OpenAI-compatible server: cache, retries, failures, JSON answers, judge, brainstorm."""

from __future__ import annotations

import asyncio
import json
import time

import pytest
from llm_server import FakeLLMServer, Reply

from codesift.errors import LLMUnavailableError
from codesift.llm import LLMSettings
from trainer.data.rows import TrainingRow
from trainer.data.synth.brainstorm import brainstorm
from trainer.data.synth.cache import ResponseCache
from trainer.data.synth.catalog import load_catalog
from trainer.data.synth.client import RequestFailed, SynthClient, parse_json_object
from trainer.data.synth.judge import judge_difficulty

QUERY = json.dumps({"query": "read settings from a file"})


@pytest.fixture()
def server():
    llm = FakeLLMServer().start()
    llm.default = Reply(QUERY)
    yield llm
    llm.stop()


def settings_for(server, timeout: float = 5.0) -> LLMSettings:
    return LLMSettings(base_url=server.base_url, model="fake-coder", timeout=timeout)


def ask(client_args: tuple, *prompts: str, keys=("query",), **options) -> tuple[list, SynthClient]:
    """Ask each prompt for a JSON answer with one client; failed requests give the RequestFailed."""

    async def run():
        client = SynthClient(*client_args, **{"retries": 2, "backoff": 0.01} | options)
        try:
            answers = []
            for prompt in prompts:
                try:
                    answers.append(await client.ask_json(prompt, keys))
                except RequestFailed as exc:
                    answers.append(exc)
            return answers, client
        finally:
            await client.close()
            client.cache.close()

    return asyncio.run(run())


def test_worked_examples_are_sent_as_earlier_turns_before_the_prompt(server, tmp_path):
    async def run():
        client = SynthClient(settings_for(server), ResponseCache(tmp_path / "cache"))
        try:
            return await client.ask_json("the seed", ("query",), shots=[("example code", '{"query": "example query"}')])
        finally:
            await client.close()
            client.cache.close()

    assert asyncio.run(run()) == {"query": "read settings from a file"}
    roles = [(m["role"], m["content"]) for m in server.requests[0]["messages"]][1:]
    assert roles == [("user", "example code"), ("assistant", '{"query": "example query"}'), ("user", "the seed")]


def test_answers_are_cached_so_a_rerun_sends_nothing_and_usage_is_summed(server, tmp_path):
    args = (settings_for(server), ResponseCache(tmp_path / "cache"))
    answers, client = ask(args, "first prompt", "second prompt")
    assert answers == [{"query": "read settings from a file"}] * 2
    assert client.counts["requests"] == 2 and len(server.requests) == 2
    assert client.counts["completion_tokens"] == 2 * len(QUERY.split())
    assert client.counts["prompt_tokens"] > 2 * 2  # the system message and the prompt
    again, client = ask((settings_for(server), ResponseCache(tmp_path / "cache")), "first prompt", "second prompt")
    assert again == answers and len(server.requests) == 2 and client.counts["cached"] == 2
    ask((settings_for(server), ResponseCache(tmp_path / "cache")), "first prompt", temperature=0.2)
    assert len(server.requests) == 3  # another temperature is another request


def test_a_429_is_retried_after_the_servers_retry_after_and_then_answered(server, tmp_path):
    server.script(Reply(status=429, retry_after="0"), Reply(status=503, retry_after="0"))
    started = time.monotonic()
    answers, client = ask((settings_for(server), ResponseCache(tmp_path)), "prompt", backoff=10.0)
    assert time.monotonic() - started < 3  # Retry-After: 0, not the backoff
    assert answers == [{"query": "read settings from a file"}]
    assert client.counts["retries"] == 2 and client.counts["requests"] == 1


def test_consecutive_failures_give_up_on_that_item_only(server, tmp_path):
    server.script(*[Reply(status=500)] * 3, Reply(malformed="json"))
    answers, client = ask((settings_for(server), ResponseCache(tmp_path)), "broken", "fine")
    assert isinstance(answers[0], RequestFailed) and answers[1] == {"query": "read settings from a file"}
    assert client.counts["failed"] == 1 and client.counts["retries"] == 3  # a body that is not JSON is retried too
    assert len(server.requests) == 5


def test_a_timeout_fails_the_item_without_stopping_the_client(server, tmp_path):
    server.script(*[Reply(QUERY, delay=0.6)] * 3)
    answers, client = ask((settings_for(server, timeout=0.2), ResponseCache(tmp_path)), "slow", "quick")
    assert isinstance(answers[0], RequestFailed) and "Timeout" in str(answers[0])
    assert answers[1] == {"query": "read settings from a file"}


def test_answers_that_are_not_the_json_asked_for_are_asked_again_then_counted(server, tmp_path):
    server.script(Reply("Sure! The query is: read settings"), Reply('{"title": "no query key"}'),
                  Reply('```json\n{"query": "parse a config file"}\n```'))
    answers, client = ask((settings_for(server), ResponseCache(tmp_path)), "fenced")
    assert answers == [{"query": "parse a config file"}] and client.counts["malformed"] == 0
    server.default = Reply("I cannot help with that.")
    answers, client = ask((settings_for(server), ResponseCache(tmp_path)), "never json")
    assert answers == [None] and client.counts["malformed"] == 1
    assert len(server.requests) == 6  # three asks each
    assert parse_json_object('Here you go: {"a": 1} — done') == {"a": 1}
    assert parse_json_object("[1, 2]") is None


@pytest.mark.parametrize(
    ("reply", "message"),
    [
        (Reply(status=401), "rejected the API key"),
        (Reply(status=404), "has no model 'fake-coder'"),
        (Reply(malformed="html"), r"not OpenAI-compatible \(a web page\)"),
    ],
)
def test_failures_no_retry_can_fix_stop_with_one_line(server, tmp_path, reply, message):
    server.default = reply
    with pytest.raises(LLMUnavailableError, match=message):
        ask((settings_for(server), ResponseCache(tmp_path)), "prompt")
    assert len(server.requests) == 1


def test_an_endpoint_that_is_down_stops_at_once(server, tmp_path):
    server.stop()
    started = time.monotonic()
    with pytest.raises(LLMUnavailableError, match="is not reachable"):
        ask((settings_for(server), ResponseCache(tmp_path)), "prompt", backoff=10.0)
    assert time.monotonic() - started < 3  # no retries


def test_judge_difficulty_labels_rows_and_leaves_failures_unlabelled(server, tmp_path):
    def verdict(body: dict) -> Reply:
        prompt = body["messages"][-1]["content"]
        if "flaky" in prompt:
            return Reply(status=503, retry_after="0")
        return Reply(json.dumps({"relevant": True, "difficulty": "hard" if "merge" in prompt else "EASY"}))

    server.responder = verdict
    rows = [TrainingRow(query=q, positive="code", task="nl2code", source="docstring") for q in ("merge dicts", "sum", "flaky")]
    labels = judge_difficulty(rows, settings_for(server), concurrency=2, cache_dir=tmp_path)
    assert labels == ["hard", "easy", ""]
    assert all(body["temperature"] == 0.0 for body in server.requests)


def test_brainstorm_keeps_valid_new_tasks_and_gives_a_reason_for_each_other(server, tmp_path):
    good = {"id": "code-to-changelog", "family": "code2text", "task": "code2nl", "generates": "positive",
            "instruction": "Given code, retrieve its changelog entry.",
            "prompt": 'Write the changelog entry for {code}. Answer with JSON: {{"positive": "..."}}'}
    proposals = [good, dict(good, id="no-placeholder", prompt="Write a changelog entry."),
                 dict(good, id="web-query-to-code"), dict(good), dict(good, id="odd", task="code2sql"), "not a task"]
    server.default = Reply("```json\n" + json.dumps({"tasks": proposals}) + "\n```")
    catalog = load_catalog()

    async def run():
        client = SynthClient(settings_for(server), ResponseCache(tmp_path))
        try:
            return await brainstorm(client, catalog, 6)
        finally:
            await client.close()

    accepted, rejected = asyncio.run(run())
    assert [t.id for t in accepted] == ["code-to-changelog"]
    assert len(rejected) == 5
    assert "no-placeholder: the prompt has no {code} placeholder" in rejected
    assert "web-query-to-code: the id is already in the catalog" in rejected
    assert "code-to-changelog: the id is already in the catalog" in rejected  # proposed twice
    assert any(r.startswith("odd: task 'code2sql'") for r in rejected)
    prompt = server.user_prompts()[0]
    assert "- web-query-to-code: " in prompt and "Propose 6 NEW tasks" in prompt
