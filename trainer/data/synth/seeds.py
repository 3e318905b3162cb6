"""Seeds for synthesis: real functions and methods from repositories, or the code positives of a mined JSONL.

From a repository: every function and method of at least three lines, tests,
vendored and generated code left out. From a JSONL of training rows (e.g. the
output of `codesift data mine`): the positives of nl2code and code2code rows in
a programming language. Duplicates (after normalising spacing and case) count
once; the shuffle is seeded, so the same arguments pick the same seeds.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from codesift.errors import CodesiftError
from indexer.chunker import chunk_file
from indexer.languages import CODE_LANGUAGES
from indexer.sources import resolve_source
from indexer.walker import read_source, walk_repo
from trainer.data.filters import code_reason, path_reason
from trainer.data.pairs import CODE_KINDS
from trainer.data.rows import iter_rows
from trainer.data.textnorm import norm_hash

MIN_SEED_LINES = 3
CODE_POSITIVE_TASKS = ("nl2code", "code2code")


@dataclass(frozen=True)
class Seed:
    code: str
    language: str
    path: str

    @property
    def key(self) -> str:
        return norm_hash(self.code)


def collect_seeds(sources: list[str], *, clones_dir: Path, limit: int | None, seed: int = 0) -> list[Seed]:
    """Seeds from directories, git URLs and .jsonl files, shuffled with `seed`, at most `limit` of them."""
    unique: dict[str, Seed] = {}
    for source in sources:
        found = _row_seeds(Path(source)) if source.endswith(".jsonl") else _repo_seeds(source, clones_dir)
        for candidate in found:
            if _usable(candidate.code):
                unique.setdefault(candidate.key, candidate)
    chosen = list(unique.values())
    random.Random(seed).shuffle(chosen)
    return chosen[:limit] if limit else chosen


def _usable(code: str) -> bool:
    return sum(1 for line in code.split("\n") if line.strip()) >= MIN_SEED_LINES and not code_reason(code)


def _repo_seeds(source: str, clones_dir: Path) -> Iterator[Seed]:
    repo = resolve_source(source, clones_dir=clones_dir)
    for file in walk_repo(repo.root).files:
        if path_reason(file.path):
            continue
        try:
            text = read_source(file)
        except OSError:
            continue  # vanished or unreadable since the walk
        for chunk in chunk_file(repo.name, file.path, text):
            if chunk.kind in CODE_KINDS and not chunk.window:
                yield Seed(chunk.code, chunk.language, f"{repo.name}/{file.path}")


def _row_seeds(path: Path) -> Iterator[Seed]:
    if not path.is_file():
        raise CodesiftError(f"no such file: {path}")
    try:
        for row in iter_rows(path):
            if row.task in CODE_POSITIVE_TASKS and row.language in CODE_LANGUAGES:
                yield Seed(row.positive, row.language, "")
    except ValueError as exc:
        raise CodesiftError(str(exc)) from None
