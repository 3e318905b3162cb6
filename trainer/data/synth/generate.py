"""`codesift data synth`: seed code → generated query/positive pairs → LLM judgement → rows, resumable.

Every (seed, task) item is generated, then judged; relevant pairs are appended
to the output file at once, one flushed line each. Finished items (kept or
rejected) are listed in `OUT.done`, so an interrupted run picks up where it
stopped; items whose requests kept failing are not listed, so a rerun tries
them again. A row already in the output is never written twice, and the
response cache means no request is ever paid for twice.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from codesift.errors import CodesiftError
from trainer.data.leakage import LeakageGuard
from trainer.data.rows import TrainingRow, iter_rows
from trainer.data.synth.catalog import SynthTask
from trainer.data.synth.client import RequestFailed, SynthClient, for_each
from trainer.data.synth.judge import judge
from trainer.data.synth.seeds import Seed
from trainer.data.textnorm import norm_hash

Progress = Callable[[Counter], None]  # called with the running outcome counts after every item
Item = tuple[Seed, SynthTask]


@dataclass
class SynthReport:
    counts: Counter = field(default_factory=Counter)  # kept, rejected, malformed, leaked, failed, skipped (done before)
    usage: Counter = field(default_factory=Counter)  # the client's: requests, cached, retries, tokens


def plan(seeds: list[Seed], tasks: list[SynthTask], per_seed: int) -> list[Item]:
    """Each seed gets `per_seed` different tasks, taken round-robin through `tasks`, skipping those not for its language."""
    items: list[Item] = []
    cursor = 0
    for seed in seeds:
        steps = [step for step in range(len(tasks)) if tasks[(cursor + step) % len(tasks)].accepts(seed.language)]
        steps = steps[:per_seed]
        items.extend((seed, tasks[(cursor + step) % len(tasks)]) for step in steps)
        if steps:
            cursor += steps[-1] + 1
    return items


def done_path(output: Path) -> Path:
    """The progress file beside the output: one finished item key per line."""
    return output.with_name(output.name + ".done")


def item_key(seed: Seed, task: SynthTask) -> str:
    return f"{seed.key}:{task.id}"


def to_row(seed: Seed, task: SynthTask, answer: dict) -> TrainingRow | None:
    """The pair the answer describes; None when a side is empty or both sides are the same text."""
    query = seed.code if task.generates == "positive" else str(answer.get("query", "")).strip()
    positive = seed.code if task.generates == "query" else str(answer.get("positive", "")).strip()
    if not query or not positive or norm_hash(query) == norm_hash(positive):
        return None
    return TrainingRow(
        query=query, positive=positive, task=task.task, source=f"synth:{task.id}",
        instruction=task.instruction, language=seed.language,
    )


async def generate_one(
    client: SynthClient, seed: Seed, task: SynthTask, *, use_judge: bool, guard: LeakageGuard | None
) -> tuple[str, TrainingRow | None]:
    """("kept", row), or ("rejected" | "malformed" | "leaked", None); raises RequestFailed when the endpoint kept failing."""
    answer = await client.ask_json(task.render(seed.code, seed.language, seed.path), task.wanted_keys, shots=task.shots())
    row = to_row(seed, task, answer) if answer else None
    if row is None:
        return "malformed", None
    if guard and guard.leaks(row):
        return "leaked", None
    if use_judge:
        relevant, difficulty = await judge(client, row)
        if not relevant:
            return "rejected", None
        row.difficulty = difficulty
    return "kept", row


async def synthesize(
    items: list[Item],
    client: SynthClient,
    output: Path,
    *,
    concurrency: int,
    use_judge: bool = True,
    guard: LeakageGuard | None = None,
    progress: Progress | None = None,
) -> SynthReport:
    """Run every item not finished before, appending kept rows to `output`; `guard` drops pairs that leak."""
    report = SynthReport()
    written = _written_rows(output)
    progress_file = done_path(output)
    if not output.exists():
        progress_file.unlink(missing_ok=True)  # the rows of an earlier run are gone: start over
    done = set(progress_file.read_text(encoding="utf-8").split()) if progress_file.is_file() else set()
    todo = [(seed, task) for seed, task in items if item_key(seed, task) not in done]
    report.counts["skipped"] = len(items) - len(todo)
    if progress:
        progress(report.counts)
    output.parent.mkdir(parents=True, exist_ok=True)
    with output.open("a", encoding="utf-8") as rows, progress_file.open("a", encoding="utf-8") as finished:

        async def run(item: Item) -> None:
            seed, task = item
            try:
                outcome, row = await generate_one(client, seed, task, use_judge=use_judge, guard=guard)
            except RequestFailed:
                report.counts["failed"] += 1
            else:
                if row is not None and _row_key(row) not in written:
                    rows.write(json.dumps(row.to_json(), ensure_ascii=False) + "\n")
                    rows.flush()
                    written.add(_row_key(row))
                finished.write(item_key(seed, task) + "\n")
                finished.flush()
                report.counts[outcome] += 1
            if progress:
                progress(report.counts)

        try:
            await for_each(todo, run, concurrency)
        finally:
            report.usage = Counter(client.counts)
    return report


def _row_key(row: TrainingRow) -> str:
    return norm_hash("\0".join((row.source, row.query, row.positive)))


def _written_rows(output: Path) -> set[str]:
    """Keys of the rows already in `output`; a last line cut short by a killed process is removed first."""
    if not output.is_file():
        return set()
    data = output.read_bytes()
    if data and not data.endswith(b"\n"):
        with output.open("r+b") as handle:
            handle.truncate(data.rfind(b"\n") + 1)
    try:
        return {_row_key(row) for row in iter_rows(output)}
    except ValueError as exc:
        raise CodesiftError(f"cannot append to {output}: {exc}") from None
