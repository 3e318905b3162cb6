"""Doc comments and docstrings: split one from the code it documents, and shorten it to a summary.

Python: the docstring (first statement string of the function or class body).
Other languages: the comment block directly above the definition, which the
chunker keeps at the top of the chunk (`/** … */`, `///`, `//`, `#`).
"""

from __future__ import annotations

import ast
import re
import textwrap
from dataclasses import dataclass

_LINE_COMMENT = re.compile(r"^\s*(///?|#(?![\[!]))")
_BLOCK_START = re.compile(r"^\s*/\*\*?")
_BLOCK_END = re.compile(r"\*/\s*$")
_BLOCK_MIDDLE = re.compile(r"^\s*\*(?!/) ?")
# Where a summary ends: parameter / return / example sections of the common doc styles.
_SECTION = re.compile(
    r"^\s*(:param|:type|:return|:rtype|:raises|@param|@return|@throws|@see|@since|@deprecated|"
    r"(Args|Arguments|Parameters|Params|Returns?|Yields?|Raises|Examples?|Notes?|See Also|Attributes)\s*:?\s*$|"
    r"-{3,}\s*$|>>>)",
    re.IGNORECASE,
)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z])")
SUMMARY_MAX_WORDS = 64


@dataclass(frozen=True)
class DocSplit:
    doc: str  # the documentation text, comment markers and common indentation removed
    code: str  # the chunk without its documentation


def split_doc(code: str, language: str) -> DocSplit | None:
    """The chunk's documentation and the code without it; None when it has none."""
    if language == "python":
        return _split_python(code)
    return _split_leading_comment(code)


def summary(doc: str) -> str:
    """The first paragraph of a doc, without its parameter/return sections, on one line."""
    kept: list[str] = []
    for line in doc.strip().splitlines():
        if _SECTION.match(line) or (not line.strip() and kept):
            break
        if line.strip():
            kept.append(line.strip())
    text = " ".join(kept)
    words = text.split()
    if len(words) > SUMMARY_MAX_WORDS:
        first = _SENTENCE_END.split(text, maxsplit=1)[0]
        text = first if len(first.split()) <= SUMMARY_MAX_WORDS else " ".join(words[:SUMMARY_MAX_WORDS])
    return text


def _split_python(code: str) -> DocSplit | None:
    dedented = textwrap.dedent(code)
    try:
        module = ast.parse(dedented)
    except (SyntaxError, ValueError):
        return None
    definition = next(
        (node for node in module.body if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))), None
    )
    if definition is None or not definition.body:
        return None
    first = definition.body[0]
    if not (isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) and isinstance(first.value.value, str)):
        return None
    if first.lineno == definition.lineno:  # def f(): "doc" on one line
        return None
    lines = code.split("\n")
    start, end = first.lineno - 1, first.end_lineno  # 0-based start, exclusive end
    rest = lines[:start] + lines[end:]
    if not any(line.strip() for line in lines[end:]):
        rest.append(" " * _indent(lines[start]) + "pass")  # a body that was only the docstring
    return DocSplit(doc=ast.get_docstring(definition, clean=True) or "", code="\n".join(rest))


def _split_leading_comment(code: str) -> DocSplit | None:
    lines = code.split("\n")
    doc_lines: list[str] = []
    i = 0
    if i < len(lines) and _BLOCK_START.match(lines[i]):
        while i < len(lines):
            line = lines[i]
            closed = bool(_BLOCK_END.search(line))
            line = _BLOCK_END.sub("", _BLOCK_START.sub("", line)) if i == 0 else _BLOCK_END.sub("", line)
            doc_lines.append(_BLOCK_MIDDLE.sub("", line, count=1))
            i += 1
            if closed:
                break
        else:
            return None  # an unclosed block comment: not a doc comment we understand
    else:
        while i < len(lines) and _LINE_COMMENT.match(lines[i]):
            doc_lines.append(_LINE_COMMENT.sub("", lines[i], count=1))
            i += 1
    doc = textwrap.dedent("\n".join(doc_lines)).strip()
    body = "\n".join(lines[i:]).strip("\n")
    if not doc or not body.strip():
        return None
    return DocSplit(doc=doc, code=body)


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip())
