"""Choose the hybrid search's RRF weights (dense, BM25) on training data only — never on evaluation sets.

Tuning sets, all disjoint from ../shared/data's evaluation sets:
  * mbpp-train (../shared/data/train/mbpp-train.jsonl, MBPP task ids 601–974): NL → code;
  * the first 1,000 pairs of java2cs-train (../shared/data/train/java2cs-train.jsonl): code → code;
  * docstring → function pairs mined here from standard-library packages
    (http, logging, asyncio, urllib, xml, importlib): NL → code, real repository style.
Prints nDCG@10 of dense, BM25 and hybrid at each weight pair; the chosen pair
goes into retriever.search.HYBRID_WEIGHTS and docs/benchmarks.md.

Usage: python bench/tune_fusion.py [--data ../shared/data] [--json FILE]
"""

from __future__ import annotations

import argparse
import ast
import json
import sysconfig
import tempfile
from pathlib import Path

from quality import K, engine_rankings

from codesift.embedding import load_embedder
from codesift.evaluation import BeirSet, evaluate_rankings

# Qdrant divides a list's rank by its weight, so raising the BM25 weight flattens BM25's order.
GRID = [(1.0, 1.0), (1.0, 0.5), (1.0, 0.25), (1.0, 0.1), (1.0, 3.0), (1.0, 10.0)]
STDLIB_PACKAGES = ["http", "logging", "asyncio", "urllib", "xml", "importlib"]
STDLIB_PAIRS = 1000


def pairs_set(name: str, task: str, pairs: list[tuple[str, str]]) -> BeirSet:
    corpus, queries, qrels = {}, {}, {}
    for i, (query, positive) in enumerate(pairs):
        corpus[f"d{i}"], queries[f"q{i}"], qrels[f"q{i}"] = positive, query, {f"d{i}": 1}
    return BeirSet(name, task, corpus, queries, qrels)


def jsonl_pairs(path: Path, limit: int | None = None) -> list[tuple[str, str]]:
    with path.open() as rows:
        pairs = [(r["query"], r["positive"]) for r in map(json.loads, rows)]
    return pairs[:limit]


def stdlib_docstring_pairs() -> list[tuple[str, str]]:
    """First docstring line → the function without its docstring."""
    pairs = []
    root = Path(sysconfig.get_paths()["stdlib"])
    for package in STDLIB_PACKAGES:
        for path in sorted((root / package).rglob("*.py")):
            source = path.read_text(errors="replace")
            for node in ast.walk(ast.parse(source)):
                if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    continue
                doc = ast.get_docstring(node)
                if not doc or len(doc.split()) < 4 or not node.body[1:]:
                    continue
                body = ast.get_source_segment(source, node).replace(ast.get_source_segment(source, node.body[0]), "", 1)
                pairs.append((doc.strip().splitlines()[0], body))
    return pairs[:STDLIB_PAIRS]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path(__file__).resolve().parents[1].parent / "shared" / "data")
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()
    sets = [
        pairs_set("mbpp-train", "nl2code", jsonl_pairs(args.data / "train" / "mbpp-train.jsonl")),
        pairs_set("java2cs-train[:1000]", "code2code", jsonl_pairs(args.data / "train" / "java2cs-train.jsonl", 1000)),
        pairs_set("stdlib-docstrings", "nl2code", stdlib_docstring_pairs()),
    ]
    embedder = load_embedder("minilm")
    table = {}
    with tempfile.TemporaryDirectory() as tmp:
        for beir in sets:
            rankings = engine_rankings(beir, embedder, Path(tmp) / beir.name, GRID)
            table[beir.name] = {mode: evaluate_rankings(r, beir.qrels, K)["ndcg@10"] for mode, r in rankings.items()}
            print(beir.name, len(beir.queries), json.dumps(table[beir.name]), flush=True)
    modes = list(next(iter(table.values())))
    print(f"\n{'set':<22}" + "".join(f"{m:>14}" for m in modes))
    for name, row in table.items():
        print(f"{name:<22}" + "".join(f"{row[m]:>14.2f}" for m in modes))
    mean = {m: round(sum(row[m] for row in table.values()) / len(table), 2) for m in modes}
    print(f"{'mean':<22}" + "".join(f"{mean[m]:>14.2f}" for m in modes))
    if args.json:
        args.json.write_text(json.dumps({"sets": table, "mean": mean}, indent=1))


if __name__ == "__main__":
    main()
