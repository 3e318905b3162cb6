"""`codesift search "…"`: hybrid (default), dense or BM25 search over the index, as a table or JSON.

With `--task code2code` the query may be pasted code, a file, or `path:start-end` in an indexed
repository; its own chunk is never a hit. `--files` lists ranked files with their best chunks.
`--queries FILE.jsonl` answers one JSON object per line (`{"query", "task"?, "repo"?, "k"?, …}`) in one
process and prints one JSON line per query; a bad line gets an error object and the rest go on.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import typer
from rich.syntax import Syntax

from cli import options
from cli.context import load_checked_embedder, settings_from, stdout, store_for
from codesift.embedding import TASKS
from codesift.errors import CodesiftError

PREVIEW_LINES = 15
# Keys a batch line may set, and the request field each one fills.
LINE_KEYS = {"query": "query", "task": "task", "mode": "mode", "repo": "repo", "lang": "language", "language": "language",
             "path": "path_glob", "kind": "kind", "k": "k", "files": "files"}


def search(
    query: str = typer.Argument(None, help="Plain words; or code / a file / path:start-end with --task code2code."),
    task: str = typer.Option("nl2code", "--task", help=f"One of: {', '.join(TASKS)}."),
    mode: str = typer.Option("hybrid", "--mode", help="hybrid (dense + BM25, ranked), dense or bm25."),
    repo: str = typer.Option(None, "--repo", help="Only this repository."),
    lang: str = typer.Option(None, "--lang", help="Only this language (python, go, markdown, …)."),
    path: str = typer.Option(None, "--path", help="Only paths matching this glob (e.g. 'src/**/*.py')."),
    kind: str = typer.Option(None, "--kind", help="Only this chunk kind (function, method, class, module, section, text)."),
    k: int = typer.Option(10, "-k", help="Number of hits (or files)."),
    files: bool = typer.Option(False, "--files", help="Ranked files, each with its best chunks and lines."),
    queries: Path = typer.Option(None, "--queries", help="A JSONL file of queries: one JSON line of hits per query."),
    rerank: str = typer.Option(None, "--rerank", help="Cross-encoder model (directory or hub id) to rerank the top hits."),
    as_json: bool = typer.Option(False, "--json", help="Print hits as JSON."),
    model: str = options.Model,
    precision: str = options.Precision,
    home: Path = options.Home,
    qdrant_url: str = options.QdrantUrl,
    collection: str = options.Collection,
) -> None:
    """Search the indexed repositories."""
    from retriever.requests import SearchRequest, check_request, run_request
    from retriever.rerank import load_reranker
    from retriever.search import Searcher

    if (query is None) == (queries is None):
        raise CodesiftError("give one query, or --queries FILE.jsonl for many")
    defaults = SearchRequest(query or "", task, mode, repo, lang, path, kind, k, files)
    batch = _read_batch(queries) if queries is not None else None
    settings = settings_from(home, qdrant_url, collection, precision=precision)
    with store_for(settings) as store:
        if not store.exists():
            raise CodesiftError(f"no index {settings.collection!r} yet: run `codesift index PATH` first")
        if batch is None:
            check_request(store, defaults)  # before the model loads: a typo is said at once
        searcher = Searcher(load_checked_embedder(store, model, settings), store, reranker=load_reranker(rerank))
        if batch is not None:
            for number, line in batch:
                print(json.dumps(_answer_line(searcher, defaults, number, line)), flush=True)
            return
        found = run_request(searcher, defaults)
    if as_json:
        print(json.dumps([h.to_json() for h in found], indent=1))
    elif not found:
        stdout.print("no hits")
    elif files:
        _print_files(found)
    else:
        _print_hits(found)


def _read_batch(path: Path) -> list[tuple[int, str]]:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise CodesiftError(f"cannot read queries from {path}: {getattr(exc, 'strerror', None) or exc}") from None
    return [(n, line) for n, line in enumerate(text.splitlines(), 1) if line.strip()]


def _answer_line(searcher, defaults, number: int, line: str) -> dict:
    """One batch line's answer: `{query, hits}` (or `{query, files}`), or `{line, error}` for a bad line."""
    from retriever.requests import run_request

    try:
        fields = json.loads(line)
        if isinstance(fields, str):
            fields = {"query": fields}
        if not isinstance(fields, dict) or "query" not in fields:
            raise CodesiftError('each line must be a JSON object with a "query"')
        unknown = sorted(set(fields) - set(LINE_KEYS))
        if unknown:
            raise CodesiftError(f"unknown key {unknown[0]!r}: use {', '.join(LINE_KEYS)}")
        request = replace(defaults, **{LINE_KEYS[key]: value for key, value in fields.items()})
        _check_types(request)
        found = run_request(searcher, request)
    except json.JSONDecodeError as exc:
        return {"line": number, "error": f"not JSON: {exc.msg} at column {exc.colno}"}
    except CodesiftError as exc:
        return {"line": number, "error": str(exc)}
    key = "files" if request.files else "hits"
    return {"query": request.query, key: [h.to_json() for h in found]}


def _check_types(request) -> None:
    for field in ("query", "task", "mode", "repo", "language", "path_glob", "kind"):
        value = getattr(request, field)
        if value is not None and not isinstance(value, str):
            raise CodesiftError(f"{field} must be a string, not {json.dumps(value)}")
    if isinstance(request.k, bool) or not isinstance(request.k, int):
        raise CodesiftError(f"k must be a whole number, not {json.dumps(request.k)}")
    if not isinstance(request.files, bool):
        raise CodesiftError(f"files must be true or false, not {json.dumps(request.files)}")


def _print_hits(hits) -> None:
    for rank, hit in enumerate(hits, 1):
        stdout.print(
            f"[bold]{rank}. {hit.repo}:{hit.path}:{hit.start_line}-{hit.end_line}[/]  {hit.symbol or hit.kind}"
            f"  [dim]{hit.score:.3f} {'+'.join(hit.signals)}[/]"
        )
        stdout.print(Syntax(_first_lines(hit.code), hit.language or "text", line_numbers=True, start_line=hit.start_line))


def _print_files(found) -> None:
    for rank, file in enumerate(found, 1):
        stdout.print(f"[bold]{rank}. {file.repo}:{file.path}[/]  [dim]{file.score:.3f}[/]")
        for hit in file.hits:
            stdout.print(f"     {hit.start_line}-{hit.end_line}  {hit.symbol or hit.kind}  [dim]{'+'.join(hit.signals)}[/]")


def _first_lines(code: str, n: int = PREVIEW_LINES) -> str:
    lines = code.split("\n")
    return "\n".join(lines[:n] + (["…"] if len(lines) > n else []))
