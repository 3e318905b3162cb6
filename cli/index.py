"""`codesift index PATH|URL`: index (or incrementally re-index) a repository and summarise what happened."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from cli import options
from cli.context import console, load_checked_embedder, settings_from, store_for
from cli.progress import RichIndexProgress


def index(
    source: str = typer.Argument(..., help="Local directory, or git URL (https, ssh, git@host:owner/repo)."),
    name: str = typer.Option(None, "--name", help="Repository name in the index (default: directory or URL name)."),
    ref: str = typer.Option(None, "--ref", help="Branch or tag to clone (git URLs only)."),
    model: str = options.Model,
    precision: str = options.Precision,
    explain: bool = typer.Option(False, "--explain", help="List every skipped file with its reason."),
    max_file_kb: int = typer.Option(1000, "--max-file-kb", help="Skip files larger than this."),
    batch_size: int = typer.Option(64, "--batch-size", help="Embedding batch size."),
    home: Path = options.Home,
    qdrant_url: str = options.QdrantUrl,
    collection: str = options.Collection,
) -> None:
    """Index a repository: only changed files are re-embedded; an interrupted run resumes."""
    from indexer.pipeline import Indexer
    from indexer.sources import resolve_source

    settings = settings_from(home, qdrant_url, collection, precision=precision)
    with console.status(f"resolving {source}…"):
        repo = resolve_source(source, clones_dir=settings.clones_dir, ref=ref)
    with store_for(settings) as store:
        embedder = load_checked_embedder(store, model, settings)
        try:
            with RichIndexProgress() as progress:
                indexer = Indexer(embedder, store, batch_size=batch_size, progress=progress)
                report = indexer.index(repo, name=name, max_file_bytes=max_file_kb * 1024)
        except KeyboardInterrupt:
            console.print("everything written so far is kept: run the same command again to resume")
            raise
    _summarise(report, embedder, explain)


def _summarise(report, embedder, explain: bool) -> None:
    title = f"indexed {report.repo!r} with {embedder.name} ({embedder.precision}) in {report.seconds:.1f} s"
    table = Table(title=title, show_header=False)
    rows = [
        ("files walked", report.files_seen),
        ("files (re)indexed", report.files_indexed),
        ("files unchanged", report.files_unchanged),
        ("files removed", report.files_removed),
        ("chunks written", report.chunks_written),
        ("chunks over the model window, split", report.chunks_split),
        ("stale chunks deleted", report.chunks_deleted),
        ("chunks in index for this repo", report.chunks_total),
    ]
    for label, value in rows:
        table.add_row(label, str(value))
    skipped = sum(report.skipped.values())
    table.add_row("files skipped", f"{skipped}" + (f"  ({', '.join(f'{k} {v}' for k, v in report.skipped.most_common())})" if skipped else ""))
    console.print(table)
    if report.chunks_total == 0:
        console.print("[yellow]nothing searchable was indexed: check the skip reasons above (--explain lists files)[/]")
    if explain:
        for path, reason in report.skipped_files:
            console.print(f"  skipped  {reason:<16} {path}")
    elif skipped:
        console.print("[dim]--explain lists the skipped files[/]")
