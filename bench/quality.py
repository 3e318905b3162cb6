"""Retrieval quality of dense, BM25 and hybrid search on the BEIR sets in ../shared/data.

Each set's corpus is embedded into a fresh embedded index (one point per
document, the task's prefixes) and queried the way `codesift search` does:
dense (task-prefixed query), Qdrant BM25, and hybrid (`Searcher.search`: both
lists and the ranking stage). Plain bm25s (English stopwords) is measured in the same run as a
reference. Prints nDCG@10, MRR@10 and Recall@10 per set and mode, and the
average over the four NL→code sets.

Usage: python bench/quality.py [--data ../shared/data] [--model minilm] [--sets cosqa-dev …] [--json FILE]
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
import uuid
from pathlib import Path

import bm25s

from codesift.embedding import load_embedder
from codesift.evaluation import evaluate_rankings, load_beir
from codesift.store import StorePoint, new_meta
from codesift.store.edge import EdgeStore
from codesift.store.sparse import bm25_document, bm25_query
from retriever.search import Searcher

SETS = ["cosqa-dev", "humaneval", "mbpp-test", "concode-dev", "java2cs-valid"]
NL2CODE_AVERAGE = ["cosqa-dev", "humaneval", "mbpp-test", "concode-dev"]
MODES = ["bm25s", "bm25", "dense", "hybrid"]
K = 10


def bm25s_rankings(beir) -> dict[str, list[str]]:
    doc_ids = list(beir.corpus)
    retriever = bm25s.BM25()
    retriever.index(bm25s.tokenize(list(beir.corpus.values()), stopwords="en", show_progress=False), show_progress=False)
    query_ids = list(beir.queries)
    results, _ = retriever.retrieve(
        bm25s.tokenize([beir.queries[q] for q in query_ids], stopwords="en", show_progress=False),
        k=min(K, len(doc_ids)),
        show_progress=False,
    )
    return {q: [doc_ids[i] for i in row] for q, row in zip(query_ids, results)}


def engine_rankings(beir, embedder, directory: Path) -> dict[str, dict[str, list[str]]]:
    """Rankings per mode: "bm25" and "dense" (the engine's lists) and "hybrid" (`Searcher.search`, ranking included).

    Each document is a chunk of its own file (path = its id), so file-level signals treat documents alike.
    """
    doc_ids = list(beir.corpus)
    texts = [beir.corpus[d] for d in doc_ids]
    vectors = embedder.encode_documents(texts, task=beir.task, batch_size=64)
    with EdgeStore(directory, beir.name) as store:
        store.create(embedder.dim, new_meta(embedder.describe()))
        points = [
            StorePoint(str(uuid.uuid5(uuid.NAMESPACE_URL, d)), v.tolist(), bm25_document(t), _payload(beir.name, d, t))
            for d, v, t in zip(doc_ids, vectors, texts)
        ]
        for start in range(0, len(points), 1024):
            store.upsert(points[start : start + 1024])
        searcher = Searcher(embedder, store)
        rankings: dict[str, dict[str, list[str]]] = {"bm25": {}, "dense": {}, "hybrid": {}}
        for q, text in beir.queries.items():
            vector = embedder.encode_query(text, task=beir.task)
            rankings["dense"][q] = [h.payload["doc_id"] for h in store.search_dense(vector, limit=K)]
            rankings["bm25"][q] = [h.payload["doc_id"] for h in store.search_sparse(bm25_query(text), limit=K)]
            rankings["hybrid"][q] = [h.path for h in searcher.search(text, task=beir.task, k=K)]
    return rankings


def _payload(set_name: str, doc_id: str, text: str) -> dict:
    return {"repo": set_name, "path": doc_id, "doc_id": doc_id, "start_line": 1, "end_line": text.count("\n") + 1, "code": text}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path(__file__).resolve().parents[1].parent / "shared" / "data")
    parser.add_argument("--model", default="minilm")
    parser.add_argument("--sets", nargs="*", default=SETS)
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()

    embedder = load_embedder(args.model)
    results: dict = {"model": embedder.name, "sets": {}}
    with tempfile.TemporaryDirectory() as tmp:
        for name in args.sets:
            started = time.perf_counter()
            beir = load_beir(args.data / name)
            rankings = engine_rankings(beir, embedder, Path(tmp) / name)
            rankings["bm25s"] = bm25s_rankings(beir)
            results["sets"][name] = {m: evaluate_rankings(rankings[m], beir.qrels, K) for m in MODES}
            results["sets"][name]["seconds"] = round(time.perf_counter() - started, 1)
            print(name, json.dumps(results["sets"][name]), flush=True)
    averaged = [s for s in NL2CODE_AVERAGE if s in results["sets"]]
    results["nl2code_average_ndcg@10"] = {
        m: round(sum(results["sets"][s][m]["ndcg@10"] for s in averaged) / len(averaged), 2) for m in MODES
    } if averaged else {}

    print(f"\n{'set':<15}" + "".join(f"{m:>10}" for m in MODES) + "   (nDCG@10)")
    for name, row in results["sets"].items():
        print(f"{name:<15}" + "".join(f"{row[m]['ndcg@10']:>10.2f}" for m in MODES))
    if averaged:
        print(f"{'avg nl2code':<15}" + "".join(f"{results['nl2code_average_ndcg@10'][m]:>10.2f}" for m in MODES))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
