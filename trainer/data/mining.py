"""`codesift data mine`: repositories → clean, deduplicated training pairs, and a report of what was dropped.

Each source (a local directory or a git URL) is walked with the indexer's
walker (ignore rules, vendored and generated files skipped), chunked with the
indexer's tree-sitter chunker, turned into candidate pairs (`trainer.data.pairs`,
and `trainer.data.commits` for git history), then filtered: test and vendored
paths, the leakage guard against evaluation sets, repeated queries, and exact
or near-duplicate positives per task.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from codesift.embedding.tasks import TASKS
from pathspec import GitIgnoreSpec

from indexer.chunker import chunk_file
from indexer.sources import resolve_source
from indexer.walker import read_source, walk_repo
from trainer.data.commits import commit_pairs
from trainer.data.dedup import Deduplicator
from trainer.data.filters import path_reason
from trainer.data.leakage import LeakageGuard
from trainer.data.pairs import Candidate, chunk_pairs
from trainer.data.rows import TrainingRow
from trainer.data.textnorm import norm_hash

FileProgress = Callable[[str, int, int], None]  # (source name, files done, files in this source)


@dataclass
class MiningReport:
    rows: list[TrainingRow] = field(default_factory=list)
    dropped: Counter = field(default_factory=Counter)
    per_source: dict[str, int] = field(default_factory=dict)
    files: int = 0
    seconds: float = 0.0

    def summary(self) -> dict:
        return {
            "rows": len(self.rows),
            "dropped": dict(self.dropped.most_common()),
            "per_source": self.per_source,
            "files": self.files,
            "seconds": round(self.seconds, 2),
        }


class PairFilter:
    """The last gate every candidate passes: leakage, repeated queries, duplicate positives."""

    def __init__(self, guard: LeakageGuard | None, report: MiningReport) -> None:
        self.guard = guard
        self.report = report
        self._positives: dict[str, Deduplicator] = {}
        self._queries: set[tuple[str, str]] = set()

    def offer(self, candidate: Candidate) -> bool:
        if isinstance(candidate, str):
            self.report.dropped[candidate] += 1
            return False
        row = candidate
        if self.guard and self.guard.leaks(row):
            self.report.dropped["evaluation-set leakage"] += 1
            return False
        query_key = (row.task, norm_hash(row.query))
        if query_key in self._queries:
            self.report.dropped["repeated query"] += 1
            return False
        if row.task not in self._positives:
            self._positives[row.task] = Deduplicator()
        if reason := self._positives[row.task].seen(row.positive):
            self.report.dropped[reason] += 1
            return False
        self._queries.add(query_key)
        self.report.rows.append(row)
        return True


def mine(
    sources: Iterable[str],
    *,
    clones_dir: Path,
    tasks: Iterable[str] = TASKS,
    commits: bool = True,
    max_commits: int = 2000,
    guard: LeakageGuard | None = None,
    max_file_bytes: int = 1_000_000,
    skip: Iterable[str] = (),
    on_file: FileProgress | None = None,
) -> MiningReport:
    started = time.perf_counter()
    tasks = frozenset(tasks)
    skipped = GitIgnoreSpec.from_lines(list(skip)) if skip else None
    report = MiningReport()
    gate = PairFilter(guard, report)
    for source in sources:
        repo = resolve_source(source, clones_dir=clones_dir)
        before = len(report.rows)
        walk = walk_repo(repo.root, max_file_bytes=max_file_bytes)
        for reason, count in walk.skipped.items():
            report.dropped[f"skipped path: {reason}"] += count
        files = walk.files
        for done, file in enumerate(files, 1):
            if on_file:
                on_file(repo.name, done, len(files))
            if skipped and skipped.match_file(file.path):
                report.dropped["skipped path: --skip"] += 1
                continue
            if reason := path_reason(file.path):
                report.dropped[reason] += 1
                continue
            try:
                text = read_source(file)
            except OSError:
                report.dropped["unreadable file"] += 1
                continue
            report.files += 1
            for chunk in chunk_file(repo.name, file.path, text):
                for candidate in chunk_pairs(chunk, tasks):
                    gate.offer(candidate)
        if commits and "nl2code" in tasks:
            for candidate in commit_pairs(repo.root, repo_name=repo.name, max_commits=max_commits):
                gate.offer(candidate)
        report.per_source[repo.name] = report.per_source.get(repo.name, 0) + len(report.rows) - before
    report.seconds = time.perf_counter() - started
    return report
