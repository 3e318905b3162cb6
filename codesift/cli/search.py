"""`codesift search "…"`: natural-language or code search over the index, as a table or JSON."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.syntax import Syntax

from codesift.cli import options
from codesift.cli.context import load_checked_embedder, settings_from, stdout, store_for
from codesift.embedding import TASKS
from codesift.errors import CodesiftError
from codesift.store import SearchFilter

PREVIEW_LINES = 15


def search(
    query: str = typer.Argument(..., help="What you are looking for, in plain words (or code, with --task code2code)."),
    task: str = typer.Option("nl2code", "--task", help=f"One of: {', '.join(TASKS)}."),
    repo: str = typer.Option(None, "--repo", help="Only this repository."),
    lang: str = typer.Option(None, "--lang", help="Only this language (python, go, markdown, …)."),
    path: str = typer.Option(None, "--path", help="Only paths matching this glob (e.g. 'src/**/*.py')."),
    kind: str = typer.Option(None, "--kind", help="Only this chunk kind (function, method, class, module, section, text)."),
    k: int = typer.Option(10, "-k", help="Number of hits."),
    as_json: bool = typer.Option(False, "--json", help="Print hits as a JSON list."),
    model: str = options.Model,
    home: Path = options.Home,
    qdrant_url: str = options.QdrantUrl,
    collection: str = options.Collection,
) -> None:
    """Search the indexed repositories."""
    from retriever.search import dense_search

    if task not in TASKS:
        raise CodesiftError(f"unknown task {task!r}: use one of {', '.join(TASKS)}")
    settings = settings_from(home, qdrant_url, collection)
    with store_for(settings) as store:
        if not store.exists():
            raise CodesiftError(f"no index {settings.collection!r} yet: run `codesift index PATH` first")
        embedder = load_checked_embedder(store, model, settings)
        hits = dense_search(
            query, embedder, store, task=task, k=k, search_filter=SearchFilter(repo=repo, language=lang, path_glob=path, kind=kind)
        )
    if as_json:
        print(json.dumps([h.to_json() for h in hits], indent=1))
        return
    if not hits:
        stdout.print("no hits")
    for rank, hit in enumerate(hits, 1):
        title = f"[bold]{rank}. {hit.repo}:{hit.path}:{hit.start_line}-{hit.end_line}[/]  {hit.symbol or hit.kind}  [dim]{hit.score:.3f}[/]"
        stdout.print(title)
        stdout.print(Syntax(_first_lines(hit.code), hit.language or "text", line_numbers=True, start_line=hit.start_line))


def _first_lines(code: str, n: int = PREVIEW_LINES) -> str:
    lines = code.split("\n")
    return "\n".join(lines[:n] + (["…"] if len(lines) > n else []))
