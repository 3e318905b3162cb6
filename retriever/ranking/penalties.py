"""Step 5: documentation, tests, examples, compat shims and declaration stubs rank below source.

Nothing is dropped: their scores are multiplied down, unless the query or the task asks for them (a TechQA
question gets docs at full weight; "test runner for CLI commands" gets tests). Each kind is told by its
path (and, for docs, by its language); a chunk of several kinds takes every factor.
"""

from __future__ import annotations

import re
from functools import lru_cache

from retriever.ranking.pool import Candidate
from retriever.ranking.query import QueryProfile
from retriever.ranking.weights import RankingWeights

DOC_LANGUAGES = ("markdown", "rst", "text")
_DOC_DIR = re.compile(r"(?:^|/)(?:docs?|documentation|man|website|site)(?:/|$)", re.IGNORECASE)
_TEST_DIR = re.compile(r"(?:^|/)(?:tests?|__tests__|spec|specs|testing|testdata|fixtures?|e2e|benchmarks?)(?:/|$)", re.IGNORECASE)
_TEST_FILE = re.compile(
    r"(?:^|/)(?:test_[^/]*|[^/]*_(?:test|spec)s?\.[a-z]+|[^/]*\.(?:test|spec)\.[a-z]+|[^/]*(?:Tests?|Spec|Suite)\.[a-z]+|[^/]*\.bats)$"
)
_EXAMPLE_DIR = re.compile(r"(?:^|/)(?:_?examples?|samples?|demos?|docs?_src|tutorial)(?:/|$)", re.IGNORECASE)
_COMPAT_DIR = re.compile(r"(?:^|/)(?:_?compat|legacy|deprecated|vendor(?:ed)?|third_party|single_include)(?:/|$)", re.IGNORECASE)
_COMPAT_FILE = re.compile(r"(?:^|/)_?compat[^/]*$", re.IGNORECASE)
_DECLARATION_FILE = re.compile(r"(?:^|/)(?:[^/]*\.d\.[cm]?ts|__init__\.py|package-info\.java|mod\.rs)$")


@lru_cache(maxsize=8192)
def path_kinds(path: str, language: str = "") -> frozenset[str]:
    """Which of docs, tests, examples, compat, declarations a file is."""
    kinds = set()
    if language in DOC_LANGUAGES or _DOC_DIR.search(path):
        kinds.add("docs")
    if _TEST_DIR.search(path) or _TEST_FILE.search(path):
        kinds.add("tests")
    if _EXAMPLE_DIR.search(path):
        kinds.add("examples")
    if _COMPAT_DIR.search(path) or _COMPAT_FILE.search(path):
        kinds.add("compat")
    if _DECLARATION_FILE.search(path):
        kinds.add("declarations")
    return frozenset(kinds)


def apply_penalties(candidates: list[Candidate], profile: QueryProfile, weights: RankingWeights) -> None:
    if profile.is_code:
        return
    wanted = {"docs": profile.wants_docs, "tests": profile.wants_tests, "examples": profile.wants_examples}
    for c in candidates:
        for kind in path_kinds(c.path, c.payload.get("language", "")):
            if not wanted.get(kind, False):
                c.score *= getattr(weights, kind)
