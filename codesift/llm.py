"""The OpenAI-compatible chat endpoint for answers and data synthesis: settings, streaming, one-line failures.

Any OpenAI-compatible endpoint works (Ollama, vLLM, llama.cpp server, OpenAI):

  CODESIFT_LLM_BASE_URL     e.g. http://localhost:11434/v1 (required)
  CODESIFT_LLM_MODEL        e.g. qwen2.5-coder:7b (required)
  OPENAI_API_KEY            local servers need none
  CODESIFT_LLM_TIMEOUT      seconds without a byte from the endpoint before giving up (default 120)
  CODESIFT_LLM_MAX_RETRIES  retries of a failed request (default 2)
  CODESIFT_LLM_MAX_TOKENS   the longest answer in tokens (default 400, bounds a small model that rambles; 0: no limit)

Retries are the openai client's own: connection errors, timeouts, 408/409/429 and 5xx are retried with
exponential backoff (or the server's Retry-After); 401 and other client errors are not. Every failure of
the endpoint becomes an `LLMUnavailableError` with one line.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from codesift.errors import CodesiftError, LLMNotConfiguredError, LLMUnavailableError

TEMPERATURE = 0.1
NOT_THE_API = "sent a response that is not OpenAI-compatible"
CONFIGURE_HINT = (
    "to get answers, point codesift at an OpenAI-compatible endpoint, e.g. for Ollama: "
    "export CODESIFT_LLM_BASE_URL=http://localhost:11434/v1 CODESIFT_LLM_MODEL=qwen2.5-coder:7b "
    "(vLLM, llama.cpp server and OpenAI work too; set OPENAI_API_KEY where a key is needed)"
)


def _env_number(name: str, default: float, kind: type):
    raw = os.environ.get(name)
    if not raw:
        return default
    try:
        value = kind(raw)
    except ValueError:
        raise CodesiftError(f"{name}={raw!r} is not a {'whole ' if kind is int else ''}number") from None
    if value < 0:
        raise CodesiftError(f"{name}={raw!r} must not be negative")
    return value


@dataclass(frozen=True)
class LLMSettings:
    base_url: str | None = field(default_factory=lambda: os.environ.get("CODESIFT_LLM_BASE_URL") or None)
    model: str | None = field(default_factory=lambda: os.environ.get("CODESIFT_LLM_MODEL") or None)
    api_key: str = field(default_factory=lambda: os.environ.get("OPENAI_API_KEY") or "not-needed")
    timeout: float = field(default_factory=lambda: _env_number("CODESIFT_LLM_TIMEOUT", 120.0, float))
    max_retries: int = field(default_factory=lambda: _env_number("CODESIFT_LLM_MAX_RETRIES", 2, int))
    max_tokens: int = field(default_factory=lambda: _env_number("CODESIFT_LLM_MAX_TOKENS", 400, int))

    @property
    def configured(self) -> bool:
        return bool(self.base_url and self.model)

    def require(self) -> LLMSettings:
        if not self.configured:
            raise LLMNotConfiguredError(f"no LLM configured: {CONFIGURE_HINT}")
        return self


def client_for(settings: LLMSettings):
    """The openai client for this endpoint, with its own bounded retries; it refuses answers that are not the API's."""
    import openai

    settings.require()
    return openai.OpenAI(
        base_url=settings.base_url,
        api_key=settings.api_key,
        timeout=settings.timeout,
        max_retries=settings.max_retries,
        http_client=openai.DefaultHttpxClient(event_hooks={"response": [_require_api_content]}),
    )


def _require_api_content(response) -> None:
    """A success that is neither JSON nor an event stream comes from some other web server (a wrong base URL).

    Left alone, the openai client would hand back the page as a string or an empty stream.
    """
    import openai

    content_type = response.headers.get("content-type", "")
    if response.is_success and "json" not in content_type and "event-stream" not in content_type:
        raise openai.APIResponseValidationError(response, None, message=f"got {content_type or 'no content type'}")


def stream_chat(messages: list[dict], settings: LLMSettings) -> Iterator[str]:
    """The text of one streamed chat completion, piece by piece; endpoint failures raise `LLMUnavailableError`."""
    client = client_for(settings)
    with llm_errors(settings):
        stream = client.chat.completions.create(
            model=settings.model, messages=messages, stream=True, temperature=TEMPERATURE, max_tokens=settings.max_tokens or None
        )
        with stream:
            for chunk in stream:
                for choice in chunk.choices or ():
                    if choice.delta and choice.delta.content:
                        yield choice.delta.content


@contextmanager
def llm_errors(settings: LLMSettings) -> Iterator[None]:
    """Turn every way the endpoint can fail (openai errors, a dropped stream, a garbled body) into one line."""
    import httpx
    import openai

    endpoint = f"LLM endpoint {settings.base_url}"
    attempts = f"{settings.max_retries + 1} attempt{'s' if settings.max_retries else ''}"
    try:
        yield
    except openai.AuthenticationError:
        raise LLMUnavailableError(f"{endpoint} rejected the API key (401): set OPENAI_API_KEY") from None
    except openai.PermissionDeniedError:
        raise LLMUnavailableError(f"{endpoint} refused access (403): check OPENAI_API_KEY and CODESIFT_LLM_MODEL") from None
    except openai.NotFoundError:
        raise LLMUnavailableError(
            f"{endpoint} has no model {settings.model!r} or no chat completions (404): "
            "check CODESIFT_LLM_MODEL and that CODESIFT_LLM_BASE_URL ends in /v1"
        ) from None
    except openai.RateLimitError:
        raise LLMUnavailableError(f"{endpoint} is rate-limiting (429) after {attempts}: try again later") from None
    except openai.APIStatusError as exc:
        retried = f" after {attempts}" if exc.status_code >= 500 else ""
        raise LLMUnavailableError(f"{endpoint} failed with HTTP {exc.status_code}{retried}: {_short(exc.message)}") from None
    except (openai.APITimeoutError, httpx.TimeoutException):
        raise LLMUnavailableError(
            f"{endpoint} timed out after {settings.timeout:g}s ({attempts}): raise CODESIFT_LLM_TIMEOUT or use a smaller model"
        ) from None
    except openai.APIConnectionError as exc:
        raise LLMUnavailableError(f"{endpoint} is not reachable ({_reason(exc)}): start it or set CODESIFT_LLM_BASE_URL") from None
    except httpx.TransportError as exc:
        raise LLMUnavailableError(f"{endpoint} dropped the answer mid-stream ({_reason(exc)})") from None
    except openai.APIResponseValidationError as exc:
        raise LLMUnavailableError(f"{endpoint} {NOT_THE_API} ({_short(exc.message)}): check CODESIFT_LLM_BASE_URL") from None
    except json.JSONDecodeError:
        raise LLMUnavailableError(f"{endpoint} {NOT_THE_API} (invalid JSON): check CODESIFT_LLM_BASE_URL") from None
    except openai.APIError as exc:
        raise LLMUnavailableError(f"{endpoint} reported an error: {_short(exc.message)}") from None


def _reason(exc: BaseException) -> str:
    """The innermost cause, without errno noise: 'connection refused', 'name or service not known', …"""
    while exc.__cause__ is not None:
        exc = exc.__cause__
    text = re.sub(r"^\[Errno -?\d+\]\s*", "", str(exc)) or type(exc).__name__
    return _short(text[0].lower() + text[1:])


def _short(text: str, limit: int = 200) -> str:
    line = " ".join(str(text).split())
    return line if len(line) <= limit else line[: limit - 1] + "…"
