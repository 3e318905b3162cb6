"""The candidate pool of one query, gathered in one round trip to the engine.

Dense and BM25 searches (as the mode asks), plus two look-ups that a plain search can miss: the
definitions of the names the query mentions (`name` payload) and chunks of files whose name or
directories hold the query's words (`path_terms` payload). Look-ups are ranked by the query's embedding
(or its BM25 vector in BM25 mode), so their scores compare with the dense search's.
"""

from __future__ import annotations

from dataclasses import replace

from codesift.store import SearchFilter, SparseVec, Store, VectorQuery
from codesift.store.base import DENSE, SPARSE
from retriever.ranking import Pool
from retriever.ranking.paths import term_variants
from retriever.ranking.pool import Candidate
from retriever.ranking.query import QueryProfile

NAME_LOOKUP = 20  # definitions of a queried name
PATH_LOOKUP = 30  # chunks of files whose path holds a query word


def gather(
    store: Store,
    profile: QueryProfile,
    dense: list[float] | None,
    sparse: SparseVec | None,
    search_filter: SearchFilter,
    size: int,
) -> list[Candidate]:
    """Every candidate for the query; `dense` or `sparse` is None when the mode leaves that search out."""
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
        terms = tuple(sorted({v for word in profile.keywords for v in term_variants(word)}))
        if terms:
            asked.append(("path", field, VectorQuery(using, vector, _also(search_filter, "path_terms", terms), PATH_LOOKUP)))
    pool = Pool()
    for (found_by, score_field, _), hits in zip(asked, store.search_batch([query for _, _, query in asked])):
        pool.add(hits, found_by, score_field)
    return pool.candidates()


def _also(search_filter: SearchFilter, field: str, values: tuple[str, ...]) -> SearchFilter:
    return replace(search_filter, match_any=(*search_filter.match_any, (field, values)))
