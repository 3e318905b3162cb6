"""Retrieval quality of embedders on BEIR sets: exact dense ranking, a BM25 baseline, tables and a bar chart.

Dense: every document encoded with the set's task document prefix, every
query with its query prefix, exact cosine top 10. BM25: bm25s over code-aware
tokens. Metrics (nDCG@10, MRR@10, Recall@10, in %) come from
`codesift.evaluation`. Corpus embeddings are cached per model and set under
CODESIFT_HOME/eval-cache, keyed by the model's weights file and the set's
content, so the base model is embedded once.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
from rich.table import Table

from codesift.embedding.int8 import weights_signature
from codesift.evaluation import BeirSet, evaluate_rankings, load_beir
from codesift.evaluation.lexical import BM25Index

K = 10
METRICS = ("ndcg@10", "mrr@10", "recall@10")


def dense_rankings(embedder, beir: BeirSet, cache_dir: Path | None = None, batch_size: int = 64) -> dict[str, list[str]]:
    doc_ids = list(beir.corpus)
    documents = _cached(cache_dir, embedder, beir, lambda: embedder.encode_documents(
        [beir.corpus[d] for d in doc_ids], task=beir.task, batch_size=batch_size))
    query_ids = list(beir.queries)
    queries = embedder.encode_queries([beir.queries[q] for q in query_ids], task=beir.task, batch_size=batch_size)
    scores = queries @ documents.T
    top = np.argsort(-scores, axis=1)[:, :K]
    return {qid: [doc_ids[j] for j in top[i]] for i, qid in enumerate(query_ids)}


def evaluate(embedder, beir: BeirSet, batch_size: int = 64, cache_dir: Path | None = None) -> dict[str, float]:
    """nDCG@10, MRR@10 and Recall@10 (in %) of exact dense retrieval with this embedder."""
    return evaluate_rankings(dense_rankings(embedder, beir, cache_dir, batch_size), beir.qrels)


def bm25_rankings(beir: BeirSet) -> dict[str, list[str]]:
    doc_ids = list(beir.corpus)
    index = BM25Index([beir.corpus[d] for d in doc_ids])
    query_ids = list(beir.queries)
    ids, _ = index.search([beir.queries[q] for q in query_ids], K)
    return {qid: [doc_ids[j] for j in ids[i]] for i, qid in enumerate(query_ids)}


def evaluate_sets(embedders: dict[str, object], dirs: list[Path], *, bm25: bool = True,
                  cache_dir: Path | None = None, report=lambda message: None) -> dict[str, dict[str, dict[str, float]]]:
    """{set name: {column name: metrics}} for every embedder (and "bm25") on every set."""
    results: dict[str, dict[str, dict[str, float]]] = {}
    for number, directory in enumerate(dirs, 1):
        beir = load_beir(directory)
        row = {}
        for name, embedder in embedders.items():
            report(f"set {number}/{len(dirs)} {beir.name} ({len(beir.queries):,} queries, "
                   f"{len(beir.corpus):,} documents): {name}")
            row[name] = evaluate(embedder, beir, cache_dir=cache_dir)
        if bm25:
            row["bm25"] = evaluate_rankings(bm25_rankings(beir), beir.qrels)
        results[beir.name] = row
    return results


def metric_table(results: dict, metric: str, title: str) -> Table:
    """Sets as rows, one column per model (and BM25), the average last; Δ model−base when both are there."""
    columns = list(next(iter(results.values())))
    delta = "base" in columns and "model" in columns
    table = Table(title=title, title_justify="left")
    table.add_column("set")
    for column in columns:
        table.add_column(column, justify="right")
    if delta:
        table.add_column("Δ model−base", justify="right")
    for name, row in [*results.items(), ("average", average(results))]:
        cells = [f"{row[c][metric]:.2f}" for c in columns]
        if delta:
            cells.append(f"{row['model'][metric] - row['base'][metric]:+.2f}")
        table.add_row(name, *cells, style="bold" if name == "average" else None)
    return table


def average(results: dict) -> dict[str, dict[str, float]]:
    columns = list(next(iter(results.values())))
    return {c: {m: float(np.mean([row[c][m] for row in results.values()])) for m in METRICS} for c in columns}


def plot(results: dict, path: Path, metric: str = "ndcg@10") -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    sets = [*results, "average"]
    rows = {**results, "average": average(results)}
    columns = list(next(iter(results.values())))
    width = 0.8 / len(columns)
    fig, ax = plt.subplots(figsize=(1.6 * len(sets) + 2, 4))
    for i, column in enumerate(columns):
        xs = [s + (i - (len(columns) - 1) / 2) * width for s in range(len(sets))]
        bars = ax.bar(xs, [rows[s][column][metric] for s in sets], width, label=column)
        ax.bar_label(bars, fmt="%.1f", fontsize=7)
    ax.set_xticks(range(len(sets)), sets)
    ax.set_ylabel(metric)
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def _cached(cache_dir: Path | None, embedder, beir: BeirSet, compute) -> np.ndarray:
    if cache_dir is None:
        return compute()
    key = hashlib.sha1()
    key.update(_model_fingerprint(embedder).encode())
    key.update(beir.task.encode())
    for doc_id, text in beir.corpus.items():
        key.update(doc_id.encode() + b"\0" + text.encode("utf-8", "surrogatepass") + b"\0")
    path = cache_dir / f"{beir.name}-{key.hexdigest()[:16]}.npy"
    if path.is_file():
        return np.load(path)
    vectors = compute()
    cache_dir.mkdir(parents=True, exist_ok=True)
    np.save(path, vectors)
    return vectors


def _model_fingerprint(embedder) -> str:
    """The model's identity: its weight files' sizes and times, its prompts, its dimension, its precision."""
    parts = [embedder.name, str(embedder.dim), repr(sorted(embedder.prompts.as_dict().items())), embedder.precision]
    return "|".join(parts + weights_signature(embedder.model))
