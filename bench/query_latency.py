"""Hybrid search latency over an index of ≥ 50,000 chunks, query embedding included.

The index holds the standard library (test folders excluded) and installed
site-packages, added package by package until the target chunk count is
reached. It is built once into --index-dir (reused on later runs: building
takes a while on a CPU) and then queried with a fixed set of natural-language
queries: p50 / p95 / mean of the whole `Searcher.search` call (embedding +
dense, BM25 and look-up searches in one round trip + the ranking stage + whole
definitions), plus the embedding alone and the dense + BM25 searches alone,
once per query encoder precision (the index is built in `auto`; bf16 and fp32
vectors agree to 0.9999, so any precision searches it).

Usage: python bench/query_latency.py [--index-dir bench/results/latency-index] [--min-chunks 50000] [--rounds 5]
       [--precisions fp32 bf16 int8] [--json FILE]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sysconfig
import time
from pathlib import Path

import torch

from codesift.embedding import load_embedder
from codesift.embedding.precision import resolve_precision
from codesift.store import VectorQuery
from codesift.store.base import DENSE, SPARSE
from codesift.store.edge import EdgeStore
from codesift.store.sparse import bm25_query
from indexer.pipeline import Indexer
from indexer.sources import resolve_source
from retriever.search import Searcher

QUERIES = [
    "parse a date string into a datetime object",
    "read a zip archive and list its members",
    "compute the sha256 digest of a file",
    "retry an http request after a timeout",
    "convert a dictionary to json with sorted keys",
    "find all files matching a glob pattern recursively",
    "escape html special characters",
    "decode base64 data",
    "start a thread pool and wait for all tasks",
    "normalize a unicode string",
    "parse command line arguments",
    "send an email over smtp",
    "compress bytes with gzip",
    "read a csv file into rows",
    "format a number with thousands separators",
    "create a temporary directory that is removed afterwards",
    "match a regular expression and extract groups",
    "open a sqlite database and run a query",
    "log a warning with a stack trace",
    "compare two version strings",
]


def build_index(directory: Path, min_chunks: int, embedder) -> int:
    stdlib = Path(sysconfig.get_paths()["stdlib"])
    sources = [("stdlib", stdlib)] + [
        (p.name, p) for p in sorted(Path(sysconfig.get_paths()["purelib"]).iterdir())
        if p.is_dir() and not p.name.endswith((".dist-info", ".egg-info")) and not p.name.startswith("_")
    ]
    with EdgeStore(directory, "latency") as store:
        indexer = Indexer(embedder, store)
        for name, root in sources:
            if store.exists() and store.count() >= min_chunks:
                break
            if store.exists() and name in store.meta().get("repos", {}):
                continue
            report = indexer.index(resolve_source(str(root), clones_dir=directory / "clones"), name=name)
            print(f"indexed {name}: {report.chunks_total} chunks ({report.seconds:.0f} s)", flush=True)
        return store.count()


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q / 100 * (len(ordered) - 1))))]


def summary(seconds: list[float]) -> dict:
    ms = [s * 1000 for s in seconds]
    return {"p50_ms": round(percentile(ms, 50), 1), "p95_ms": round(percentile(ms, 95), 1), "mean_ms": round(statistics.mean(ms), 1)}


def measure(store: EdgeStore, embedder, rounds: int) -> dict:
    searcher = Searcher(embedder, store)
    for query in QUERIES:  # warm-up: caches, lazy initialisation
        searcher.search(query, k=10)
    total, embed, engine = [], [], []
    for _ in range(rounds):
        for query in QUERIES:
            started = time.perf_counter()
            searcher.search(query, k=10)
            total.append(time.perf_counter() - started)
            started = time.perf_counter()
            vector = embedder.encode_queries([query])[0]
            embed.append(time.perf_counter() - started)
            started = time.perf_counter()
            store.search_batch([VectorQuery(DENSE, vector.tolist(), limit=50), VectorQuery(SPARSE, bm25_query(query), limit=50)])
            engine.append(time.perf_counter() - started)
    return {"queries": len(total), "search": summary(total), "query_embedding": summary(embed), "store_dense_and_bm25": summary(engine)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index-dir", type=Path, default=Path("bench/results/latency-index"))
    parser.add_argument("--min-chunks", type=int, default=50_000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--precisions", nargs="+", default=["fp32", "bf16", "int8"], help="query encoder precisions to time")
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()

    chunks = build_index(args.index_dir, args.min_chunks, load_embedder("minilm", precision="auto"))
    results = {
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, torch threads {torch.get_num_threads()}",
        "chunks": chunks,
        "index_precision": resolve_precision("auto"),
    }
    with EdgeStore(args.index_dir, "latency") as store:
        for precision in args.precisions:
            embedder = load_embedder("minilm", precision=precision, home=args.index_dir.parent)
            results[precision] = measure(store, embedder, args.rounds) | {"ran_as": embedder.precision}
            print(precision, json.dumps(results[precision]), flush=True)
    print(json.dumps(results, indent=1))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
