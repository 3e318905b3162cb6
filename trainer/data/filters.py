"""Which mined pairs are worth training on: each check returns a short reason to drop, or None to keep.

Reasons are counted in the mining report, so a user sees what was left out and why.
"""

from __future__ import annotations

import re

MIN_DOC_WORDS = 3
MAX_QUERY_WORDS = 80
MIN_CODE_LINES = 2  # a signature and one statement is a whole function (CoSQA is full of them)
MAX_CODE_LINES = 200
MAX_CODE_CHARS = 8000

_BOILERPLATE = re.compile(
    r"^\s*(todo|fixme|xxx|constructor|destructor|initiali[sz]es? (self|the object|a new instance)|"
    r"initiali[sz]e self|docstring|no ?doc|see (base|super|parent) class|see above|"
    r"(inherit|copy) ?doc|overrides?\b|@?inheritdoc|implementation of|stub|deprecated\.?$|"
    r"(getter|setter) (for|of)|returns? (the )?(value|result)\.?$|helper( function)?\.?$)",
    re.IGNORECASE,
)
_GENERATED = re.compile(
    r"auto-?generated|generated (by|from|with|automatically)|do not edit|code generator|"
    r"this file was generated|@generated",
    re.IGNORECASE,
)
# A doc that is only a call signature ("execvpe(file, args, env)", "capwords(s [,sep]) -> string"): no description.
_SIGNATURE = re.compile(r"^[\w.]+\([^()]*\)(\s*->\s*\S+)?\s*\.?$")
_TEST_PATH = re.compile(
    r"(^|/)(tests?|testing|test_?suite|spec|specs|__tests__|idle_test|unittests?)/|"
    r"(^|/)(test_[^/]*|[^/]*_test|[^/]*_tests|conftest)\.py$|(^|/)[^/]*_test\.go$|"
    r"(^|/)[^/]*Tests?\.(java|kt|cs)$|(^|/)[^/]*\.(test|spec)\.[jt]sx?$",
    re.IGNORECASE,
)
_VENDORED_PATH = re.compile(
    r"(^|/)(_?vendor(ed)?|third[_-]?party|external|extern|node_modules|bower_components|"
    r"_vendored|site-packages/[^/]+/_vendor)/",
    re.IGNORECASE,
)


def path_reason(path: str) -> str | None:
    if _TEST_PATH.search(path):
        return "test code"
    if _VENDORED_PATH.search(path):
        return "vendored code"
    return None


def doc_reason(doc: str, symbol: str = "") -> str | None:
    """Why a doc (or its summary) makes a poor query or description."""
    words = doc.split()
    if len(words) < MIN_DOC_WORDS:
        return "doc too short"
    if _GENERATED.search(doc):
        return "generated code"
    if _BOILERPLATE.match(doc):
        return "boilerplate doc"
    if _SIGNATURE.match(doc.strip()):
        return "doc is only a signature"
    name = symbol.rsplit(".", 1)[-1].casefold()
    if name and " ".join(words).casefold().rstrip(".") in {name, name.replace("_", " ")}:
        return "doc repeats the name"
    return None


def code_reason(code: str) -> str | None:
    if _GENERATED.search(code[:2000]):
        return "generated code"
    lines = [line for line in code.split("\n") if line.strip()]
    if len(lines) < MIN_CODE_LINES:
        return "code too short"
    if len(lines) > MAX_CODE_LINES or len(code) > MAX_CODE_CHARS:
        return "code too long"
    return None


def query_reason(query: str) -> str | None:
    if len(query.split()) > MAX_QUERY_WORDS:
        return "query too long"
    return None
