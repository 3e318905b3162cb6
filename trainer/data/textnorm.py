"""Normalised text for duplicate and leakage checks: case, spacing and layout do not make a pair new."""

from __future__ import annotations

import hashlib
import re

_SPACE = re.compile(r"\s+")


def normalize(text: str) -> str:
    """Whitespace runs collapsed to one space, trimmed, case-folded."""
    return _SPACE.sub(" ", text).strip().casefold()


def compact(text: str) -> str:
    """All whitespace removed, case-folded: the same code reformatted compares equal."""
    return _SPACE.sub("", text).casefold()


def norm_hash(text: str) -> str:
    return hashlib.blake2b(normalize(text).encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


def compact_hash(text: str) -> str:
    return hashlib.blake2b(compact(text).encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()
