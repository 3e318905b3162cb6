"""The streamed completion against a local OpenAI-compatible server: retries, and one line for every failure."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest
from llm_server import Reply

from codesift.errors import CodesiftError, LLMNotConfiguredError, LLMUnavailableError
from codesift.llm import LLMSettings, stream_chat

MESSAGES = [{"role": "user", "content": "hello"}]


def test_stream_yields_the_text_in_pieces(llm, llm_server):
    llm_server.default = Reply(text="A streamed answer in several pieces.")
    pieces = list(stream_chat(MESSAGES, llm))
    assert len(pieces) > 1 and "".join(pieces) == "A streamed answer in several pieces."
    assert llm_server.requests == [{"messages": MESSAGES, "model": "fake-coder", "stream": True, "temperature": 0.1, "max_tokens": 400}]


def test_the_answer_length_bound_is_a_setting(llm, llm_server, monkeypatch):
    monkeypatch.setenv("CODESIFT_LLM_MAX_TOKENS", "64")
    list(stream_chat(MESSAGES, replace(llm, max_tokens=LLMSettings().max_tokens)))
    list(stream_chat(MESSAGES, replace(llm, max_tokens=0)))  # 0: no bound sent
    assert [r.get("max_tokens") for r in llm_server.requests] == [64, None]
    monkeypatch.setenv("CODESIFT_LLM_MAX_TOKENS", "many")
    with pytest.raises(CodesiftError, match="CODESIFT_LLM_MAX_TOKENS='many' is not a whole number"):
        LLMSettings()


def test_server_error_is_retried_then_answered(llm, llm_server):
    llm_server.script(Reply(status=500))
    assert "".join(stream_chat(MESSAGES, llm)) == Reply().text
    assert len(llm_server.requests) == 2


@pytest.mark.parametrize(
    "reply,message",
    [
        (Reply(malformed="json"), "sent a response that is not OpenAI-compatible (invalid JSON): check CODESIFT_LLM_BASE_URL"),
        (Reply(malformed="html"), "sent a response that is not OpenAI-compatible (got text/html)"),
        (Reply(stall=3), "timed out after 0.5s"),
        (Reply(status=403), "refused access (403)"),
        (Reply(status=404), "no model 'fake-coder'"),
        (Reply(status=400), "failed with HTTP 400: Error code: 400"),
    ],
)
def test_failures_are_one_line(llm, llm_server, reply, message):
    llm_server.default = reply
    with pytest.raises(LLMUnavailableError, match=re.escape(message)) as caught:
        "".join(stream_chat(MESSAGES, replace(llm, timeout=0.5, max_retries=0)))
    assert "\n" not in str(caught.value) and caught.value.__cause__ is None


def test_settings_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("CODESIFT_LLM_BASE_URL", "http://127.0.0.1:9/v1")
    monkeypatch.setenv("CODESIFT_LLM_MODEL", "m")
    monkeypatch.setenv("CODESIFT_LLM_TIMEOUT", "7.5")
    monkeypatch.setenv("CODESIFT_LLM_MAX_RETRIES", "4")
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    assert LLMSettings() == LLMSettings("http://127.0.0.1:9/v1", "m", "not-needed", 7.5, 4)
    monkeypatch.setenv("CODESIFT_LLM_TIMEOUT", "soon")
    with pytest.raises(CodesiftError, match="CODESIFT_LLM_TIMEOUT='soon' is not a number"):
        LLMSettings()
    monkeypatch.delenv("CODESIFT_LLM_TIMEOUT")
    monkeypatch.delenv("CODESIFT_LLM_MODEL")
    with pytest.raises(LLMNotConfiguredError, match="CODESIFT_LLM_MODEL"):
        LLMSettings().require()
