"""Step 6: the top k spans more files: each further chunk of a file already chosen counts less.

Greedy: candidates in score order; a chunk's score is multiplied by `file_repeat` once for every chunk of
its file already chosen, and the k best of those scores are the result. Since the factor only lowers
scores, the walk stops once no later candidate can beat the k-th chosen.
"""

from __future__ import annotations

from collections import Counter

from retriever.ranking.pool import Candidate
from retriever.ranking.weights import RankingWeights


def by_score(candidates: list[Candidate]) -> list[Candidate]:
    """Best score first; ties broken by path and line, so equal scores always come back in one order."""
    return sorted(candidates, key=_order)


def diverse_top(candidates: list[Candidate], k: int, weights: RankingWeights) -> list[Candidate]:
    ordered = by_score(candidates)
    if weights.file_repeat >= 1.0:
        return ordered[:k]
    shown: Counter = Counter()
    chosen: list[Candidate] = []
    for c in ordered:
        if len(chosen) >= k and c.score <= min(x.score for x in chosen):
            break
        c.score *= weights.file_repeat ** shown[c.file]
        shown[c.file] += 1
        chosen.append(c)
    return by_score(chosen)[:k]


def _order(c: Candidate) -> tuple:
    return (-c.score, c.path, c.payload.get("start_line", 0), c.hit.id)
