"""`codesift data synth`: seed code → generated query/positive pairs → LLM judgement → rows, resumable.

Every (seed, task) item is generated, then judged; relevant pairs are appended
to the output file at once, one flushed line each. Finished items (kept or
rejected) are listed in `OUT.done`, so an interrupted run picks up where it
stopped, and the response cache means no request is ever paid for twice.
"""

from __future__ import annotations

import asyncio
import json
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from trainer.data.rows import TrainingRow
from trainer.data.synth.catalog import SynthTask
from trainer.data.synth.client import RequestFailed, SynthClient
from trainer.data.synth.judge import judge
from trainer.data.synth.seeds import Seed

Progress = Callable[[Counter], None]  # called with the running counts after every item


@dataclass
class SynthReport:
    counts: Counter = field(default_factory=Counter)  # kept, rejected, malformed, failed, skipped (done before)
    usage: Counter = field(default_factory=Counter)  # requests, cached, retries, tokens


def plan(seeds: list[Seed], tasks: list[SynthTask], per_seed: int) -> list[tuple[Seed, SynthTask]]:
    """Each seed gets `per_seed` tasks, taken round-robin through the catalog."""
    items = []
    for i, seed in enumerate(seeds):
        for j in range(per_seed):
            items.append((seed, tasks[(i * per_seed + j) % len(tasks)]))
    return items


def item_key(seed: Seed, task: SynthTask) -> str:
    return f"{seed.key}:{task.id}"


def to_row(seed: Seed, task: SynthTask, answer: dict) -> TrainingRow | None:
    query = seed.code if task.generates == "positive" else str(answer.get("query", "")).strip()
    positive = seed.code if task.generates == "query" else str(answer.get("positive", "")).strip()
    if not query or not positive or query == positive:
        return None
    return TrainingRow(
        query=query, positive=positive, task=task.task, source=f"synth:{task.id}",
        instruction=task.instruction, language=seed.language,
    )


async def _one(client: SynthClient, seed: Seed, task: SynthTask, use_judge: bool) -> tuple[str, TrainingRow | None]:
    answer = await client.ask_json(task.render(seed.code, seed.language, seed.path), task.wanted_keys)
    row = to_row(seed, task, answer) if answer else None
    if row is None:
        return "malformed", None
    if use_judge:
        relevant, difficulty = await judge(client, row)
        if not relevant:
            return "rejected", None
        row.difficulty = difficulty
    return "kept", row


async def synthesize(
    items: list[tuple[Seed, SynthTask]],
    client: SynthClient,
    output: Path,
    *,
    use_judge: bool = True,
    progress: Progress | None = None,
) -> SynthReport:
    report = SynthReport()
    done_path = output.with_name(output.name + ".done")
    done = set(done_path.read_text().split()) if done_path.is_file() else set()
    todo = [(s, t) for s, t in items if item_key(s, t) not in done]
    report.counts["skipped"] = len(items) - len(todo)
    output.parent.mkdir(parents=True, exist_ok=True)
    with output.open("a", encoding="utf-8") as rows, done_path.open("a") as finished:

        async def run(seed: Seed, task: SynthTask) -> None:
            try:
                outcome, row = await _one(client, seed, task, use_judge)
            except RequestFailed:
                report.counts["failed"] += 1  # not marked done: a rerun tries it again
            else:
                if row is not None:
                    rows.write(json.dumps(row.to_json(), ensure_ascii=False) + "\n")
                    rows.flush()
                finished.write(item_key(seed, task) + "\n")
                finished.flush()
                report.counts[outcome] += 1
            if progress:
                progress(report.counts)

        await asyncio.gather(*(run(s, t) for s, t in todo))
    report.usage = Counter(client.counts)
    return report
