"""Asking the synthesis LLM: bounded concurrency, retries with backoff, a response cache, JSON answers, usage.

Any OpenAI-compatible endpoint works (vLLM, llama.cpp server, Ollama, OpenAI),
configured like `codesift ask` (CODESIFT_LLM_BASE_URL, CODESIFT_LLM_MODEL,
OPENAI_API_KEY, CODESIFT_LLM_TIMEOUT). Connection errors, timeouts, 429 and 5xx
are retried with exponential backoff and jitter (or the server's Retry-After);
an item that still fails is counted and skipped, the run goes on. 401/403/404
stop the run with one line. A reply that is not the JSON object asked for is
asked again (a new cache key) before it counts as malformed.
"""

from __future__ import annotations

import asyncio
import json
import random
import re
from collections import Counter

import openai

from codesift.errors import LLMUnavailableError
from retriever.llm import LLMSettings
from trainer.data.synth.cache import ResponseCache, request_key

SYSTEM = "You write training data for a code search engine. Answer with one JSON object and nothing else."
MALFORMED_RETRIES = 2
_FENCE = re.compile(r"^```(?:json)?\s*(.*?)\s*```$", re.DOTALL)
_RETRYABLE = (openai.APIConnectionError, openai.APITimeoutError, openai.RateLimitError, openai.InternalServerError)


class RequestFailed(Exception):
    """An item whose request kept failing after every retry."""


def parse_json_object(text: str) -> dict | None:
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
        self.counts: Counter = Counter()  # requests, cached, retries, failed, malformed, prompt/completion tokens
        self._slots = asyncio.Semaphore(concurrency)
        self._client = openai.AsyncOpenAI(
            base_url=settings.base_url, api_key=settings.api_key, timeout=settings.timeout, max_retries=0
        )

    async def ask_json(self, prompt: str, keys: tuple[str, ...]) -> dict | None:
        """The JSON object the model answers with, holding `keys` as strings; None when it never does."""
        messages = [{"role": "system", "content": SYSTEM}, {"role": "user", "content": prompt}]
        for attempt in range(MALFORMED_RETRIES + 1):
            answer = parse_json_object(await self.complete(messages, attempt))
            if answer is not None and all(isinstance(answer.get(k), (str, bool)) for k in keys):
                return answer
        self.counts["malformed"] += 1
        return None

    async def complete(self, messages: list[dict], attempt: int = 0) -> str:
        key = request_key(self.settings.model, messages, self.temperature, self.max_tokens, attempt)
        cached = self.cache.get(key)
        if cached is not None:
            self.counts["cached"] += 1
            return cached
        async with self._slots:
            text = await self._request(messages)
        self.cache.put(key, text)
        return text

    async def _request(self, messages: list[dict]) -> str:
        for retry in range(self.retries + 1):
            try:
                response = await self._client.chat.completions.create(
                    model=self.settings.model,
                    messages=messages,
                    temperature=self.temperature,
                    max_tokens=self.max_tokens,
                )
            except _RETRYABLE as exc:
                if retry == self.retries:
                    self.counts["failed"] += 1
                    raise RequestFailed(type(exc).__name__) from None
                self.counts["retries"] += 1
                await asyncio.sleep(self._delay(exc, retry))
                continue
            except openai.APIStatusError as exc:
                raise LLMUnavailableError(
                    f"the LLM endpoint {self.settings.base_url} refused the request: HTTP {exc.status_code}"
                ) from None
            self.counts["requests"] += 1
            if response.usage:
                self.counts["prompt_tokens"] += response.usage.prompt_tokens or 0
                self.counts["completion_tokens"] += response.usage.completion_tokens or 0
            choices = getattr(response, "choices", None)
            return (choices[0].message.content or "") if choices else ""
        raise AssertionError("unreachable")

    def _delay(self, exc: Exception, retry: int) -> float:
        response = getattr(exc, "response", None)
        after = response.headers.get("retry-after") if response is not None else None
        if after:
            try:
                return min(float(after), 60.0)
            except ValueError:
                pass
        return self.backoff * (2**retry) * (0.5 + random.random())

    async def close(self) -> None:
        await self._client.close()
