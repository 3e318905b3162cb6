"""Repository search on the repobench dev split, with the benchmark's own metric, beside the peers' figures.

For each repository: `codesift index` of its benchmark root into a collection of its own, from a cold
process (index seconds, chunks); then every query through `codesift search --queries FILE --json` (one
process per repository, one model load) scored with NDCG@10 (bench/repobench.py). In one process after
that: query p50 of the whole search, the retrievers alone (dense, BM25, their fusion without the ranking
signals) and, with --ablation, the ranking with each signal switched off in turn (all signals minus one).
The peers' published figures on the same repositories come from peers.json.

The repositories are not part of this project: lay them out under --repos as NAME/ at the revision that
repos.json pins (`git clone URL NAME && git -C NAME checkout REVISION`); a missing one is reported as such.

Usage: python bench/repo_search.py --repos DIR [--names fastapi httpx … | --quick] [--home bench/results/repobench-home]
       [--model minilm] [--reindex] [--ablation] [--json FILE]
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from repobench import CATEGORIES, QUICK, load_peers, load_repos, ndcg, summarise

from codesift.embedding import load_embedder
from codesift.store import check_compatible, open_store
from retriever.ranking import FUSION_ONLY, SIGNALS, weights_for
from retriever.search import Searcher

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data" / "repobench"
PEERS = ("semble-hybrid", "coderankembed-hybrid", "semble-bm25+ranking")


def codesift(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "cli", *args], cwd=ROOT, capture_output=True, text=True, check=False)


def collection_of(name: str) -> str:
    return "rb-" + "".join(ch if ch.isalnum() else "-" for ch in name.lower())


def index_repo(repo, tree: Path, home: Path, model: str, reindex: bool) -> dict:
    collection = collection_of(repo.name)
    if reindex:
        shutil.rmtree(home / "indexes" / collection, ignore_errors=True)
    fresh = not (home / "indexes" / collection).exists()
    started = time.perf_counter()
    done = codesift("index", str(tree), "--name", repo.name, "--collection", collection, "--home", str(home), "--model", model)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"indexing {repo.name} failed: {done.stderr.strip().splitlines()[-1:]}")
    return {"collection": collection, "index_seconds": round(seconds, 1), "fresh_index": fresh}


def batch_hits(repo, home: Path, collection: str) -> list[list[tuple[str, int, int]]]:
    """Every query's top 10 through `codesift search --queries`, as (path, start, end)."""
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False) as out:
        for query in repo.queries:
            out.write(json.dumps({"query": query.text}) + "\n")
    done = codesift("search", "--queries", out.name, "--json", "-k", "10", "--collection", collection, "--home", str(home))
    Path(out.name).unlink()
    if done.returncode != 0:
        raise SystemExit(f"searching {repo.name} failed: {done.stderr.strip()[-500:]}")
    answers = [json.loads(line) for line in done.stdout.splitlines() if line.strip()]
    return [[(h["path"], h["start_line"], h["end_line"]) for h in a["hits"]] for a in answers]


def in_process(repo, home: Path, collection: str, embedder, configs: dict) -> tuple[dict, list[float], int]:
    """Scores per configuration, the full search's seconds per query, and the chunk count."""
    scores: dict[str, list[tuple[str, float]]] = {}
    seconds: list[float] = []
    with open_store(collection, home=home) as store:
        check_compatible(store.meta(), embedder.describe(), collection)
        chunks = store.count()
        for name, (mode, weights) in configs.items():
            searcher = Searcher(embedder, store, weights=weights)
            searcher.search(repo.queries[0].text, k=10, mode=mode)  # warm-up
            rows = []
            for query in repo.queries:
                started = time.perf_counter()
                hits = searcher.search(query.text, k=10, mode=mode)
                if name == "codesift":
                    seconds.append(time.perf_counter() - started)
                rows.append((query.category, ndcg([(h.path, h.start_line, h.end_line) for h in hits], query.targets)))
            scores[name] = rows
    return scores, seconds, chunks


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repos", type=Path, required=True, help="Directory holding one checkout per repository (NAME/).")
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--names", nargs="*", default=None)
    parser.add_argument("--quick", action="store_true", help="The dataset's quick subset of small trees.")
    parser.add_argument("--home", type=Path, default=ROOT / "bench" / "results" / "repobench-home")
    parser.add_argument("--model", default="minilm")
    parser.add_argument("--reindex", action="store_true", help="Index from scratch (else reuse and refresh the indexes).")
    parser.add_argument("--ablation", action="store_true", help="Also the ranking with each signal switched off in turn.")
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()

    repos = load_repos(args.data)
    wanted = set(args.names or (QUICK if args.quick else [r.name for r in repos]))
    repos = [r for r in repos if r.name in wanted]
    runs, missing, cli_scores = {}, [], {}
    for repo in repos:
        tree = args.repos / repo.name / repo.root
        if not tree.is_dir():
            missing.append(repo.name)
            print(f"{repo.name}: not fetched ({tree} is missing)", flush=True)
            continue
        run = index_repo(repo, tree, args.home, args.model, args.reindex)
        hits = batch_hits(repo, args.home, run["collection"])
        cli_scores[repo.name] = [(q.category, ndcg(h, q.targets)) for q, h in zip(repo.queries, hits)]
        runs[repo.name] = run
        print(f"{repo.name}: indexed in {run['index_seconds']} s, NDCG@10 {statistics.mean(s for _, s in cli_scores[repo.name]):.3f}", flush=True)

    embedder = load_embedder(args.model, home=args.home)
    weights = weights_for(embedder.static)
    configs = {
        "codesift": ("hybrid", weights),
        "dense": ("dense", FUSION_ONLY),
        "bm25": ("bm25", FUSION_ONLY),
        "fusion": ("hybrid", FUSION_ONLY),
    }
    if args.ablation:
        configs |= {f"-{signal}": ("hybrid", weights.without(signal)) for signal in SIGNALS}
    per_config: dict[str, dict] = {name: {} for name in configs}
    for repo in repos:
        if repo.name not in runs:
            continue
        scores, seconds, chunks = in_process(repo, args.home, runs[repo.name]["collection"], embedder, configs)
        runs[repo.name] |= {"chunks": chunks, "query_p50_ms": round(1000 * statistics.median(seconds), 1)}
        for name, rows in scores.items():
            per_config[name][repo.name] = rows

    report = report_tables(repos, runs, cli_scores, per_config, load_peers(args.data), missing)
    print(report["text"])
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps({k: v for k, v in report.items() if k != "text"} | {"runs": runs}, indent=1))


def report_tables(repos, runs, cli_scores, per_config, peers, missing) -> dict:
    names = [r.name for r in repos if r.name in runs]
    headline = summarise(cli_scores)
    configs = {name: summarise(rows) for name, rows in per_config.items()}
    peer_means = {p: statistics.mean(peers[p][n] for n in names) for p in PEERS}
    lines = [
        f"repobench dev: {len(names)} repositories" + (f" (not fetched: {', '.join(missing)})" if missing else ""),
        "",
        "| repository | codesift | " + " | ".join(PEERS) + " | chunks | index s | query p50 ms |",
        "|---|---|" + "---|" * len(PEERS) + "---|---|---|",
    ]
    for name in names:
        run = runs[name]
        lines.append(
            f"| {name} | {headline['repos'][name]['all']:.3f} | " + " | ".join(f"{peers[p][name]:.3f}" for p in PEERS)
            + f" | {run['chunks']} | {run['index_seconds']} | {run['query_p50_ms']} |"
        )
    lines.append(
        f"| **mean** | **{headline['overall']['all']:.3f}** | " + " | ".join(f"{peer_means[p]:.3f}" for p in PEERS) + " | | | |"
    )
    lines += ["", "| configuration | all | " + " | ".join(CATEGORIES) + " |", "|---|---|" + "---|" * len(CATEGORIES)]
    lines.append("| codesift search --queries | " + " | ".join(f"{headline['overall'][c]:.3f}" for c in ("all", *CATEGORIES)) + " |")
    for name, summary in configs.items():
        lines.append(f"| {name} | " + " | ".join(f"{summary['overall'][c]:.3f}" for c in ("all", *CATEGORIES)) + " |")
    return {"text": "\n".join(lines), "headline": headline, "configs": configs, "peers": peer_means, "missing": missing}


if __name__ == "__main__":
    main()
