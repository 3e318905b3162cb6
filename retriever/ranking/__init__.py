"""The ranking stage: the retrievers' candidates → the hits, by general signals applied in order.

1. fusion (per query type) → 2. definitions → 3. paths → 4. coherent files → 5. penalties (docs, tests,
examples, compat, declarations) → 6. file diversity. Every weight is in `weights.py`; each step is a
module of its own, testable alone. Pure: no I/O, the pool comes from `retriever.candidates`.
"""

from __future__ import annotations

from retriever.ranking.definitions import boost_definitions
from retriever.ranking.diversity import by_score, diverse_top
from retriever.ranking.files import FileResult, boost_coherent_files, group_by_file
from retriever.ranking.fusion import fuse
from retriever.ranking.paths import boost_paths
from retriever.ranking.penalties import apply_penalties
from retriever.ranking.pool import Candidate, Pool
from retriever.ranking.query import QueryProfile, profile_query
from retriever.ranking.weights import DEFAULT_WEIGHTS, FUSION_ONLY, SIGNALS, STATIC_WEIGHTS, RankingWeights, weights_for


def score(candidates: list[Candidate], profile: QueryProfile, weights: RankingWeights) -> None:
    """Steps 1–5: every candidate's score."""
    fuse(candidates, profile, weights)
    boost_definitions(candidates, profile, weights)
    boost_paths(candidates, profile, weights)
    boost_coherent_files(candidates, weights)
    apply_penalties(candidates, profile, weights)


def rank(candidates: list[Candidate], profile: QueryProfile, k: int, weights: RankingWeights = DEFAULT_WEIGHTS) -> list[Candidate]:
    """The k best candidates, spread over files."""
    score(candidates, profile, weights)
    return diverse_top(candidates, k, weights)


def rank_files(
    candidates: list[Candidate], profile: QueryProfile, k: int, per_file: int, weights: RankingWeights = DEFAULT_WEIGHTS
) -> list[FileResult]:
    """The k best files, each with its best chunks."""
    score(candidates, profile, weights)
    return group_by_file(by_score(candidates), k, per_file)


__all__ = [
    "DEFAULT_WEIGHTS", "FUSION_ONLY", "SIGNALS", "STATIC_WEIGHTS", "Candidate", "FileResult", "Pool", "QueryProfile", "RankingWeights",
    "profile_query", "rank", "rank_files", "score", "weights_for",
]
