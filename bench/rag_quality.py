"""RAG answers you can check: repobench questions asked through any OpenAI-compatible endpoint, citations scored.

For each repository given (a checkout per name under --repos, laid out as ../shared/data/repobench/README.md
says), its benchmark root is indexed into its own collection (bundled MiniLM, `auto` precision), then its
semantic and architecture queries are asked as questions through `retriever.rag.ask`, the code path of
`codesift ask`, the UI's chat and the MCP `ask` tool. Per prompt variant (how many sources, how many tokens
of them), over all questions:

- cites a real source: the answer cites at least one source sent (`[n]` or `path:Lx-Ly`);
- cites a target file: one of the cited sources is in a file the annotation names (relevant or secondary);
- invented citations: answers citing something that matches no source sent (each one flagged in the app);
- flagged: answers the app marks as unchecked (no valid citation, or an invented one);
- time to the first token and to the whole answer, median and worst.

No LLM judge: the figures need none. The endpoint comes from CODESIFT_LLM_BASE_URL / CODESIFT_LLM_MODEL
(bench/llm_server.py starts a local llama.cpp one), so the same run works against any server a user has.

Usage: python bench/rag_quality.py --repos DIR [--names click cobra sinatra] [--per-repo 5] [--variants k6-1500 k3-800]
       [--home DIR] [--json FILE]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

from codesift.embedding import load_embedder
from codesift.llm import LLMSettings
from codesift.store.edge import EdgeStore
from indexer.pipeline import Indexer
from indexer.sources import resolve_source
from retriever import rag
from retriever.search import Searcher

sys.path.insert(0, str(Path(__file__).resolve().parent))
from repobench import Target, load_repos, matches  # noqa: E402

REPOBENCH = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "repobench"

CATEGORIES = ("semantic", "architecture")


def variant(spec: str) -> tuple[int, int]:
    """'k6-1500' → (6 sources, 1500 tokens of them)."""
    k, budget = spec.removeprefix("k").split("-")
    return int(k), int(budget)


def ask_one(question: str, searcher: Searcher, llm: LLMSettings, k: int, budget: int, targets) -> dict:
    started = time.perf_counter()
    answer = rag.ask(question, searcher, llm, k=k, budget_tokens=budget)
    first = None
    for _ in answer:
        if first is None:
            first = time.perf_counter() - started
    total = time.perf_counter() - started
    check = answer.citations
    cited_paths = [s.hit.path for s in answer.sources if s.number in check.cited]
    return {
        "question": question,
        "answer": answer.text,
        "cited": list(check.cited),
        "invented": list(check.invented),
        "flag": check.warning,
        "cites_target": any(matches((path, 1, 1), _file_only(t)) for path in cited_paths for t in targets),
        "sources_hold_target": any(matches((s.hit.path, 1, 1), _file_only(t)) for s in answer.sources for t in targets),
        "first_token_s": first if first is not None else total,
        "total_s": total,
    }


def _file_only(target: Target) -> Target:
    return Target(target.path)


def summary(rows: list[dict]) -> dict:
    n = len(rows)
    return {
        "questions": n,
        "cites_real_source": sum(bool(r["cited"]) for r in rows) / n,
        "cites_target_file": sum(r["cites_target"] for r in rows) / n,
        "sources_hold_target": sum(r["sources_hold_target"] for r in rows) / n,
        "with_invented": sum(bool(r["invented"]) for r in rows) / n,
        "flagged": sum(r["flag"] is not None for r in rows) / n,
        "unflagged_without_valid_citation": sum(r["flag"] is None and not r["cited"] for r in rows),
        "first_token_p50_s": statistics.median(r["first_token_s"] for r in rows),
        "first_token_max_s": max(r["first_token_s"] for r in rows),
        "total_p50_s": statistics.median(r["total_s"] for r in rows),
        "total_max_s": max(r["total_s"] for r in rows),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repos", type=Path, required=True, help="a directory with one checkout per repository name")
    parser.add_argument("--names", nargs="+", default=["click", "cobra", "sinatra"])
    parser.add_argument("--per-repo", type=int, default=5, help="questions per repository (its first ones of the categories)")
    parser.add_argument("--variants", nargs="+", default=["k6-1500"], help="sources-tokens, e.g. k6-1500 (the default) k3-800")
    parser.add_argument("--home", type=Path, default=None, help="where the indexes go (default: a temporary directory)")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    llm = LLMSettings().require()
    by_name = {repo.name: repo for repo in load_repos(REPOBENCH)}
    embedder = load_embedder("minilm", precision="auto")
    results: dict = {"endpoint": llm.base_url, "model": llm.model, "variants": {}}
    with tempfile.TemporaryDirectory() as scratch:
        home = args.home or Path(scratch)
        searchers = {}
        stores = []
        for name in args.names:
            repo = by_name[name]
            store = EdgeStore(home / f"rag-{name}", name)
            stores.append(store)
            tree = args.repos / name / repo.root
            Indexer(embedder, store).index(resolve_source(str(tree), clones_dir=home / "clones"), name=name)
            questions = [q for q in repo.queries if q.category in CATEGORIES][: args.per_repo]
            searchers[name] = (Searcher(embedder, store), questions)
        for spec in args.variants:
            k, budget = variant(spec)
            rows = []
            for name, (searcher, questions) in searchers.items():
                for query in questions:
                    row = ask_one(query.text, searcher, llm, k, budget, query.targets) | {"repo": name, "category": query.category}
                    rows.append(row)
                    print(json.dumps({key: row[key] for key in ("repo", "question", "cited", "invented", "cites_target", "total_s")}),
                          flush=True)
            results["variants"][spec] = {"summary": summary(rows), "answers": rows}
        for store in stores:
            store.close()
    print(f"\nendpoint {llm.base_url} model {llm.model}; {platform.machine()}, {os.cpu_count()} cores; "
          f"repositories {' '.join(args.names)}, {args.per_repo} questions each ({'/'.join(CATEGORIES)})")
    print("| variant | questions | cites a real source | cites a target file | sources hold a target | invented | flagged "
          "| unflagged uncited | first token p50 / max | answer p50 / max |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for spec, run in results["variants"].items():
        s = run["summary"]
        print(f"| {spec} | {s['questions']} | {s['cites_real_source']:.0%} | {s['cites_target_file']:.0%} | "
              f"{s['sources_hold_target']:.0%} | {s['with_invented']:.0%} | {s['flagged']:.0%} | {s['unflagged_without_valid_citation']} | "
              f"{s['first_token_p50_s']:.1f} / {s['first_token_max_s']:.1f} s | {s['total_p50_s']:.1f} / {s['total_max_s']:.1f} s |")
    if args.json:
        args.json.write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
