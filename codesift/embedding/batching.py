"""Query micro-batching: concurrent single-query encodings share forward passes.

A process that serves searches to several clients at once (the web UI, the MCP server) would otherwise
run one forward pass per query, all at the same time, fighting over the cores. Here the first caller
encodes its query at once; callers that arrive while a pass runs wait, and the next pass encodes all of
them together, grouped by task (their prefixes differ). A lone caller never waits, and nobody waits for
more than the pass in progress plus their own.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

MAX_BATCH = 64

EncodeMany = Callable[[list[str], str], np.ndarray]  # (texts, task) → one vector per text


@dataclass
class _Request:
    text: str
    task: str
    done: threading.Event = field(default_factory=threading.Event)
    lead: bool = False  # woken to run the next pass rather than with a result
    vector: np.ndarray | None = None
    error: BaseException | None = None


class QueryBatcher:
    def __init__(self, encode_many: EncodeMany, max_batch: int = MAX_BATCH):
        self._encode_many = encode_many
        self._max_batch = max_batch
        self._lock = threading.Lock()
        self._pending: list[_Request] = []
        self._running = False

    def encode(self, text: str, task: str) -> np.ndarray:
        request = _Request(text, task)
        with self._lock:
            self._pending.append(request)
            request.lead = not self._running
            self._running = True
        if not request.lead:
            request.done.wait()
        if request.lead:
            self._run_pass()
        if request.error is not None:
            raise request.error
        return request.vector

    def _run_pass(self) -> None:
        """Encode what is pending (one batch per task), hand results out, and pass the lead on."""
        with self._lock:
            batch, self._pending = self._pending[: self._max_batch], self._pending[self._max_batch :]
        try:
            for task in dict.fromkeys(r.task for r in batch):
                group = [r for r in batch if r.task == task]
                for request, vector in zip(group, self._encode_many([r.text for r in group], task)):
                    request.vector = vector
        except BaseException as exc:  # every caller in the pass gets the failure
            for request in batch:
                request.error = exc
        finally:
            with self._lock:
                successor = self._pending[0] if self._pending else None
                self._running = successor is not None
            for request in batch:
                request.lead = False
                request.done.set()
            if successor is not None:
                successor.lead = True
                successor.done.set()
