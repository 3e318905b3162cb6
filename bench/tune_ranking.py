"""Choose the ranking weights on the repobench dev split: coordinate search over cached candidate pools.

Gathering a query's candidates (embedding + one engine round trip) does not depend on the weights, so the
pools of every query are gathered once from the indexes `bench/repo_search.py` built and cached; ranking
them again under other weights is pure Python. Starting from the weights the model searches with (a static
model's or a transformer's), each round tries every weight at a few multiples of its
value and keeps a change only when the mean NDCG@10 over repositories rises by more than --min-gain.
Prints the path taken and the weights to put in retriever/ranking/weights.py (by hand: the dev split
chooses them, docs/benchmarks.md records them). Only the dev split is ever used here.

Usage: python bench/tune_ranking.py [--home bench/results/repobench-home] [--names …] [--cache FILE] [--rounds 2]
"""

from __future__ import annotations

import argparse
import copy
import pickle
import statistics
from dataclasses import fields, replace
from pathlib import Path

from repo_search import DATA, ROOT, collection_of
from repobench import load_repos, ndcg, summarise

from codesift.embedding import load_embedder
from codesift.store import open_store
from retriever.ranking import RankingWeights, rank, weights_for
from retriever.ranking.weights import FusionWeights
from retriever.search import Searcher

K = 10
FACTORS = (0.0, 0.5, 0.75, 1.33, 2.0)


def gather_pools(repos, home: Path, embedder) -> dict:
    pools = {}
    for repo in repos:
        collection = collection_of(repo.name)
        if not (home / "indexes" / collection).exists():
            print(f"{repo.name}: no index in {home} (run bench/repo_search.py first)", flush=True)
            continue
        with open_store(collection, home=home) as store:
            searcher = Searcher(embedder, store)
            pools[repo.name] = [(q, *searcher.candidates(q.text, "nl2code", "hybrid", None, K)) for q in repo.queries]
        print(f"{repo.name}: {len(repo.queries)} pools", flush=True)
    return pools


def _lines(c) -> tuple[str, int, int]:
    span = c.payload.get("span")
    start, end = span if span else (c.payload["start_line"], c.payload["end_line"])
    return c.path, start, end


def evaluate(pools: dict, weights: RankingWeights) -> dict:
    per_repo = {}
    for name, queries in pools.items():
        rows = []
        for query, profile, candidates in queries:
            ranked = rank(copy.deepcopy(candidates), profile, K, weights)
            rows.append((query.category, ndcg([_lines(c) for c in ranked], query.targets)))
        per_repo[name] = rows
    return summarise(per_repo)["overall"]


def variants(weights: RankingWeights):
    """Each weight at a few multiples of its value (fusion weights one retriever at a time)."""
    for field in fields(RankingWeights):
        value = getattr(weights, field.name)
        if isinstance(value, FusionWeights):
            for part in ("dense", "bm25"):
                for factor in FACTORS[1:]:
                    yield f"{field.name}.{part}×{factor}", replace(weights, **{field.name: replace(value, **{part: getattr(value, part) * factor})})
        else:
            for factor in FACTORS:
                changed = round(min(value * factor, 1.0) if field.name in MULTIPLIERS else value * factor, 4)
                if changed != value:
                    yield f"{field.name}={changed}", replace(weights, **{field.name: changed})


MULTIPLIERS = {"docs", "tests", "examples", "compat", "declarations", "file_repeat"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", type=Path, default=ROOT / "bench" / "results" / "repobench-home")
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--names", nargs="*", default=None)
    parser.add_argument("--model", default="minilm")
    parser.add_argument("--cache", type=Path, default=None, help="Pickle of the pools: read when it exists, else written.")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--min-gain", type=float, default=0.001)
    args = parser.parse_args()

    repos = [r for r in load_repos(args.data) if args.names is None or r.name in args.names]
    embedder = load_embedder(args.model, home=args.home)
    if args.cache and args.cache.exists():
        pools = pickle.loads(args.cache.read_bytes())
    else:
        pools = gather_pools(repos, args.home, embedder)
        if args.cache:
            args.cache.parent.mkdir(parents=True, exist_ok=True)
            args.cache.write_bytes(pickle.dumps(pools))
    weights = weights_for(embedder.static)  # where the search starts
    best = evaluate(pools, weights)
    print(f"start: {best['all']:.4f} {best}", flush=True)
    for round_number in range(1, args.rounds + 1):
        improved = False
        for label, candidate in variants(weights):
            score = evaluate(pools, candidate)
            if score["all"] > best["all"] + args.min_gain:
                weights, best, improved = candidate, score, True
                print(f"round {round_number}: {label} → {best['all']:.4f} {best}", flush=True)
        if not improved:
            break
    print(f"\n{len(pools)} repositories, {sum(len(q) for q in pools.values())} queries; final {best}")
    print(weights)


if __name__ == "__main__":
    main()
