"""Encoder precision on this CPU, every figure against fp32 in the same run: throughput, agreement, quality.

For each precision (fp32, bf16, int8; `auto` says which one it resolves to here) the bundled MiniLM is loaded
the way every app loads it (`load_embedder(precision=...)`) and measured on:

- throughput: 768 real standard-library functions (the chunker's texts, test folders left out), batch 64,
  the indexer's call (`encode_documents`); texts/s and the ratio to fp32;
- agreement: cosine of each text's vector to its fp32 vector (min / mean);
- single-query encode p50 (`encode_query`, one query at a time, 20 queries × --rounds);
- dense nDCG@10 (in points, 0-100) on the BEIR sets in ../shared/data (task prefixes, exact cosine over the
  whole corpus);
- the matmul bound: a 2048² matmul in fp32, bf16 and int8 (`torch._int_mm`), GFLOP/s, with the same threads.

Usage: python bench/precision.py [--data ../shared/data] [--sets humaneval …] [--rounds 3] [--json FILE]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import sysconfig
import tempfile
import time
from pathlib import Path

import numpy as np
import torch

from codesift.embedding import load_embedder
from codesift.embedding.precision import cpu_capabilities, resolve_precision
from codesift.evaluation import evaluate_rankings, load_beir
from indexer.chunker import chunk_file

sys.path.insert(0, str(Path(__file__).resolve().parent))
from index_speed import TEST_DIRS  # noqa: E402
from query_latency import QUERIES  # noqa: E402

PRECISIONS = ("fp32", "bf16", "int8")
SETS = ["humaneval", "mbpp-test", "java2cs-valid", "concode-dev", "cosqa-dev"]
TEXTS = 768


def stdlib_functions(count: int) -> list[str]:
    """The embedded texts of the first `count` functions and methods of the standard library, in path order."""
    root = Path(sysconfig.get_paths()["stdlib"])
    texts: list[str] = []
    for path in sorted(root.rglob("*.py")):
        relative = path.relative_to(root)
        if TEST_DIRS & set(relative.parts[:-1]) or relative.name.startswith("test_"):
            continue
        try:
            source = path.read_text(encoding="utf-8")
        except (UnicodeDecodeError, OSError):
            continue
        texts += [c.embed_text() for c in chunk_file("stdlib", str(relative), source) if c.kind in ("function", "method")]
        if len(texts) >= count:
            return texts[:count]
    return texts


def matmul_bound(threads: int, size: int = 2048, rounds: int = 5) -> dict[str, float]:
    """GFLOP/s (GOP/s for int8) of one size² matmul per dtype, median of `rounds`."""
    torch.set_num_threads(threads)
    results = {}
    for name, make, mul in (
        ("fp32", lambda: torch.randn(size, size), torch.matmul),
        ("bf16", lambda: torch.randn(size, size).to(torch.bfloat16), torch.matmul),
        ("int8", lambda: torch.randint(-128, 127, (size, size), dtype=torch.int8), torch._int_mm),
    ):
        a, b = make(), make()
        mul(a, b)
        times = []
        for _ in range(rounds):
            started = time.perf_counter()
            mul(a, b)
            times.append(time.perf_counter() - started)
        results[name] = 2 * size**3 / statistics.median(times) / 1e9
    return results


def dense_ndcg(embedder, data: Path, sets: list[str]) -> dict[str, float]:
    scores = {}
    for name in sets:
        beir = load_beir(data / name)
        doc_ids = list(beir.corpus)
        docs = embedder.encode_documents([beir.corpus[d] for d in doc_ids], task=beir.task, batch_size=64)
        query_ids = list(beir.queries)
        queries = embedder.encode_queries([beir.queries[q] for q in query_ids], task=beir.task, batch_size=64)
        top = np.argsort(-(queries @ docs.T), axis=1)[:, :10]
        rankings = {q: [doc_ids[i] for i in row] for q, row in zip(query_ids, top)}
        scores[name] = evaluate_rankings(rankings, beir.qrels, 10)["ndcg@10"]
    return scores


def measure(precision: str, texts: list[str], home: Path, data: Path, sets: list[str], rounds: int) -> tuple[dict, np.ndarray]:
    embedder = load_embedder("minilm", precision=precision, home=home)
    embedder.encode_documents(texts[:64], batch_size=64)  # warm
    started = time.perf_counter()
    vectors = embedder.encode_documents(texts, batch_size=64)
    encode_seconds = time.perf_counter() - started
    singles = []
    for _ in range(rounds):
        for query in QUERIES:
            began = time.perf_counter()
            embedder.encode_query(query)
            singles.append(time.perf_counter() - began)
    row = {
        "precision": precision,
        "ran_as": embedder.precision,
        "texts_per_s": len(texts) / encode_seconds,
        "query_p50_ms": statistics.median(singles) * 1000,
        "ndcg@10": dense_ndcg(embedder, data, sets),
    }
    return row, vectors


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=Path(__file__).resolve().parents[1].parent / "shared" / "data")
    parser.add_argument("--sets", nargs="*", default=SETS)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    texts = stdlib_functions(TEXTS)
    rows = []
    with tempfile.TemporaryDirectory() as home:
        reference = None
        for precision in PRECISIONS:
            row, vectors = measure(precision, texts, Path(home), args.data, args.sets, args.rounds)
            if reference is None:
                reference = vectors
            cosines = np.sum(vectors * reference, axis=1) / (np.linalg.norm(vectors, axis=1) * np.linalg.norm(reference, axis=1))
            row["cosine_min"], row["cosine_mean"] = float(cosines.min()), float(cosines.mean())
            rows.append(row)
            print(json.dumps(row), flush=True)
    bound = matmul_bound(torch.get_num_threads())
    capabilities = {k: v for k, v in cpu_capabilities().items() if k in ("amx_bf16", "avx512_bf16", "avx512_vnni", "mkldnn_bf16")}
    fp32 = rows[0]
    print(f"\nmachine: {platform.machine()}, {os.cpu_count()} cores, torch {torch.__version__}, {torch.get_num_threads()} threads; "
          f"{capabilities}; auto resolves to {resolve_precision('auto')}")
    print(f"{len(texts)} standard-library functions, batch 64\n")
    print("| precision | texts/s | × fp32 | cosine to fp32 (min / mean) | query p50 | " + " | ".join(args.sets) + " |")
    print("|---|---|---|---|---|" + "---|" * len(args.sets))
    for r in rows:
        label = r["precision"] if r["ran_as"] == r["precision"] else f"{r['precision']} (ran as {r['ran_as']})"
        ndcg = " | ".join(f"{r['ndcg@10'][s]:.2f}" for s in args.sets)
        print(f"| {label} | {r['texts_per_s']:.1f} | {r['texts_per_s'] / fp32['texts_per_s']:.2f}× | "
              f"{r['cosine_min']:.4f} / {r['cosine_mean']:.5f} | {r['query_p50_ms']:.1f} ms | {ndcg} |")
    print("\nmatmul 2048²: " + ", ".join(f"{k} {v:.0f} G(FL)OP/s" for k, v in bound.items()))
    if args.json:
        args.json.write_text(json.dumps({"rows": rows, "matmul": bound, "capabilities": capabilities}, indent=2))


if __name__ == "__main__":
    main()
