"""What a query asks for: a symbol or plain words, the names and words in it, and whether it wants docs or tests.

A bare or qualified identifier (`APIRouter`, `field_validator`, `Sinatra::Base`, `http.Client.Do`,
`getUser()`) is a symbol query; anything else is semantic. A semantic query may still name identifiers
(`how does ZodType parse`), which count as names at half strength.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from codesift.identifiers import code_tokens

_SEPARATORS = re.compile(r"::|->|\\|#|\.")
_WORD = r"[A-Za-z_$][A-Za-z0-9_$]*"
_QUALIFIED = re.compile(rf"^{_WORD}(?:(?:::|->|\\|#|\.){_WORD})*(?:\(\))?$")
# In a sentence, identifiers are words with an inner capital or an underscore: ZodType, safeParse, max_len.
_EMBEDDED = re.compile(r"\b(?:[A-Z][a-z0-9]+[A-Z][A-Za-z0-9]*|[a-z][a-z0-9]*[A-Z][A-Za-z0-9]*|[A-Za-z0-9]+_[A-Za-z0-9_]+)\b")
STOPWORDS = frozenset(
    "a an and are as at be by can do does for from get gets has have how i if in into is it its of on or set "
    "the their then there this to use used uses using via what when where which while who why with work "
    "works".split()
)
_DOC_WORDS = frozenset("docs doc documentation readme guide tutorial changelog".split())
_TEST_WORDS = frozenset("test tests testing spec specs fixture fixtures mock mocks".split())
_EXAMPLE_WORDS = frozenset("example examples sample samples demo".split())


@dataclass(frozen=True)
class QueryProfile:
    text: str
    task: str
    is_symbol: bool
    names: tuple[str, ...]  # identifiers the query names, as typed (last part of a qualified one first)
    qualified: str  # a qualified symbol query with `.` separators (`Sinatra.Base`), else ""
    keywords: tuple[str, ...]  # lower-case words that may name a file or directory
    wants_docs: bool
    wants_tests: bool
    wants_examples: bool

    @property
    def is_code(self) -> bool:
        """Code2Code and the other code-as-query tasks: no name or path signals apply."""
        return self.task in ("code2code", "code2nl", "code2completion")


def is_symbol_query(text: str) -> bool:
    """A bare or qualified identifier that is not a plain lower-case word (those read as words)."""
    text = text.strip()
    if not _QUALIFIED.match(text):
        return False
    bare = text.removesuffix("()")
    return bool(_SEPARATORS.search(bare)) or bare != bare.lower() or "_" in bare or text.endswith("()")


def profile_query(text: str, task: str = "nl2code") -> QueryProfile:
    text = text.strip()
    words = set(code_tokens(text))
    symbol = is_symbol_query(text)
    if symbol:
        parts = [p for p in _SEPARATORS.split(text.removesuffix("()")) if p]
        names = (parts[-1],)
        qualified = ".".join(parts) if len(parts) > 1 else ""
    else:
        names = tuple(dict.fromkeys(_EMBEDDED.findall(text)))
        qualified = ""
    keywords = tuple(sorted(w for w in words if len(w) > 2 and w not in STOPWORDS and not w.isdigit()))
    return QueryProfile(
        text=text,
        task=task,
        is_symbol=symbol,
        names=names,
        qualified=qualified,
        keywords=keywords,
        wants_docs=task == "techqa" or bool(words & _DOC_WORDS),
        wants_tests=bool(words & _TEST_WORDS),
        wants_examples=bool(words & _EXAMPLE_WORDS),
    )
