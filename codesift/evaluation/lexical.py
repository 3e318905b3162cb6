"""In-memory BM25 (bm25s) over code-aware tokens, for hard-negative mining and the evaluation baseline.

Identifiers are split the way people search for them (`codesift.identifiers.code_tokens`).
"""

from __future__ import annotations

import bm25s
import numpy as np

from codesift.identifiers import code_tokens


class BM25Index:
    def __init__(self, texts: list[str]) -> None:
        self.size = len(texts)
        self._bm25 = bm25s.BM25()
        self._bm25.index([code_tokens(t) or ["<empty>"] for t in texts], show_progress=False)

    def search(self, queries: list[str], k: int) -> tuple[np.ndarray, np.ndarray]:
        """(document indices, scores), each of shape (len(queries), min(k, size)), best first."""
        k = min(k, self.size)
        tokens = [code_tokens(q) or ["<empty>"] for q in queries]
        ids, scores = self._bm25.retrieve(tokens, k=k, show_progress=False, n_threads=1)
        return np.asarray(ids), np.asarray(scores)
