"""Ranking metrics over judged queries: nDCG@k (graded gains, log2 discount), MRR@k and Recall@k, as percentages."""

from __future__ import annotations

import math


def ndcg_at_k(ranking: list[str], relevant: dict[str, int], k: int) -> float:
    dcg = sum(relevant.get(doc, 0) / math.log2(rank + 2) for rank, doc in enumerate(ranking[:k]))
    ideal = sum(gain / math.log2(rank + 2) for rank, gain in enumerate(sorted(relevant.values(), reverse=True)[:k]))
    return dcg / ideal if ideal else 0.0


def mrr_at_k(ranking: list[str], relevant: dict[str, int], k: int) -> float:
    return next((1.0 / (rank + 1) for rank, doc in enumerate(ranking[:k]) if relevant.get(doc, 0) > 0), 0.0)


def recall_at_k(ranking: list[str], relevant: dict[str, int], k: int) -> float:
    wanted = {doc for doc, gain in relevant.items() if gain > 0}
    return len(wanted & set(ranking[:k])) / len(wanted) if wanted else 0.0


def evaluate_rankings(rankings: dict[str, list[str]], qrels: dict[str, dict[str, int]], k: int = 10) -> dict[str, float]:
    """Mean metrics over every judged query; a query with no ranking scores zero."""
    metrics = {f"ndcg@{k}": ndcg_at_k, f"mrr@{k}": mrr_at_k, f"recall@{k}": recall_at_k}
    return {
        name: round(100 * sum(fn(rankings.get(q, []), rel, k) for q, rel in qrels.items()) / len(qrels), 2)
        for name, fn in metrics.items()
    }
