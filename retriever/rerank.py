"""Reranking stage: reorder the top candidates with a cross-encoder when one is configured.

None by default (nothing to download offline). Any sentence-transformers
`CrossEncoder` works: a local directory, or a hub id for users with the hub
(e.g. `cross-encoder/ms-marco-MiniLM-L-6-v2`).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Protocol

from codesift.errors import ModelLoadError


class Reranker(Protocol):
    def rerank(self, query: str, hits: list) -> list:
        """The same hits, best first, with their scores replaced by the reranker's."""


class CrossEncoderReranker:
    def __init__(self, model_name_or_path: str, max_length: int = 512):
        from sentence_transformers import CrossEncoder

        try:
            self.model = CrossEncoder(model_name_or_path, max_length=max_length, device="cpu")
        except Exception as exc:
            first = (str(exc).strip().splitlines() or [type(exc).__name__])[0][:300]
            raise ModelLoadError(f"cannot load reranker {model_name_or_path!r}: {first}") from None

    def rerank(self, query: str, hits: list) -> list:
        if not hits:
            return hits
        scores = self.model.predict([(query, h.code) for h in hits], show_progress_bar=False)
        ranked = sorted(zip(scores, hits), key=lambda pair: -float(pair[0]))
        return [replace(h, score=round(float(s), 6)) for s, h in ranked]


def load_reranker(name_or_path: str | None) -> Reranker | None:
    return CrossEncoderReranker(name_or_path) if name_or_path else None
