"""The leakage guard: no training pair may contain a query or document of an evaluation set.

Evaluation sets are BEIR folders (../shared/data) and repository benchmarks in
repobench's layout (repos.json + annotations/NAME.json, whose queries count;
their answers are files of public repositories). Every query and document is
remembered by two hashes — whitespace-collapsed and case-folded text, and the
same with all whitespace removed (reformatted code) — and a row whose query,
positive or any negative matches one is dropped. Only hashes are kept: nothing
of an evaluation set is ever written out.
"""

from __future__ import annotations

import json
from pathlib import Path

from codesift.errors import CodesiftError
from codesift.evaluation import load_beir
from trainer.data.rows import TrainingRow
from trainer.data.textnorm import compact_hash, norm_hash


def beir_dirs(paths: list[Path | str]) -> list[Path]:
    """BEIR folders named directly, or found one level below a folder holding several."""
    found: list[Path] = []
    for path in map(Path, paths):
        if not path.is_dir():
            raise CodesiftError(f"no such evaluation set folder: {path}")
        if (path / "corpus.jsonl").is_file():
            found.append(path)
        elif subsets := sorted(p for p in path.iterdir() if (p / "corpus.jsonl").is_file()):
            found.extend(subsets)
        else:
            raise CodesiftError(f"not an evaluation set (no corpus.jsonl in it or below it): {path}")
    return found


def _texts(path: Path) -> list[str]:
    with path.open(encoding="utf-8") as lines:
        return [json.loads(line).get("text", "") for line in lines if line.strip()]


def is_repobench(path: Path) -> bool:
    """A repository benchmark folder: repos.json beside annotations/*.json."""
    return (path / "repos.json").is_file() and (path / "annotations").is_dir()


def repobench_queries(path: Path) -> list[str]:
    """Every query of a repository benchmark folder."""
    queries: list[str] = []
    for file in sorted((path / "annotations").glob("*.json")):
        try:
            entries = json.loads(file.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise CodesiftError(f"cannot read repository benchmark annotations {file}: {exc}") from None
        queries.extend(str(e.get("query", "")) for e in entries if isinstance(e, dict))
    return queries


class LeakageGuard:
    def __init__(self, texts: list[str] = ()) -> None:
        self._hashes: set[str] = set()
        self.sets: list[str] = []
        self.add(texts)

    @classmethod
    def from_dirs(cls, paths: list[Path | str]) -> LeakageGuard:
        guard = cls()
        for path in map(Path, paths):
            benchmarks = [path] if is_repobench(path) else sorted(p for p in path.glob("*/") if is_repobench(p))
            for benchmark in benchmarks:
                guard.add(repobench_queries(benchmark))
                guard.sets.append(benchmark.name)
        for directory in beir_dirs([p for p in map(Path, paths) if not is_repobench(p)]):
            beir = load_beir(directory)  # validates the folder
            guard.add([*beir.queries.values(), *beir.corpus.values()])
            guard.add(_texts(directory / "queries.jsonl"))  # queries without qrels and untitled documents too
            guard.add(_texts(directory / "corpus.jsonl"))
            guard.sets.append(beir.name)
        return guard

    def add(self, texts) -> None:
        for text in texts:
            if text.strip():
                self._hashes.add(norm_hash(text))
                self._hashes.add(compact_hash(text))

    def __bool__(self) -> bool:
        return bool(self._hashes)

    def matches(self, text: str) -> bool:
        return norm_hash(text) in self._hashes or compact_hash(text) in self._hashes

    def leaks(self, row: TrainingRow) -> bool:
        return any(self.matches(text) for text in (row.query, row.positive, *row.negatives))
