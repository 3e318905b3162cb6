"""Step 3: query words in a file's name or directories lift that file's chunks.

`request options` meets `RequestOptions.swift`, `dependency injection` meets `dependencies/`: a word
matches a path term when they share a beginning of four letters or more that leaves at most two letters
of the shorter one over (plurals and other endings: routes ~ routing, validation ~ validator). The boost
is `path` times the share of the query's words matched.
"""

from __future__ import annotations

import os
from functools import lru_cache

from codesift.identifiers import path_terms
from retriever.ranking.pool import Candidate
from retriever.ranking.query import QueryProfile
from retriever.ranking.weights import RankingWeights

MIN_PREFIX = 4
MAX_ENDING = 2


def word_matches_term(word: str, term: str) -> bool:
    """A query word and a path term are the same word but maybe for its ending (`routes` ~ `routing`)."""
    if word == term:
        return True
    shared = len(os.path.commonprefix((word, term)))
    return shared >= MIN_PREFIX and shared >= min(len(word), len(term)) - MAX_ENDING


@lru_cache(maxsize=4096)
def _terms(path: str) -> tuple[str, ...]:
    return tuple(path_terms(path))


def path_match_share(keywords: tuple[str, ...], path: str) -> float:
    """The share of the query's words that the file's name or directories hold."""
    if not keywords:
        return 0.0
    terms = _terms(path)
    return sum(1 for word in keywords if any(word_matches_term(word, term) for term in terms)) / len(keywords)


def boost_paths(candidates: list[Candidate], profile: QueryProfile, weights: RankingWeights) -> None:
    if profile.is_code or weights.path <= 0:
        return
    for c in candidates:
        share = path_match_share(profile.keywords, c.path)
        if share > 0:
            c.score += weights.path * share
            c.found_by.add("path")
