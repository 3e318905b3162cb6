"""`codesift search "…"`: hybrid (default), dense or BM25 search over the index, as a table or JSON.

With `--task code2code` the query may be pasted code, a file, or
`path:start-end` in an indexed repository; its own chunk is never a hit.
"""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.syntax import Syntax

from cli import options
from cli.context import load_checked_embedder, settings_from, stdout, store_for
from codesift.embedding import TASKS
from codesift.errors import CodesiftError
from codesift.store import SearchFilter

PREVIEW_LINES = 15


def search(
    query: str = typer.Argument(..., help="Plain words; or code / a file / path:start-end with --task code2code."),
    task: str = typer.Option("nl2code", "--task", help=f"One of: {', '.join(TASKS)}."),
    mode: str = typer.Option("hybrid", "--mode", help="hybrid (dense + BM25, fused), dense or bm25."),
    repo: str = typer.Option(None, "--repo", help="Only this repository."),
    lang: str = typer.Option(None, "--lang", help="Only this language (python, go, markdown, …)."),
    path: str = typer.Option(None, "--path", help="Only paths matching this glob (e.g. 'src/**/*.py')."),
    kind: str = typer.Option(None, "--kind", help="Only this chunk kind (function, method, class, module, section, text)."),
    k: int = typer.Option(10, "-k", help="Number of hits."),
    rerank: str = typer.Option(None, "--rerank", help="Cross-encoder model (directory or hub id) to rerank the top hits."),
    as_json: bool = typer.Option(False, "--json", help="Print hits as a JSON list."),
    model: str = options.Model,
    home: Path = options.Home,
    qdrant_url: str = options.QdrantUrl,
    collection: str = options.Collection,
) -> None:
    """Search the indexed repositories."""
    from retriever.code_query import find_similar
    from retriever.rerank import load_reranker
    from retriever.search import MODES, Searcher

    if task not in TASKS:
        raise CodesiftError(f"unknown task {task!r}: use one of {', '.join(TASKS)}")
    if mode not in MODES:
        raise CodesiftError(f"unknown mode {mode!r}: use one of {', '.join(MODES)}")
    settings = settings_from(home, qdrant_url, collection)
    search_filter = SearchFilter(repo=repo, language=lang, path_glob=path, kind=kind)
    with store_for(settings) as store:
        if not store.exists():
            raise CodesiftError(f"no index {settings.collection!r} yet: run `codesift index PATH` first")
        searcher = Searcher(load_checked_embedder(store, model, settings), store, reranker=load_reranker(rerank))
        if task == "code2code":
            hits = find_similar(searcher, query, search_filter=search_filter, k=k, mode=mode)
        else:
            hits = searcher.search(query, task=task, mode=mode, search_filter=search_filter, k=k)
    if as_json:
        print(json.dumps([h.to_json() for h in hits], indent=1))
        return
    if not hits:
        stdout.print("no hits")
    for rank, hit in enumerate(hits, 1):
        found_by = "+".join(hit.signals)
        stdout.print(
            f"[bold]{rank}. {hit.repo}:{hit.path}:{hit.start_line}-{hit.end_line}[/]  {hit.symbol or hit.kind}"
            f"  [dim]{hit.score:.3f} {found_by}[/]"
        )
        stdout.print(Syntax(_first_lines(hit.code), hit.language or "text", line_numbers=True, start_line=hit.start_line))


def _first_lines(code: str, n: int = PREVIEW_LINES) -> str:
    lines = code.split("\n")
    return "\n".join(lines[:n] + (["…"] if len(lines) > n else []))
