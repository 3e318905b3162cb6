"""`codesift data mine SOURCE… -o FILE`: training pairs from repositories without an LLM, and a report."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from cli import options
from cli.context import console, settings_from
from cli.progress import progress_bar
from codesift.embedding.tasks import TASKS
from codesift.errors import CodesiftError


def mine(
    sources: list[str] = typer.Argument(..., help="Directories or git URLs to mine."),
    output: Path = typer.Option(..., "-o", "--output", help="JSONL file to write."),
    task: list[str] = typer.Option(None, "--task", help=f"Only these tasks (repeatable): {', '.join(TASKS)}."),
    commits: bool = typer.Option(True, "--commits/--no-commits", help="Also mine commit message → changed function."),
    max_commits: int = typer.Option(2000, "--max-commits", help="Commits to read per repository."),
    exclude: list[Path] = typer.Option(
        None, "--exclude", help="Evaluation sets (BEIR folders, or a folder of them) no pair may overlap (repeatable)."
    ),
    skip: list[str] = typer.Option(None, "--skip", help="Leave out paths matching this gitignore-style pattern (repeatable)."),
    max_file_kb: int = typer.Option(1000, "--max-file-kb", help="Skip files larger than this."),
    home: Path = options.Home,
) -> None:
    """Mine docstring/code, completion, commit and documentation pairs; drop test, vendored, duplicate and leaked ones."""
    from trainer.data.leakage import LeakageGuard
    from trainer.data.mining import mine as mine_sources
    from trainer.data.rows import write_rows
    from trainer.data.stats import DataStats, dropped_table, report_path

    unknown = sorted(set(task or ()) - set(TASKS))
    if unknown:
        raise CodesiftError(f"unknown task {unknown[0]!r}: use one of {', '.join(TASKS)}")
    guard = LeakageGuard.from_dirs(exclude) if exclude else None
    settings = settings_from(home, None, None)
    with progress_bar() as bar:
        tasks: dict[str, int] = {}

        def on_file(name: str, done: int, total: int) -> None:
            if name not in tasks:
                tasks[name] = bar.add_task(name, total=total)
            bar.update(tasks[name], completed=done)

        report = mine_sources(
            sources,
            clones_dir=settings.clones_dir,
            tasks=task or TASKS,
            commits=commits,
            max_commits=max_commits,
            guard=guard,
            max_file_bytes=max_file_kb * 1024,
            skip=skip or (),
            on_file=on_file,
        )
    write_rows(output, report.rows)
    summary = report.summary() | {"excluded_sets": guard.sets if guard else []}
    report_path(output).write_text(json.dumps(summary, indent=2))
    stats = DataStats.of(report.rows)
    console.print(stats.tables()[0])
    console.print(dropped_table(report.dropped))
    rate = len(report.rows) / report.seconds if report.seconds else 0.0
    console.print(
        f"wrote {len(report.rows):,} pairs from {report.files:,} files to {output} "
        f"in {report.seconds:.1f} s ({rate:.0f} pairs/s)"
        + (f"; {report.dropped['evaluation-set leakage']:,} dropped as evaluation-set leakage" if guard else "")
    )
