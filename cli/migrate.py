"""`codesift migrate --to URL`: copy the embedded index onto a Qdrant server without re-embedding."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import typer

from cli import options
from cli.context import console, settings_from, store_for
from cli.progress import progress_bar
from codesift.store.migrate import migrate as copy_index


def migrate(
    to: str = typer.Option(..., "--to", help="Qdrant server to copy the index to, e.g. http://localhost:6333."),
    home: Path = options.Home,
    collection: str = options.Collection,
) -> None:
    """Copy the embedded index (vectors and payloads) to a Qdrant server and verify the chunk counts."""
    settings = settings_from(home, None, collection)
    with store_for(replace(settings, qdrant_url=None)) as source:
        total = source.count()  # one line, before any server is contacted, when there is no index
        with store_for(replace(settings, qdrant_url=to)) as target, progress_bar() as bar:
            task = bar.add_task("copying", total=total)
            report = copy_index(source, target, on_batch=lambda n: bar.advance(task, n))
    console.print(
        f"copied {report.points} chunks of {len(report.repos)} repositories from the embedded index "
        f"{settings.collection!r} to collection {settings.collection!r} at {to}; the counts match. "
        f"Use it with --qdrant-url {to} (or CODESIFT_QDRANT_URL={to})."
    )
