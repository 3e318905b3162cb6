"""Bounded retries with exponential backoff for requests to a Qdrant server.

Transient failures are retried: the connection refused or dropped, a timeout,
HTTP 429 (honouring Retry-After) and 5xx. Anything else — a 4xx answer, a body
that does not parse — fails at once. Either way the caller gets one
`CodesiftError` line that names the server. Errors that are not from the
server's API (qdrant-client's local mode raises plain Python errors) pass
through untouched.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

import httpx
from qdrant_client.common.client_exceptions import QdrantException, ResourceExhaustedResponse
from qdrant_client.http.exceptions import ApiException, ResponseHandlingException, UnexpectedResponse

from codesift.errors import CodesiftError

T = TypeVar("T")
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 5  # tries in all, the first included
    base_delay: float = 0.5  # seconds before the second try; doubles each time
    max_delay: float = 8.0  # no single wait is longer (a Retry-After included)

    def delay(self, attempt: int, exc: Exception) -> float:
        """Seconds to wait after failed try number `attempt` (1-based): jittered backoff, or the server's Retry-After."""
        backoff = min(self.max_delay, self.base_delay * 2 ** (attempt - 1)) * random.uniform(0.5, 1.0)
        if isinstance(exc, ResourceExhaustedResponse):
            return max(backoff, min(float(exc.retry_after_s), self.max_delay))
        return backoff


def is_transient(exc: Exception) -> bool:
    if isinstance(exc, ResourceExhaustedResponse):
        return True
    if isinstance(exc, UnexpectedResponse):
        return exc.status_code == 429 or (exc.status_code or 0) >= 500
    if isinstance(exc, ResponseHandlingException):
        return isinstance(exc.source, httpx.TransportError)  # not a body that failed to parse
    return False


def describe(exc: Exception) -> str:
    """One line: the HTTP status and the server's error message, or what went wrong on the wire."""
    if isinstance(exc, UnexpectedResponse):
        try:
            detail = exc.structured()["status"]["error"]
        except (ValueError, KeyError, TypeError):
            detail = exc.content.decode(errors="replace")[:200]
        line = f"HTTP {exc.status_code} {exc.reason_phrase}".rstrip()
        return f"{line}: {detail}" if detail.strip() else line
    if isinstance(exc, ResponseHandlingException):
        source = exc.source
        if isinstance(source, httpx.TimeoutException):
            return f"timed out ({type(source).__name__})"
        if isinstance(source, httpx.ConnectError):
            return f"connection refused or unreachable ({source})"
        return f"{type(source).__name__}: {source}"
    if isinstance(exc, ResourceExhaustedResponse):
        return f"HTTP 429 rate limited: {exc}"
    return f"{type(exc).__name__}: {exc}"


def _one_line(text: str) -> str:
    return " ".join(text.split())


def call_with_retries(fn: Callable[[], T], *, server: str, what: str, policy: RetryPolicy) -> T:
    """`fn()`, retried under `policy` while it fails transiently; a final failure is one line naming `server`."""
    attempt = 1
    while True:
        try:
            return fn()
        except (ApiException, QdrantException) as exc:
            if not is_transient(exc):
                raise CodesiftError(_one_line(f"Qdrant server at {server} refused to {what}: {describe(exc)}")) from None
            if attempt >= policy.attempts:
                raise CodesiftError(
                    _one_line(f"Qdrant server at {server} failed to {what} after {attempt} attempts: {describe(exc)}")
                ) from None
            wait = policy.delay(attempt, exc)
            log.info("Qdrant server at %s: %s (%s); retrying in %.1f s", server, what, describe(exc), wait)
            time.sleep(wait)
            attempt += 1
