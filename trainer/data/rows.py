"""Training rows: the JSONL record every data step reads and writes, and the trainer consumes.

A row is `{query, positive, negatives[], task, instruction, source, difficulty, language}`:
`task` is one of the five retrieval tasks (`codesift.embedding.tasks.TASKS`), `instruction`
the query-side task instruction (CodeR writes one on every query), `source` where the pair
came from ("docstring", "commit", "markdown", "synth:<task-id>", "mbpp-train", ...),
`difficulty` "" until labelled, then "easy" | "medium" | "hard", and `language` the
language of the positive ("python", "java", "markdown", ...; "" when unknown).

`domain(row)` says which curriculum stage a row belongs to: "text" when neither side is
code (stage 1), "code" otherwise.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path

from codesift.embedding.tasks import INSTRUCTIONS, check_task

DIFFICULTIES = ("", "easy", "medium", "hard")
PROSE_LANGUAGES = frozenset({"", "markdown", "rst", "text"})


@dataclass
class TrainingRow:
    query: str
    positive: str
    task: str
    source: str
    negatives: list[str] = field(default_factory=list)
    instruction: str = ""
    difficulty: str = ""
    language: str = ""

    def __post_init__(self) -> None:
        check_task(self.task)
        if self.difficulty not in DIFFICULTIES:
            raise ValueError(f"unknown difficulty {self.difficulty!r}; expected easy, medium or hard")
        if not self.instruction:
            self.instruction = INSTRUCTIONS[self.task]

    def to_json(self) -> dict:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict) -> TrainingRow:
        known = {f.name for f in fields(cls)}
        missing = {"query", "positive", "task"} - data.keys()
        if missing:
            raise ValueError(f"training row lacks {', '.join(sorted(missing))}")
        row = {k: v for k, v in data.items() if k in known}
        row.setdefault("source", "")
        row["negatives"] = list(row.get("negatives") or [])
        return cls(**row)


def domain(row: TrainingRow) -> str:
    """"text" for text-only pairs (curriculum stage 1), "code" for pairs with code on either side."""
    text_only = row.task == "techqa" and row.language in PROSE_LANGUAGES
    return "text" if text_only else "code"


def write_rows(path: Path | str, rows: Iterable[TrainingRow]) -> int:
    """Write rows as JSONL (atomically: a temp file renamed into place); returns how many."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    count = 0
    with tmp.open("w", encoding="utf-8") as out:
        for row in rows:
            out.write(json.dumps(row.to_json(), ensure_ascii=False) + "\n")
            count += 1
    tmp.replace(path)
    return count


def iter_rows(path: Path | str) -> Iterator[TrainingRow]:
    """Rows of a JSONL file; a bad line is an error naming the file and line."""
    path = Path(path)
    with path.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, 1):
            if not line.strip():
                continue
            try:
                yield TrainingRow.from_json(json.loads(line))
            except (ValueError, TypeError) as exc:
                raise ValueError(f"{path}:{number}: not a training row ({exc})") from None


def read_rows(*paths: Path | str) -> list[TrainingRow]:
    return [row for path in paths for row in iter_rows(path)]


def to_dataset(rows: list[TrainingRow]):
    """A Hugging Face `datasets.Dataset` with one column per row field."""
    from datasets import Dataset

    return Dataset.from_list([row.to_json() for row in rows])
