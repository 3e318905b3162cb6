"""Identifier words the way people search for them: `parseHTTPHeader_v2` → `parse`, `http`, `header`, `v`, `2`.

Shared by everything that matches query words against code: in-memory BM25 (evaluation, hard negatives),
the path terms the indexer stores with every chunk, and the ranking stage's name and path signals.
"""

from __future__ import annotations

import functools
import re
from pathlib import PurePosixPath

IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*|\d+")
_PART = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|\d+")


def identifier_parts(identifier: str) -> list[str]:
    """The lower-case words of one identifier: `HTTPServer_v2` → `http`, `server`, `v`, `2`."""
    return [p.lower() for p in _PART.findall(identifier)]


def code_tokens(text: str) -> list[str]:
    """Every identifier's words, plus the whole identifier (lower case) when it has several."""
    tokens: list[str] = []
    for identifier in IDENTIFIER.findall(text):
        parts = identifier_parts(identifier)
        tokens.extend(parts)
        if len(parts) > 1:
            tokens.append(identifier.lower())
    return tokens


def path_terms(path: str) -> list[str]:
    """Words of a file's name (without its extensions) and of its directories, each once, lower case.

    `src/http_client/RequestOptions.swift` → `src`, `http`, `client`, `http_client`, `httpclient`, `request`,
    `options`, `requestoptions`: whole names are there too, so a query `RequestOptions` meets it as one word.
    """
    return list(_path_terms(path))


@functools.lru_cache(maxsize=4096)  # every chunk of a file asks for the same path
def _path_terms(path: str) -> tuple[str, ...]:
    pure = PurePosixPath(path.replace("\\", "/"))
    names = [*pure.parts[:-1], pure.name.split(".")[0] or pure.name]
    terms: dict[str, None] = {}
    for name in names:
        for token in code_tokens(name):
            terms[token] = None
        whole = re.sub(r"[^a-z0-9]", "", name.lower())
        if whole:
            terms[whole] = None
    return tuple(terms)
