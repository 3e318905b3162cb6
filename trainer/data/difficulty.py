"""Difficulty labels for the curriculum's last stage, from the positive's rank under a reference embedder.

CodeR drops pairs a small embedder already solves (positive in its top 3) and
keeps medium and hard ones. Ranks are 1-based over the task's candidate corpus.
"""

from __future__ import annotations

EASY_MAX_RANK = 3
MEDIUM_MAX_RANK = 20


def rank_difficulty(rank: int) -> str:
    if rank <= EASY_MAX_RANK:
        return "easy"
    if rank <= MEDIUM_MAX_RANK:
        return "medium"
    return "hard"
