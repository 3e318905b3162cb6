"""`codesift repos` and `codesift remove NAME`: list and delete indexed repositories."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from cli import options
from cli.context import console, settings_from, stdout, store_for
from codesift.store import SearchFilter


def repos(
    home: Path = options.Home,
    qdrant_url: str = options.QdrantUrl,
    collection: str = options.Collection,
) -> None:
    """List indexed repositories with chunk counts, model, the precision of their vectors and last commit."""
    settings = settings_from(home, qdrant_url, collection)
    with store_for(settings) as store:
        if not store.exists():
            console.print(f"no index {settings.collection!r} yet: run `codesift index PATH`")
            return
        meta = store.meta()
        table = Table(title=f"index {settings.collection!r} · model {meta.get('embedder', {}).get('model')}")
        for column in ("repo", "chunks", "files", "precision", "commit", "indexed at", "source"):
            table.add_column(column)
        for name, info in sorted(meta.get("repos", {}).items()):
            chunks = store.count(SearchFilter(repo=name))
            commit = (info.get("commit") or "")[:10] or "-"
            table.add_row(
                name, str(chunks), str(info.get("files", "")), info.get("precision", "fp32"), commit, info.get("indexed_at", ""),
                info.get("url") or info.get("root", ""),
            )
        stdout.print(table)


def remove(
    name: str = typer.Argument(..., help="Repository name, as `codesift repos` lists it."),
    home: Path = options.Home,
    qdrant_url: str = options.QdrantUrl,
    collection: str = options.Collection,
) -> None:
    """Remove a repository and all its chunks from the index."""
    from indexer.pipeline import remove_repo

    settings = settings_from(home, qdrant_url, collection)
    with store_for(settings) as store:
        remove_repo(store, name)
    console.print(f"removed {name!r} from index {settings.collection!r}")
