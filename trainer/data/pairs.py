"""Training pairs from one chunk, without an LLM.

Functions, methods and classes (their summary: header, doc and method
signatures) with a doc give docstring → code (nl2code) and code → docstring
(code2nl), the doc removed from the code; functions long enough give
signature + first lines → the rest (code2completion); documentation sections
give heading → section (techqa, text-only); long docs give summary → the rest
of the doc (techqa, text-only). Every candidate passes the filters; a rejected
one yields its reason instead of a row.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from codesift.chunks import Chunk
from trainer.data.docs import split_doc, summary
from trainer.data.filters import code_reason, doc_reason, query_reason
from trainer.data.rows import TrainingRow

CODE_KINDS = ("function", "method")
DOCUMENTED_KINDS = (*CODE_KINDS, "class")
NL_QUERY_TASKS = ("nl2code", "techqa")
COMPLETION_MIN_LINES = 6
COMPLETION_PREFIX = 0.4  # share of the lines after the signature given as the query
SECTION_MIN_WORDS = 15
DOC_BODY_MIN_WORDS = 25

_ADORNMENT = re.compile(r"^\s*([=\-~^*+#\"'`:.])\1+\s*$")

Candidate = TrainingRow | str  # a row, or the reason a candidate was dropped


def chunk_pairs(chunk: Chunk, tasks: frozenset[str]) -> Iterator[Candidate]:
    if chunk.window:
        return  # one window of a long chunk is not a whole function
    if chunk.kind in DOCUMENTED_KINDS:
        yield from _code_pairs(chunk, tasks)
    elif chunk.kind == "section" and "techqa" in tasks:
        yield from _section_pair(chunk)


def _row(chunk: Chunk, task: str, source: str, query: str, positive: str, language: str | None = None) -> Candidate:
    if task in NL_QUERY_TASKS and (reason := query_reason(query)):
        return reason
    return TrainingRow(
        query=query, positive=positive, task=task, source=source, language=chunk.language if language is None else language
    )


def _code_pairs(chunk: Chunk, tasks: frozenset[str]) -> Iterator[Candidate]:
    split = split_doc(chunk.code, chunk.language)
    code = split.code if split else chunk.code
    if reason := code_reason(code):
        yield reason
        return
    if split and tasks & {"nl2code", "code2nl", "techqa"}:
        query = summary(split.doc)
        if reason := doc_reason(query, chunk.symbol):
            yield reason
        else:
            if "nl2code" in tasks:
                yield _row(chunk, "nl2code", "docstring", query, code)
            if "code2nl" in tasks:
                yield _row(chunk, "code2nl", "docstring", code, split.doc)
            rest = split.doc.strip()[len(query) :].strip() if split.doc.strip().startswith(query[:40]) else ""
            if "techqa" in tasks and len(rest.split()) >= DOC_BODY_MIN_WORDS:
                yield _row(chunk, "techqa", "docstring-body", query, rest, language="text")
    if "code2completion" in tasks and chunk.kind in CODE_KINDS:  # a class summary has no bodies to complete
        yield from _completion_pair(chunk, code)


def _completion_pair(chunk: Chunk, code: str) -> Iterator[Candidate]:
    lines = code.rstrip("\n").split("\n")
    if sum(1 for line in lines if line.strip()) < COMPLETION_MIN_LINES:
        return
    signature_lines = max(1, len(chunk.signature.strip().split("\n")))
    cut = signature_lines + max(2, int((len(lines) - signature_lines) * COMPLETION_PREFIX))
    prefix, rest = "\n".join(lines[:cut]), "\n".join(lines[cut:])
    if sum(1 for line in rest.split("\n") if line.strip()) >= 2:
        yield _row(chunk, "code2completion", "completion", prefix, rest)


def _section_pair(chunk: Chunk) -> Iterator[Candidate]:
    query = chunk.symbol.replace(" > ", ": ")  # the heading path: "Guide: Install the package"
    lines = chunk.code.split("\n")[1:]
    if lines and _ADORNMENT.match(lines[0]):  # the underline of a Setext / reStructuredText heading
        lines = lines[1:]
    body = "\n".join(lines).strip()
    if len(chunk.symbol.split(" > ")[-1].split()) < 2:
        yield "heading too short"
    elif len(body.split()) < SECTION_MIN_WORDS:
        yield "section too short"
    else:
        yield _row(chunk, "techqa", "markdown", query, body)
