"""Seeds for synthesis: real functions and methods from repositories (tests and vendored code left out)."""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path

from indexer.chunker import chunk_file
from indexer.sources import resolve_source
from indexer.walker import read_source, walk_repo
from trainer.data.filters import code_reason, path_reason
from trainer.data.pairs import CODE_KINDS
from trainer.data.textnorm import norm_hash


@dataclass(frozen=True)
class Seed:
    code: str
    language: str
    path: str

    @property
    def key(self) -> str:
        return norm_hash(self.code)


def code_seeds(sources: list[str], *, clones_dir: Path, limit: int | None, seed: int = 0) -> list[Seed]:
    seeds: dict[str, Seed] = {}
    for source in sources:
        repo = resolve_source(source, clones_dir=clones_dir)
        for file in walk_repo(repo.root).files:
            if path_reason(file.path):
                continue
            try:
                text = read_source(file)
            except OSError:
                continue
            for chunk in chunk_file(repo.name, file.path, text):
                if chunk.kind in CODE_KINDS and not chunk.window and not code_reason(chunk.code):
                    candidate = Seed(chunk.code, chunk.language, f"{repo.name}/{file.path}")
                    seeds.setdefault(candidate.key, candidate)
    chosen = list(seeds.values())
    random.Random(seed).shuffle(chosen)
    return chosen[:limit] if limit else chosen
