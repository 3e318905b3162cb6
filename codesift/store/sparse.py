"""BM25 sparse vectors, computed in-process by Qdrant's own BM25 embedder (no model download).

Documents get term-frequency weights, queries unit weights; the collection's
IDF modifier supplies inverse document frequency at search time, on the
embedded engine and on a server alike.
"""

from __future__ import annotations

from functools import lru_cache

import qdrant_edge

from codesift.store.records import SparseVec


# Recorded in collection metadata: vectors from another tokenizer would not match the stored ones.
SPARSE_MODEL = "qdrant-bm25/code-tokenizer/english"


@lru_cache(maxsize=1)
def _bm25() -> qdrant_edge.Bm25:
    # The code tokenizer splits snake_case and camelCase, so "render invoice" matches render_invoice_pdf.
    return qdrant_edge.Bm25(qdrant_edge.Bm25Config(language="english", tokenizer=qdrant_edge.TokenizerType.Code))


def bm25_document(text: str) -> SparseVec:
    vec = _bm25().embed_document(text)
    return SparseVec(list(vec.indices), list(vec.values))


def bm25_query(text: str) -> SparseVec:
    vec = _bm25().embed_query(text)
    return SparseVec(list(vec.indices), list(vec.values))
