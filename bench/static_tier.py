"""The static tier against MiniLM, every figure measured in one run: build, throughput, query encode, quality, cold index.

- build: `codesift model build static` into --home (skipped when it is built there; --rebuild to time it), with
  the leakage guard over --data;
- throughput: the same real standard-library functions (bench/precision.py's texts) through `encode_documents`,
  the indexer's call; texts/s of the static model and of MiniLM at `auto` precision, and the ratio;
- single-query encode p50 (`encode_query`, bench/query_latency.py's queries × --rounds);
- dense nDCG@10 (0-100) on the BEIR sets in ../shared/data, both models;
- `codesift index` wall time from a cold process to the printed summary, for each model, on a small repository
  (a copy of the stdlib `email` package) and a large one (the first --large-files files of the standard library,
  test folders left out), each into a fresh collection.

Repository search quality with the ranking stage is bench/repo_search.py with `--model static --home HOME`.

Usage: python bench/static_tier.py [--home bench/results/static-home] [--data ../shared/data] [--rounds 3]
       [--large-files 1000] [--rebuild] [--json FILE]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import time
from pathlib import Path

from codesift.embedding import load_embedder
from codesift.embedding.presets import is_built

sys.path.insert(0, str(Path(__file__).parent))
from index_speed import copy_stdlib  # noqa: E402
from precision import SETS, dense_ndcg, stdlib_functions  # noqa: E402
from query_latency import QUERIES  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
MODELS = ("static", "minilm")
TEXTS = 2048


def codesift(*args: str) -> float:
    """Seconds one `codesift` command takes from a cold process; fails loudly."""
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "cli", *args], cwd=ROOT, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"codesift {' '.join(args)} failed: {done.stderr.strip()[-800:]}")
    return time.perf_counter() - started


def encoder_figures(model: str, home: Path, texts: list[str], data: Path, rounds: int) -> dict:
    embedder = load_embedder(model, precision="auto", home=home)
    embedder.encode_documents(texts[:64])  # warm
    started = time.perf_counter()
    embedder.encode_documents(texts)
    seconds = time.perf_counter() - started
    singles = []
    for _ in range(rounds):
        for query in QUERIES:
            began = time.perf_counter()
            embedder.encode_query(query)
            singles.append(time.perf_counter() - began)
    return {
        "precision": embedder.precision,
        "dim": embedder.dim,
        "texts_per_s": round(len(texts) / seconds, 1),
        "query_p50_ms": round(statistics.median(singles) * 1000, 3),
        "ndcg@10": {name: round(score, 2) for name, score in dense_ndcg(embedder, data, SETS).items()},
    }


def cold_index(model: str, home: Path, trees: dict[str, Path]) -> dict[str, float]:
    times = {}
    for label, tree in trees.items():
        collection = f"cold-{model}-{label}"
        shutil.rmtree(home / "indexes" / collection, ignore_errors=True)
        times[label] = round(codesift("index", str(tree), "--name", label, "--collection", collection,
                                      "--home", str(home), "--model", model), 1)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", type=Path, default=ROOT / "bench" / "results" / "static-home")
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--large-files", type=int, default=1000)
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()

    result: dict = {"machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"}
    if args.rebuild or not is_built(args.home, "static"):
        result["build_seconds"] = round(codesift("model", "build", "static", "--rebuild", "--exclude", str(args.data),
                                                 "--home", str(args.home)), 1)
        print(f"built the static model in {result['build_seconds']} s", flush=True)
    texts = stdlib_functions(TEXTS)
    result["texts"] = len(texts)
    with tempfile.TemporaryDirectory() as scratch:
        trees = {"email": Path(scratch) / "email", "stdlib-large": Path(scratch) / "stdlib"}
        shutil.copytree(Path(sysconfig.get_paths()["stdlib"]) / "email", trees["email"])
        copy_stdlib(trees["stdlib-large"], args.large_files)
        result["large_files"] = sum(1 for p in trees["stdlib-large"].rglob("*") if p.is_file())
        for model in MODELS:
            result[model] = encoder_figures(model, args.home, texts, args.data, args.rounds)
            result[model]["cold_index_s"] = cold_index(model, args.home, trees)
            print(model, json.dumps(result[model]), flush=True)
    result["throughput_ratio"] = round(result["static"]["texts_per_s"] / result["minilm"]["texts_per_s"], 1)
    print(json.dumps(result, indent=2))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
