"""Concurrent search load on one embedded index: N client threads in one process share one `Searcher`.

For each client count, every thread runs hybrid searches (query embedding
included) back to back for `--seconds`, cycling through the fixed queries of
`query_latency.py`; the run reports searches per second, p50 / p95 latency,
errors, and p95 relative to one client. Nothing leaves the process: no server,
no network. `--embed-lock` makes the threads take turns at the query encoder
`--encoders` compares, in one run, how concurrent searches encode their queries: `batched` (the
embedder's own micro-batching: queries that arrive during a forward pass share the next one),
`separate` (one pass per search, all at once) and `lock` (one pass per search, one at a time);
`--torch-threads` sets torch's intra-op threads.

Build the index first, e.g.:
    CODESIFT_HOME=/tmp/load-home codesift index /usr/lib/python3.11/json   (and email, http)
Usage: python bench/load.py --home /tmp/load-home [--collection codesift] [--clients 1 2 4 8]
       [--seconds 20] [--torch-threads 1] [--encoders batched separate lock] [--json FILE]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import threading
import time
from pathlib import Path

import torch
from query_latency import QUERIES

from codesift.embedding import load_embedder
from codesift.store.edge import EdgeStore
from retriever.search import Searcher


class SeparatePasses:
    """The embedder without query batching: every search runs its own forward pass, concurrently."""

    def __init__(self, embedder):
        self._embedder = embedder

    def __getattr__(self, name):
        return getattr(self._embedder, name)

    def encode_query(self, text: str, task: str = "nl2code"):
        return self._embedder.encode_queries([text], task=task)[0]


class TurnTaking(SeparatePasses):
    """One forward pass per search, one at a time behind a lock."""

    def __init__(self, embedder):
        super().__init__(embedder)
        self._lock = threading.Lock()

    def encode_query(self, text: str, task: str = "nl2code"):
        with self._lock:
            return super().encode_query(text, task)


ENCODERS = {"batched": lambda e: e, "separate": SeparatePasses, "lock": TurnTaking}


def run_clients(searcher: Searcher, clients: int, seconds: float) -> dict:
    latencies: list[float] = []
    errors: list[str] = []
    deadline = time.monotonic() + seconds

    def client(offset: int) -> None:
        i = offset
        while time.monotonic() < deadline:
            query = QUERIES[i % len(QUERIES)]
            started = time.perf_counter()
            try:
                searcher.search(query, k=10)
            except Exception as exc:  # counted and reported, the load goes on
                errors.append(f"{type(exc).__name__}: {exc}")
            else:
                latencies.append(time.perf_counter() - started)  # list.append is atomic under the GIL
            i += 1

    threads = [threading.Thread(target=client, args=(n * 3,)) for n in range(clients)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    ordered = sorted(latencies)
    return {
        "clients": clients,
        "searches": len(latencies),
        "per_second": len(latencies) / elapsed,
        "p50_ms": 1000 * statistics.median(ordered) if ordered else None,
        "p95_ms": 1000 * ordered[int(0.95 * (len(ordered) - 1))] if ordered else None,
        "errors": len(errors),
        "first_error": errors[0] if errors else None,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", type=Path, required=True, help="CODESIFT_HOME holding the index")
    parser.add_argument("--collection", default="codesift")
    parser.add_argument("--clients", type=int, nargs="+", default=[1, 2, 4, 8])
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--torch-threads", type=int, default=None, help="torch intra-op threads (default: torch's own)")
    parser.add_argument("--encoders", nargs="+", choices=list(ENCODERS), default=list(ENCODERS))
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args()

    if args.torch_threads:
        torch.set_num_threads(args.torch_threads)
    results = {}
    with EdgeStore(args.home / "indexes" / args.collection, args.collection) as store:
        model = store.meta()["embedder"]["model"]
        embedder = load_embedder(model)
        chunks = store.count()
        for name in args.encoders:
            searcher = Searcher(ENCODERS[name](embedder), store)
            for query in QUERIES[:5]:  # warm up: first calls allocate
                searcher.search(query, k=10)
            results[name] = [run_clients(searcher, n, args.seconds) for n in args.clients]

    print(f"index: {chunks} chunks, model {model}; {os.cpu_count()} CPUs ({platform.processor() or platform.machine()}), "
          f"torch threads {torch.get_num_threads()}, {args.seconds:g} s each")
    print("| query encoding | clients | searches | searches/s | p50 ms | p95 ms | p95 / p95(1 client) | errors |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for name, rows in results.items():
        base = rows[0]["p95_ms"]
        for row in rows:
            ratio = row["p95_ms"] / base if row["p95_ms"] and base else float("nan")
            print(f"| {name} | {row['clients']} | {row['searches']} | {row['per_second']:.1f} | {row['p50_ms']:.0f} | "
                  f"{row['p95_ms']:.0f} | {ratio:.2f} | {row['errors']} |")
            if row["first_error"]:
                print(f"  first error: {row['first_error']}")
    if args.json:
        args.json.write_text(json.dumps({"chunks": chunks, "model": model, "torch_threads": torch.get_num_threads(),
                                         "seconds": args.seconds, "results": results}, indent=1))

if __name__ == "__main__":
    main()
