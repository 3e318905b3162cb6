"""`codesift eval --model M --data DIR…`: nDCG@10, MRR@10, Recall@10 per set, base vs trained vs BM25."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from cli import options
from cli.context import console, settings_from, stdout


def evaluate(
    model: str = typer.Option(..., "--model", help="The model to evaluate: directory, preset or hub id."),
    data: list[Path] = typer.Option(..., "--data", help="BEIR set folders, or a folder of them (repeatable)."),
    base: str = typer.Option("minilm", "--base", help="Model to compare against; 'none' for no comparison."),
    bm25: bool = typer.Option(True, "--bm25/--no-bm25", help="Add the BM25 baseline."),
    json_path: Path = typer.Option(None, "--json", help="Write all metrics to this JSON file."),
    plot_path: Path = typer.Option(None, "--plot", help="Draw an nDCG@10 bar chart to this PNG file."),
    precision: str = options.Precision,
    home: Path = options.Home,
) -> None:
    """Evaluate retrieval quality on BEIR-format sets."""
    from codesift.embedding import load_embedder
    from trainer.data.leakage import beir_dirs
    from trainer.evaluate import METRICS, evaluate_sets, metric_table, plot

    settings = settings_from(home, None, None, precision=precision)
    dirs = beir_dirs(data)
    embedders = {}
    with console.status("loading models…"):
        if base != "none":
            embedders["base"] = load_embedder(base, precision=settings.precision, home=settings.home)
        embedders["model"] = load_embedder(model, precision=settings.precision, home=settings.home)
    cache = settings.home / "eval-cache"
    with console.status(f"evaluating on {len(dirs)} set(s)…") as status:
        results = evaluate_sets(embedders, dirs, bm25=bm25, cache_dir=cache, report=lambda m: status.update(f"{m}…"))
    for metric in METRICS:
        stdout.print(metric_table(results, metric, f"{metric} — base: {base}, model: {model}"))
    if json_path:
        json_path.write_text(json.dumps({"model": model, "base": base, "results": results}, indent=2))
    if plot_path:
        plot(results, plot_path)
        console.print(f"chart written to {plot_path}")
