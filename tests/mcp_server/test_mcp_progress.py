"""Indexing stages laid end to end as one rising MCP progress value, spaced out in time."""

from __future__ import annotations

from mcp_server.progress import NotifyingProgress


class Clock:
    def __init__(self):
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_stages_add_up_to_one_rising_progress():
    sent = []
    progress = NotifyingProgress(lambda *n: sent.append(n), interval=0)
    progress.stage("chunking", 2)
    progress.advance()
    progress.advance()
    progress.stage("embedding", 3)
    progress.advance(3)
    assert sent == [(1, 2, "chunking: 1/2"), (2, 2, "chunking: 2/2"), (5, 5, "embedding: 3/3")]


def test_notifications_are_spaced_out_but_a_stage_end_is_always_sent():
    sent, clock = [], Clock()
    progress = NotifyingProgress(lambda *n: sent.append(n[0]), interval=1.0, clock=clock)
    progress.stage("embedding", 100)
    for _ in range(99):
        progress.advance()
        clock.now += 0.1
    progress.advance()
    assert sent[0] == 1 and sent[-1] == 100
    assert 9 <= len(sent) <= 12  # about one a second over ten seconds, plus the end
    assert sent == sorted(set(sent))


def test_an_empty_stage_sends_nothing_that_does_not_rise():
    sent = []
    progress = NotifyingProgress(lambda *n: sent.append(n[0]), interval=0)
    progress.stage("chunking", 0)
    progress.stage("embedding", 1)
    progress.advance(0)
    progress.advance()
    assert sent == [1]
