"""One stage's training data: filter each data set, draw the mixture, and group rows into per-task datasets.

Batches must not mix tasks (each task has its own prefixes, and in-batch
negatives from another task are trivially easy), so rows are grouped into one
`datasets.Dataset` per task — the trainer's multi-dataset sampler draws every
batch from one of them — and each task gets its query and document prompts.
With the coder style each query carries its own row's instruction instead
(`<instruct>{instruction}\n<query>{query}`; the task's default instruction when
the row has none). Columns: `anchor`, `positive`, `negative_1` … `negative_k`.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from codesift.embedding.tasks import INSTRUCTIONS, prompt_set
from codesift.errors import CodesiftError
from trainer.config import StageConfig, StageFilter
from trainer.data.rows import TrainingRow, domain, read_rows


def check_not_evaluation_set(path: Path) -> None:
    """Refuse training data that lives in a BEIR evaluation folder."""
    for folder in (path if path.is_dir() else path.parent, *path.resolve().parents):
        if (folder / "corpus.jsonl").is_file() and (folder / "qrels.tsv").is_file():
            raise CodesiftError(f"refusing to train on {path}: it is inside the evaluation set {folder}")


def load_data(data: dict[str, Path | None]) -> dict[str, list[TrainingRow]]:
    """Rows of every data set given (optional sets without a path are left out)."""
    loaded = {}
    for name, path in data.items():
        if path is None:
            continue
        check_not_evaluation_set(path)
        if not path.is_file():
            raise CodesiftError(f"training data {name!r} not found: {path} (build it with `codesift data mine` / `negatives`)")
        try:
            loaded[name] = read_rows(path)
        except ValueError as exc:
            raise CodesiftError(str(exc)) from None
    return loaded


def passes(row: TrainingRow, rule: StageFilter, negatives: int) -> bool:
    return (
        (not rule.domain or domain(row) in rule.domain)
        and (not rule.tasks or row.task in rule.tasks)
        and (not rule.difficulty or row.difficulty in rule.difficulty)
        and (not rule.sources or any(row.source.startswith(s) for s in rule.sources))
        and len(row.negatives) >= negatives
    )


@dataclass
class StageData:
    groups: dict[str, list[TrainingRow]]  # task → rows
    prompts: dict[str, dict[str, str]]  # task → column → prompt (tasks without prompts left out)
    prompt_style: str
    per_source: Counter = field(default_factory=Counter)  # data-set name → rows drawn

    @property
    def rows(self) -> int:
        return sum(len(rows) for rows in self.groups.values())

    def datasets(self, negatives: int):
        from datasets import Dataset, DatasetDict

        return DatasetDict({
            task: Dataset.from_dict({
                "anchor": [self._anchor(r) for r in rows],
                "positive": [r.positive for r in rows],
                **{f"negative_{k + 1}": [r.negatives[k] for r in rows] for k in range(negatives)},
            })
            for task, rows in self.groups.items()
        })

    def _anchor(self, row: TrainingRow) -> str:
        if self.prompt_style != "coder":
            return row.query
        return f"<instruct>{row.instruction or INSTRUCTIONS[row.task]}\n<query>{row.query}"


def stage_data(stage: StageConfig, loaded: dict[str, list[TrainingRow]], *, prompt_style: str, seed: int) -> StageData:
    rng = random.Random(f"{seed}:{stage.name}")
    eligible = {name: [r for r in loaded[name] if passes(r, stage.filter, stage.negatives)]
                for name in stage.mixture if name in loaded}
    total_weight = sum(stage.mixture[name] for name in eligible)
    wanted = stage.max_rows or sum(len(rows) for rows in eligible.values())
    drawn: list[tuple[str, TrainingRow]] = []
    for name, rows in eligible.items():
        rows = rows[:]
        rng.shuffle(rows)
        take = min(len(rows), round(wanted * stage.mixture[name] / total_weight))
        drawn += [(name, row) for row in rows[:take]]
    if not drawn:
        raise CodesiftError(f"stage {stage.name!r} selects no rows: check its mixture and filter against the data")
    groups: dict[str, list[TrainingRow]] = {}
    for _, row in drawn:
        groups.setdefault(row.task, []).append(row)
    return StageData(
        groups=groups,
        prompts={task: prompts for task in groups if (prompts := _prompts(task, prompt_style, stage.negatives))},
        prompt_style=prompt_style,
        per_source=Counter(name for name, _ in drawn),
    )


def _prompts(task: str, style: str, negatives: int) -> dict[str, str]:
    """Column → prompt for one task (the coder style's query instructions are in the anchor text itself)."""
    prompts = prompt_set(style)
    query = "" if style == "coder" else prompts.query_prefix(task)
    document = prompts.document_prefix(task)
    columns = {"anchor": query, "positive": document, **{f"negative_{k + 1}": document for k in range(negatives)}}
    return {column: prompt for column, prompt in columns.items() if prompt}
