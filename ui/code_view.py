"""A chunk's code as highlighted HTML numbered with the file's own lines (st.code can only number from 1).

Pygments escapes the code and highlights it; the line numbers sit in a column of their own that a selection
does not copy. Leading and trailing blank lines are kept, so line n of a verbatim chunk is start + n - 1.
A class summary is not verbatim (member bodies are elided to `...`): its lines are numbered up to the first
elision, the rest stay unnumbered rather than numbered wrongly.
"""

from __future__ import annotations

import html
import re

from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexer import Lexer
from pygments.lexers import TextLexer, get_lexer_by_name
from pygments.util import ClassNotFound

CSS_CLASS = "codesift-code"
STYLE = "default"
ELIDED = re.compile(r"(?:\{ \.\.\. \}|=> \.\.\.|= \.\.\.|\.\.\.)\s*$")  # the chunker's markers for an elided body
LAYOUT = f"""
.{CSS_CLASS} {{ border-radius: 0.5rem; padding: 0.4rem 0; color: #1f2328; overflow: auto; }}
.{CSS_CLASS} table {{ border: none; margin: 0; border-collapse: collapse; }}
.{CSS_CLASS} td {{ border: none; padding: 0 0.75rem; vertical-align: top; }}
.{CSS_CLASS} pre {{ margin: 0; padding: 0; background: transparent; font-size: 0.85rem; line-height: 1.45; }}
.{CSS_CLASS} td.linenos pre {{ color: #8c959f; text-align: right; user-select: none; }}
"""


def line_numbers(code: str, start: int, end: int) -> list[int | None]:
    """The file's line number of each line of `code` (lines start..end of its file); None where it is not known."""
    lines = code.split("\n")
    if len(lines) == end - start + 1:
        return list(range(start, end + 1))
    numbers: list[int | None] = []
    for offset, line in enumerate(lines):
        numbers.append(start + offset)
        if ELIDED.search(line):
            break
    return numbers + [None] * (len(lines) - len(numbers))


def lexer_for(language: str | None) -> Lexer:
    options = {"stripnl": False, "ensurenl": False, "startinline": True}  # startinline: PHP without `<?php`
    try:
        return get_lexer_by_name(language or "text", **options)
    except ClassNotFound:
        return TextLexer(**options)


def code_html(code: str, language: str | None, numbers: list[int | None], max_height_px: int | None = None) -> str:
    """`code` highlighted beside its line numbers (one per line, None drawn blank); taller code scrolls."""
    formatter = HtmlFormatter(nowrap=True, style=STYLE)
    body = highlight(code, lexer_for(language), formatter).removesuffix("\n")
    column = "\n".join("" if n is None else str(n) for n in numbers)
    css = formatter.get_style_defs(f".{CSS_CLASS}") + LAYOUT
    height = f' style="max-height: {max_height_px}px"' if max_height_px else ""
    return (
        f'<style>{css}</style><div class="{CSS_CLASS}"{height}><table><tr>'
        f'<td class="linenos"><pre>{html.escape(column)}</pre></td>'
        f'<td class="code"><pre><code>{body}</code></pre></td></tr></table></div>'
    )
