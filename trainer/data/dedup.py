"""Exact and near-duplicate detection: normalised hashes, then MinHash LSH over token shingles.

The same function copied across packages (or reformatted) teaches nothing new
and, inside one batch, becomes a false negative for in-batch contrastive loss.
"""

from __future__ import annotations

import re

from datasketch import MinHash, MinHashLSH

from trainer.data.textnorm import compact_hash

_TOKEN = re.compile(r"\w+")
SHINGLE = 3


class Deduplicator:
    """Remembers what it has seen; `seen(text)` says why a text is a repeat, or None when it is new."""

    def __init__(self, threshold: float = 0.8, num_perm: int = 64) -> None:
        self.num_perm = num_perm
        template = MinHash(num_perm=num_perm)  # permutations drawn once, shared by every signature
        self._permutations, self._scheme = template.permutations, template.scheme
        self._hashes: set[str] = set()
        self._lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
        self._count = 0

    def seen(self, text: str) -> str | None:
        digest = compact_hash(text)
        if digest in self._hashes:
            return "exact duplicate"
        self._hashes.add(digest)
        signature = self._minhash(text)
        if signature is None:
            return None
        if self._lsh.query(signature):
            return "near duplicate"
        self._lsh.insert(str(self._count), signature)
        self._count += 1
        return None

    def _minhash(self, text: str) -> MinHash | None:
        tokens = _TOKEN.findall(text.casefold())
        if len(tokens) < SHINGLE:
            return None
        shingles = {" ".join(tokens[i : i + SHINGLE]).encode() for i in range(len(tokens) - SHINGLE + 1)}
        signature = MinHash(num_perm=self.num_perm, permutations=self._permutations, scheme=self._scheme)
        signature.update_batch(list(shingles))
        return signature
