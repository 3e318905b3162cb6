"""Step 1: one score per candidate from the dense and BM25 scores, weighted by the kind of query.

Each retriever's scores are normalised over the pool (dense: min-max of the cosines; BM25: divided by the
best), so the weights mean the same whatever the scores' range; the fused scores are scaled so that the
best candidate scores 1.0, the unit every later step's boosts are in.
"""

from __future__ import annotations

from retriever.ranking.pool import Candidate
from retriever.ranking.query import QueryProfile
from retriever.ranking.weights import RankingWeights


def _normaliser(values: list[float], min_max: bool):
    if not values:
        return lambda v: 0.0
    top = max(values)
    low = min(values) if min_max and len(values) > 1 else 0.0
    spread = top - low
    if spread <= 1e-9:
        return lambda v: 1.0 if v >= top - 1e-9 else 0.0
    return lambda v: max(0.0, (v - low) / spread)


def fuse(candidates: list[Candidate], profile: QueryProfile, weights: RankingWeights) -> None:
    fusion = weights.symbol if profile.is_symbol else weights.semantic
    dense = _normaliser([c.dense for c in candidates if c.dense is not None and "dense" in c.found_by], min_max=True)
    bm25 = _normaliser([c.bm25 for c in candidates if c.bm25 is not None], min_max=False)
    for c in candidates:
        c.score = fusion.dense * (dense(c.dense) if c.dense is not None else 0.0) + fusion.bm25 * (
            bm25(c.bm25) if c.bm25 is not None else 0.0
        )
    top = max((c.score for c in candidates), default=0.0)
    if top > 0:
        for c in candidates:
            c.score /= top
