"""`codesift data stats FILE`: rows per task, language, source, difficulty and domain, and what mining dropped."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from cli.context import stdout
from codesift.errors import CodesiftError


def stats(
    path: Path = typer.Argument(..., help="A training JSONL file."),
    as_json: bool = typer.Option(False, "--json", help="Print the counts as JSON."),
) -> None:
    """Show what a training set holds."""
    from trainer.data.rows import read_rows
    from trainer.data.stats import DataStats, dropped_table, read_report

    if not path.is_file():
        raise CodesiftError(f"no such file: {path}")
    try:
        rows = read_rows(path)
    except ValueError as exc:
        raise CodesiftError(str(exc)) from None
    counts = DataStats.of(rows)
    report = read_report(path)
    if as_json:
        stdout.print_json(json.dumps(counts.to_json() | ({"mining": report} if report else {})))
        return
    stdout.print(f"{path}: {counts.rows:,} rows, {counts.with_negatives:,} with hard negatives")
    for table in counts.tables():
        stdout.print(table)
    if report:
        stdout.print(dropped_table(report["dropped"]))
