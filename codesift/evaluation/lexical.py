"""In-memory BM25 (bm25s) over code-aware tokens, for hard-negative mining and the evaluation baseline.

Identifiers are split the way people search for them: `parseHTTPHeader_v2`
gives `parse`, `http`, `header`, `v2`, plus the whole identifier.
"""

from __future__ import annotations

import re

import bm25s
import numpy as np

_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*|\d+")
_PART = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|\d+")


def code_tokens(text: str) -> list[str]:
    tokens: list[str] = []
    for identifier in _IDENTIFIER.findall(text):
        parts = [p.lower() for p in _PART.findall(identifier)]
        tokens.extend(parts)
        if len(parts) > 1:
            tokens.append(identifier.lower())
    return tokens


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
