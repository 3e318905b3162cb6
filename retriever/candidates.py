"""The candidate pool of one query, gathered in one round trip to the engine.

Dense and BM25 searches (as the mode asks), plus two look-ups that a plain search can miss: the
definitions of the names the query mentions (`name` payload) and chunks of files whose name or
directories hold the query's words (`path_terms` payload). Look-ups are ranked by the query's embedding
(or its BM25 vector in BM25 mode), so their scores compare with the dense search's.

Path words match by their beginning (`config` ~ `configuration`, `impls` ~ `implementations`), which a
keyword index cannot do: the index's path terms (a facet, kept for a minute per repository) are matched
against the query's words here, and the look-up asks for the terms that match.
"""

from __future__ import annotations

import threading
import time
from dataclasses import replace

from codesift.store import SearchFilter, SparseVec, Store, VectorQuery
from codesift.store.base import DENSE, SPARSE
from retriever.ranking import Pool
from retriever.ranking.paths import word_matches_term
from retriever.ranking.pool import Candidate
from retriever.ranking.query import QueryProfile

NAME_LOOKUP = 20  # definitions of a queried name
PATH_LOOKUP = 30  # chunks of files whose path holds a query word
VOCABULARY_SECONDS = 60.0  # how long the index's path terms are reused before they are read again
VOCABULARY_LIMIT = 100_000


class PathVocabulary:
    """The distinct path terms of an index (or of one repository in it), read again after a minute."""

    def __init__(self, store: Store):
        self.store = store
        self._lock = threading.Lock()
        self._terms: dict[str | None, tuple[float, tuple[str, ...]]] = {}

    def terms(self, repo: str | None) -> tuple[str, ...]:
        with self._lock:
            read_at, terms = self._terms.get(repo, (float("-inf"), ()))
            if time.monotonic() - read_at > VOCABULARY_SECONDS:
                terms = tuple(self.store.facet("path_terms", SearchFilter(repo=repo), limit=VOCABULARY_LIMIT))
                self._terms[repo] = (time.monotonic(), terms)
            return terms

    def matching(self, keywords: tuple[str, ...], repo: str | None) -> tuple[str, ...]:
        """The index's path terms that one of the query's words matches."""
        if not keywords:
            return ()
        return tuple(sorted(t for t in self.terms(repo) if any(word_matches_term(w, t) for w in keywords)))


def gather(
    store: Store,
    profile: QueryProfile,
    dense: list[float] | None,
    sparse: SparseVec | None,
    search_filter: SearchFilter,
    size: int,
    path_terms: tuple[str, ...] = (),
) -> list[Candidate]:
    """Every candidate for the query; `dense` or `sparse` is None when the mode leaves that search out.

    `path_terms` are the index's path terms the query's words match (`PathVocabulary.matching`).
    """
    asked: list[tuple[str, str | None, VectorQuery]] = []
    if dense is not None:
        asked.append(("dense", "dense", VectorQuery(DENSE, dense, search_filter, size)))
    if sparse is not None:
        asked.append(("bm25", "bm25", VectorQuery(SPARSE, sparse, search_filter, size)))
    using, vector, field = (DENSE, dense, "dense") if dense is not None else (SPARSE, sparse, "bm25")
    if not profile.is_code and vector is not None:
        names = tuple(sorted({n.lower() for n in profile.names}))
        if names:
            asked.append(("name", field, VectorQuery(using, vector, _also(search_filter, "name", names), NAME_LOOKUP)))
        if path_terms:
            asked.append(("path", field, VectorQuery(using, vector, _also(search_filter, "path_terms", path_terms), PATH_LOOKUP)))
    pool = Pool()
    for (found_by, score_field, _), hits in zip(asked, store.search_batch([query for _, _, query in asked])):
        pool.add(hits, found_by, score_field)
    return pool.candidates()


def _also(search_filter: SearchFilter, field: str, values: tuple[str, ...]) -> SearchFilter:
    return replace(search_filter, match_any=(*search_filter.match_any, (field, values)))
