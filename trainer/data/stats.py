"""What a training set holds: rows per task, language, source, difficulty and curriculum domain.

`codesift data mine` writes its report (what was dropped and why) beside the
set as `FILE.report.json`; `codesift data stats` shows both.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from rich.table import Table

from trainer.data.rows import TrainingRow, domain

FACETS = ("task", "language", "source", "difficulty", "domain")


def report_path(path: Path) -> Path:
    return path.with_name(path.name + ".report.json")


@dataclass
class DataStats:
    rows: int = 0
    counts: dict[str, Counter] = field(default_factory=lambda: {facet: Counter() for facet in FACETS})
    with_negatives: int = 0
    negatives: int = 0

    @classmethod
    def of(cls, rows: list[TrainingRow]) -> DataStats:
        stats = cls(rows=len(rows))
        for row in rows:
            stats.counts["task"][row.task] += 1
            stats.counts["language"][row.language or "unknown"] += 1
            stats.counts["source"][row.source or "unknown"] += 1
            stats.counts["difficulty"][row.difficulty or "unlabelled"] += 1
            stats.counts["domain"][domain(row)] += 1
            stats.with_negatives += bool(row.negatives)
            stats.negatives += len(row.negatives)
        return stats

    def to_json(self) -> dict:
        return {
            "rows": self.rows,
            "rows_with_negatives": self.with_negatives,
            "mean_negatives": round(self.negatives / self.rows, 2) if self.rows else 0.0,
            **{facet: dict(counter.most_common()) for facet, counter in self.counts.items()},
        }

    def tables(self) -> list[Table]:
        tables = []
        for facet, counter in self.counts.items():
            table = Table(title=f"rows per {facet}", title_justify="left")
            table.add_column(facet)
            table.add_column("rows", justify="right")
            table.add_column("share", justify="right")
            for key, count in counter.most_common():
                table.add_row(key, f"{count:,}", f"{100 * count / max(self.rows, 1):.1f}%")
            tables.append(table)
        return tables


def dropped_table(dropped: dict[str, int]) -> Table:
    table = Table(title="dropped candidates", title_justify="left")
    table.add_column("reason")
    table.add_column("count", justify="right")
    for reason, count in sorted(dropped.items(), key=lambda item: -item[1]):
        table.add_row(reason, f"{count:,}")
    return table


def read_report(path: Path) -> dict | None:
    sidecar = report_path(path)
    return json.loads(sidecar.read_text()) if sidecar.is_file() else None
