"""Train on your own repository: MiniLM adapted on pairs mined from one repobench repository, scored on its queries.

For each repository: `codesift data mine` of its benchmark root alone (the leakage guard over --data holds
every evaluation set and every repobench query out of the pairs), `codesift data negatives`, then one flat
stage of `codesift train` from the bundled MiniLM; the base model and the trained one each index the
benchmark root into a home of their own and answer the repository's queries through `codesift search
--queries` (the benchmark's NDCG@10, bench/repobench.py). The queries are never training data.

Usage: python bench/repo_adaptation.py --repos DIR [--names click httpx cobra] [--steps 60] [--work DIR] [--json FILE]
"""

from __future__ import annotations

import argparse
import json
import statistics
from pathlib import Path

from repo_search import DATA, ROOT, batch_hits, index_repo
from repobench import load_repos, ndcg
from train_runs import flat_config, run


def score(repo, tree: Path, home: Path, model: str) -> float:
    collection = index_repo(repo, tree, home, model, reindex=True)["collection"]
    hits = batch_hits(repo, home, collection)
    return statistics.mean(ndcg(h, q.targets) for q, h in zip(repo.queries, hits))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repos", type=Path, required=True, help="Directory holding one checkout per repository (NAME/).")
    parser.add_argument("--names", nargs="+", default=["click", "httpx", "cobra"])
    parser.add_argument("--steps", type=int, default=60)
    parser.add_argument("--data", type=Path, default=DATA.parent, help="evaluation sets the leakage guard holds out")
    parser.add_argument("--work", type=Path, default=ROOT / "bench" / "results" / "repo-adaptation")
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()

    results = {}
    for repo in (r for r in load_repos(DATA) if r.name in args.names):
        tree, work = args.repos / repo.name / repo.root, args.work / repo.name
        work.mkdir(parents=True, exist_ok=True)
        mined, rows = work / "mined.jsonl", work / "mined-neg.jsonl"
        run("data", "mine", str(tree), "-o", str(mined), "--no-commits", "--exclude", str(args.data), "--home", str(work / "home"))
        run("data", "negatives", str(mined), "-o", str(rows), "--count", "3", "--home", str(work / "home"))
        config = flat_config(rows, work / "run", steps=args.steps, batch=16, max_seq_length=256, logging_steps=10,
                             name="repository", negatives=3)  # fmt: skip
        run("train", "--config", str(config))
        base = score(repo, tree, work / "base-home", "minilm")
        trained = score(repo, tree, work / "trained-home", str(work / "run" / "final"))
        results[repo.name] = {"pairs": sum(1 for _ in rows.open()), "base": base, "trained": trained}
        print(f"{repo.name}: {results[repo.name]['pairs']:,} pairs, NDCG@10 {base:.3f} → {trained:.3f}", flush=True)

    print("\n| repository | pairs mined | base MiniLM | trained | Δ |\n|---|---|---|---|---|")
    for name, r in results.items():
        print(f"| {name} | {r['pairs']:,} | {r['base']:.3f} | {r['trained']:.3f} | {r['trained'] - r['base']:+.3f} |")
    if results:
        lift = statistics.mean(r["trained"] - r["base"] for r in results.values())
        print(f"| **mean** | | {statistics.mean(r['base'] for r in results.values()):.3f} | "
              f"{statistics.mean(r['trained'] for r in results.values()):.3f} | **{lift:+.3f}** |")  # fmt: skip
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
