"""`codesift data negatives IN -o OUT`: hard negatives (TopK-PercPos, dense + BM25) and difficulty labels.

Difficulty comes from the positive's rank under the embedder; with
`--llm-difficulty` an LLM judge's easy/medium/hard label replaces it where the
judge gives one (CodeR uses the LLM's label for its last curriculum stage).
`--max-rank N` keeps only rows whose positive the embedder ranks in its top N
(the consistency filter for synthesized pairs).
"""

from __future__ import annotations

from pathlib import Path

import typer

from cli import options
from cli.context import console, settings_from
from cli.progress import progress_bar
from codesift.errors import CodesiftError


def negatives(
    source: Path = typer.Argument(..., help="Training JSONL to add negatives to."),
    output: Path = typer.Option(..., "-o", "--output", help="JSONL file to write."),
    model: str = typer.Option(
        "minilm", "--model", help="Embedder that scores candidates and ranks positives (preset or directory)."
    ),
    count: int = typer.Option(15, "--count", help="Hard negatives per row (CodeR: 15)."),
    perc_pos: float = typer.Option(0.95, "--perc-pos", help="Drop candidates scoring above this share of the positive."),
    candidates: int = typer.Option(50, "--candidates", help="Dense and BM25 candidates considered per query."),
    max_rank: int = typer.Option(
        0, "--max-rank", min=0, help="Drop rows whose positive the embedder ranks below this (0: keep all)."
    ),
    bm25: bool = typer.Option(True, "--bm25/--no-bm25", help="Add BM25 candidates to the dense ones."),
    difficulty: bool = typer.Option(
        True, "--difficulty/--no-difficulty", help="Label easy/medium/hard from the positive's rank."
    ),
    overwrite_difficulty: bool = typer.Option(
        False, "--overwrite-difficulty", help="Relabel rows that already have a difficulty."
    ),
    llm_difficulty: bool = typer.Option(False, "--llm-difficulty", help="Let the configured LLM judge label difficulty."),
    concurrency: int = typer.Option(4, "--concurrency", help="Parallel LLM requests for --llm-difficulty."),
    batch_size: int = typer.Option(64, "--batch-size", help="Embedding batch size."),
    precision: str = options.Precision,
    home: Path = options.Home,
) -> None:
    """Mine hard negatives for every row and label its difficulty."""
    from codesift.embedding import load_embedder
    from codesift.llm import LLMSettings
    from trainer.data.negatives import mine_negatives
    from trainer.data.rows import read_rows, write_rows

    if not source.is_file():
        raise CodesiftError(f"no such file: {source}")
    if not 0 < perc_pos <= 1:
        raise CodesiftError(f"--perc-pos must be in (0, 1], got {perc_pos}")
    if count < 1 or candidates < 1:
        raise CodesiftError("--count and --candidates must be at least 1")
    try:
        rows = read_rows(source)
    except ValueError as exc:
        raise CodesiftError(str(exc)) from None
    if not rows:
        raise CodesiftError(f"no training rows in {source}")
    settings = settings_from(home, None, None, precision=precision)
    unlabelled = [row for row in rows if overwrite_difficulty or not row.difficulty]
    llm = LLMSettings().require() if llm_difficulty else None  # before minutes of embedding, not after
    with console.status("loading embedding model…"):
        embedder = load_embedder(model, precision=settings.precision, home=settings.home)
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
            overwrite_difficulty=overwrite_difficulty,
            max_rank=max_rank,
            batch_size=batch_size,
            progress=progress,
        )
    kept = {id(row) for row in report.rows}
    unlabelled = [row for row in unlabelled if id(row) in kept]
    if llm and unlabelled:
        _judge(unlabelled, llm, concurrency, settings.home / "llm-cache")
    write_rows(output, report.rows)
    labels = ", ".join(f"{k} {v:,}" for k, v in report.difficulty.most_common())
    dropped = f", {report.inconsistent:,} dropped (positive ranked below {max_rank})" if max_rank else ""
    console.print(
        f"wrote {len(report.rows):,} rows to {output} in {report.seconds:.1f} s{dropped}: "
        f"{report.mean_negatives:.1f} negatives per row ({report.short:,} rows with fewer than {count}); difficulty: {labels}"
    )


def _judge(rows, settings, concurrency: int, cache_dir: Path) -> None:
    """Replace rank labels with the LLM judge's, for the rows it labels."""
    from trainer.data.rows import DIFFICULTIES
    from trainer.data.synth.judge import judge_difficulty

    labels = judge_difficulty(rows, settings, concurrency=concurrency, cache_dir=cache_dir)
    for row, label in zip(rows, labels, strict=True):
        if label and label in DIFFICULTIES:
            row.difficulty = label
