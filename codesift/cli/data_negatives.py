"""`codesift data negatives IN -o OUT`: hard negatives (TopK-PercPos, dense + BM25) and difficulty labels."""

from __future__ import annotations

from pathlib import Path

import typer

from codesift.cli.context import console
from codesift.cli.progress import progress_bar
from codesift.errors import CodesiftError


def negatives(
    source: Path = typer.Argument(..., help="Training JSONL to add negatives to."),
    output: Path = typer.Option(..., "-o", "--output", help="JSONL file to write."),
    model: str = typer.Option("minilm", "--model", help="Embedder that scores candidates and ranks positives."),
    count: int = typer.Option(15, "--count", help="Hard negatives per row (CodeR: 15)."),
    perc_pos: float = typer.Option(0.95, "--perc-pos", help="Drop candidates scoring above this share of the positive."),
    candidates: int = typer.Option(50, "--candidates", help="Dense and BM25 candidates considered per query."),
    bm25: bool = typer.Option(True, "--bm25/--no-bm25", help="Add BM25 candidates to the dense ones."),
    difficulty: bool = typer.Option(True, "--difficulty/--no-difficulty", help="Label easy/medium/hard from the positive's rank."),
    batch_size: int = typer.Option(64, "--batch-size", help="Embedding batch size."),
) -> None:
    """Mine hard negatives for every row and label its difficulty."""
    from codesift.embedding import load_embedder
    from trainer.data.negatives import mine_negatives
    from trainer.data.rows import read_rows, write_rows

    if not source.is_file():
        raise CodesiftError(f"no such file: {source}")
    if not 0 < perc_pos <= 1:
        raise CodesiftError(f"--perc-pos must be in (0, 1], got {perc_pos}")
    try:
        rows = read_rows(source)
    except ValueError as exc:
        raise CodesiftError(str(exc)) from None
    with console.status("loading embedding model…"):
        embedder = load_embedder(model)
    with progress_bar() as bar:
        stages: dict[str, int] = {}

        def progress(stage: str, done: int, total: int) -> None:
            if stage not in stages:
                stages[stage] = bar.add_task(stage, total=total)
            bar.update(stages[stage], completed=done, total=total)

        report = mine_negatives(
            rows,
            embedder,
            count=count,
            perc_pos=perc_pos,
            candidates=candidates,
            bm25=bm25,
            label_difficulty=difficulty,
            batch_size=batch_size,
            progress=progress,
        )
    write_rows(output, report.rows)
    labels = ", ".join(f"{k} {v:,}" for k, v in report.difficulty.most_common())
    console.print(
        f"wrote {len(rows):,} rows to {output} in {report.seconds:.1f} s: {report.mean_negatives:.1f} negatives per row "
        f"({report.short:,} rows with fewer than {count}); difficulty: {labels}"
    )
