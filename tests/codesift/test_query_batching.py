"""Query micro-batching: concurrent callers share forward passes, each gets its own vector, failures reach everyone."""

from __future__ import annotations

import threading
import time

import numpy as np
import pytest

from codesift.embedding.batching import QueryBatcher


class RecordingEncoder:
    """Vectors that name their text and task; the first pass can be held until released."""

    def __init__(self, hold_first: bool = False):
        self.passes: list[tuple[str, list[str]]] = []
        self.release = threading.Event()
        if not hold_first:
            self.release.set()

    def __call__(self, texts: list[str], task: str) -> np.ndarray:
        self.passes.append((task, list(texts)))
        if len(self.passes) == 1:
            self.release.wait(10)
        return np.array([[float(len(t)), float(len(task))] for t in texts], dtype=np.float32)


def test_a_lone_caller_is_encoded_at_once():
    encoder = RecordingEncoder()
    vector = QueryBatcher(encoder).encode("parse json", "nl2code")
    assert vector.tolist() == [10.0, 7.0] and encoder.passes == [("nl2code", ["parse json"])]


def test_callers_arriving_during_a_pass_share_the_next_one_grouped_by_task():
    encoder = RecordingEncoder(hold_first=True)
    batcher = QueryBatcher(encoder)
    results: dict[str, np.ndarray] = {}
    texts = [("first", "nl2code")] + [(f"q{'x' * i}", "code2code" if i % 2 else "nl2code") for i in range(1, 8)]

    def call(text, task):
        results[text] = batcher.encode(text, task)

    threads = [threading.Thread(target=call, args=texts[0])]
    threads[0].start()
    while not encoder.passes:
        time.sleep(0.01)
    threads += [threading.Thread(target=call, args=item) for item in texts[1:]]
    for thread in threads[1:]:
        thread.start()
    while len(batcher._pending) < 7:
        time.sleep(0.01)
    encoder.release.set()
    for thread in threads:
        thread.join(10)
    assert len(encoder.passes[0][1]) == 1  # the held pass, then one pass per task for the 7 that queued
    assert sorted(len(texts) for _, texts in encoder.passes[1:]) == [3, 4]
    assert {task for task, _ in encoder.passes[1:]} == {"nl2code", "code2code"}
    assert all(results[text].tolist() == [float(len(text)), float(len(task))] for text, task in texts)


def test_a_failed_pass_fails_its_callers_and_the_next_pass_runs():
    calls = []

    def flaky(texts, task):
        calls.append(texts)
        if len(calls) == 1:
            raise RuntimeError("out of memory")
        return np.ones((len(texts), 2), dtype=np.float32)

    batcher = QueryBatcher(flaky)
    with pytest.raises(RuntimeError, match="out of memory"):
        batcher.encode("a", "nl2code")
    assert batcher.encode("b", "nl2code").tolist() == [1.0, 1.0]


def test_the_embedder_encodes_one_query_as_a_batch_of_one_would(minilm):
    alone = minilm.encode_query("sort a list in place", task="nl2code")
    batched = minilm.encode_queries(["sort a list in place", "read a file"], task="nl2code")[0]
    assert alone.shape == (minilm.dim,)
    assert float(alone @ batched) > 0.9999
