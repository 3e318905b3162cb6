"""One file's text → its chunks (``codesift.chunks.Chunk``).

Code goes through tree-sitter (`indexer.code_spans`), Markdown and
reStructuredText are split by headings (`indexer.prose`), any other text into
overlapping line windows (`indexer.spans`). Spans longer than MAX_CHUNK_LINES
become line windows here.
"""

from __future__ import annotations

from codesift.chunks import Chunk
from indexer.code_spans import code_spans
from indexer.languages import CODE_LANGUAGES, language_for_path
from indexer.prose import markdown_spans, rst_spans
from indexer.spans import text_spans, windows

MAX_CHUNK_LINES = 2000  # longer chunks (a huge function) become line windows


def chunk_file(repo: str, path: str, text: str) -> list[Chunk]:
    """Split one decoded file into chunks ordered by start line; [] for a blank file."""
    if not text.strip():
        return []
    language = language_for_path(path)
    lines = text.split("\n")
    if language in CODE_LANGUAGES:
        spans = code_spans(language, text, lines)
    elif language == "markdown":
        spans = markdown_spans(lines)
    elif language == "rst":
        spans = rst_spans(lines)
    else:
        spans = text_spans(lines)
    chunks: list[Chunk] = []
    for whole in spans:
        too_long = whole.summary is None and whole.end - whole.start + 1 > MAX_CHUNK_LINES
        for span in windows(whole) if too_long else [whole]:
            code = span.summary if span.summary is not None else "\n".join(lines[span.start - 1 : span.end])
            if code.strip():
                chunks.append(
                    Chunk(repo, path, language, span.kind, span.symbol, span.signature,
                          span.start, span.end, code, span.parent, span.window)
                )
    chunks.sort(key=lambda c: (c.start_line, -c.end_line, c.symbol, c.window))
    return chunks

