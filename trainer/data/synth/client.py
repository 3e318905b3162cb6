"""Asking the synthesis LLM: bounded concurrency, retries with backoff, a response cache, JSON answers, usage.

Any OpenAI-compatible endpoint works (vLLM, llama.cpp server, Ollama, OpenAI),
configured like `codesift ask` (CODESIFT_LLM_BASE_URL, CODESIFT_LLM_MODEL,
OPENAI_API_KEY, CODESIFT_LLM_TIMEOUT). Connection errors, timeouts, 429, 5xx and
bodies that are not JSON are retried with exponential backoff and jitter (or the
server's Retry-After); an item that still fails raises `RequestFailed`, which the
caller counts before going on. An endpoint that refuses the first connection,
rejects the key or the model (401/403/404) or is not the API at all stops the
run with one line. A reply that is not the JSON object asked for is asked again
(a new cache key) before it counts as malformed.
"""

from __future__ import annotations

import asyncio
import json
import random
import re
from collections import Counter
from collections.abc import Awaitable, Callable, Sequence
from typing import TypeVar

import openai

from codesift.errors import LLMUnavailableError
from codesift.llm import NOT_THE_API, LLMSettings, llm_errors
from trainer.data.synth.cache import ResponseCache, request_key

T = TypeVar("T")
SYSTEM = "You write training data for a code search engine. Answer with one JSON object and nothing else."
MALFORMED_RETRIES = 2
MAX_RETRY_AFTER = 60.0
_FENCE = re.compile(r"^```(?:json)?\s*(.*?)\s*```$", re.DOTALL)
_RETRYABLE = (openai.APIConnectionError, openai.RateLimitError, openai.InternalServerError, json.JSONDecodeError)


class RequestFailed(Exception):
    """An item whose request kept failing after every retry."""


def parse_json_object(text: str) -> dict | None:
    """The JSON object in a reply (bare, fenced, or with prose around it); None when there is none."""
    text = text.strip()
    if fenced := _FENCE.match(text):
        text = fenced.group(1)
    if not text.startswith("{"):
        start, end = text.find("{"), text.rfind("}")
        text = text[start : end + 1] if 0 <= start < end else text
    try:
        value = json.loads(text)
    except json.JSONDecodeError:
        return None
    return value if isinstance(value, dict) else None


class SynthClient:
    """One endpoint, shared by every item of a run; `counts` holds requests, cached, retries, failed,
    malformed, prompt_tokens and completion_tokens."""

    def __init__(
        self,
        settings: LLMSettings,
        cache: ResponseCache,
        *,
        concurrency: int = 8,
        retries: int = 4,
        backoff: float = 1.0,
        temperature: float = 0.7,
        max_tokens: int = 1024,
    ) -> None:
        settings.require()
        self.settings = settings
        self.cache = cache
        self.retries, self.backoff = retries, backoff
        self.temperature, self.max_tokens = temperature, max_tokens
        self.counts: Counter = Counter()
        self.interrupted = False  # set on Ctrl-C: no request is sent after it
        self._slots = asyncio.Semaphore(concurrency)
        self._client = openai.AsyncOpenAI(
            base_url=settings.base_url, api_key=settings.api_key, timeout=settings.timeout, max_retries=0
        )

    async def ask_json(
        self, prompt: str, keys: tuple[str, ...], *, shots: Sequence[tuple[str, str]] = (), temperature: float | None = None
    ) -> dict | None:
        """The JSON object the model answers with, holding `keys` as strings or booleans; None when it never does.

        `shots` are worked (prompt, answer) examples, sent first as earlier turns of the conversation.
        """
        examples = [{"role": role, "content": text} for shot in shots for role, text in zip(("user", "assistant"), shot)]
        messages = [{"role": "system", "content": SYSTEM}, *examples, {"role": "user", "content": prompt}]
        for attempt in range(MALFORMED_RETRIES + 1):
            answer = parse_json_object(await self.complete(messages, attempt, temperature=temperature))
            if answer is not None and all(isinstance(answer.get(k), (str, bool)) for k in keys):
                return answer
        self.counts["malformed"] += 1
        return None

    async def complete(self, messages: list[dict], attempt: int = 0, *, temperature: float | None = None) -> str:
        """The reply text, from the cache when this exact request was answered before."""
        if self.interrupted:
            raise KeyboardInterrupt
        temperature = self.temperature if temperature is None else temperature
        key = request_key(self.settings.model, messages, temperature, self.max_tokens, attempt)
        cached = self.cache.get(key)
        if cached is not None:
            self.counts["cached"] += 1
            return cached
        async with self._slots:
            text = await self._request(messages, temperature)
        self.cache.put(key, text)
        return text

    async def _request(self, messages: list[dict], temperature: float) -> str:
        for retry in range(self.retries + 1):
            try:
                response = await self._client.chat.completions.create(
                    model=self.settings.model, messages=messages, temperature=temperature, max_tokens=self.max_tokens
                )
            except _RETRYABLE as exc:
                if self._never_reached(exc):
                    self._stop(exc)
                if retry == self.retries:
                    self.counts["failed"] += 1
                    raise RequestFailed(type(exc).__name__) from None
                self.counts["retries"] += 1
                await asyncio.sleep(self._delay(exc, retry))
                continue
            except openai.APIError as exc:
                self._stop(exc)
            if not hasattr(response, "choices"):  # the openai client hands back a web page as a string
                raise LLMUnavailableError(
                    f"LLM endpoint {self.settings.base_url} {NOT_THE_API} (a web page): check CODESIFT_LLM_BASE_URL"
                )
            self.counts["requests"] += 1
            if response.usage:
                self.counts["prompt_tokens"] += response.usage.prompt_tokens or 0
                self.counts["completion_tokens"] += response.usage.completion_tokens or 0
            return (response.choices[0].message.content or "") if response.choices else ""
        raise AssertionError("unreachable")

    def _never_reached(self, exc: Exception) -> bool:
        """A refused connection before any answer: the endpoint is down or the URL is wrong, not busy."""
        refused = isinstance(exc, openai.APIConnectionError) and not isinstance(exc, openai.APITimeoutError)
        return refused and not self.counts["requests"]

    def _stop(self, exc: Exception) -> None:
        """Raise the one-line `LLMUnavailableError` that `codesift ask` gives for the same failure."""
        with llm_errors(self.settings):
            raise exc

    def _delay(self, exc: Exception, retry: int) -> float:
        response = getattr(exc, "response", None)
        after = response.headers.get("retry-after") if response is not None else None
        try:
            return min(float(after), MAX_RETRY_AFTER)
        except (TypeError, ValueError):
            return self.backoff * (2**retry) * (0.5 + random.random())

    async def close(self) -> None:
        await self._client.close()


async def for_each(items: list[T], handle: Callable[[T], Awaitable[None]], concurrency: int) -> None:
    """Await `handle(item)` for every item, at most `concurrency` at once; the first error cancels the rest."""
    queue = iter(items)

    async def worker() -> None:
        for item in queue:
            await handle(item)

    workers = [asyncio.create_task(worker()) for _ in range(max(1, min(concurrency, len(items))))]
    try:
        await asyncio.gather(*workers)
    finally:
        for task in workers:
            task.cancel()
        await asyncio.gather(*workers, return_exceptions=True)
