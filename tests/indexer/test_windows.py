"""Long chunks are split into windows that each fit the model, keep the header and cover every line."""

from __future__ import annotations

from codesift.chunks import Chunk
from indexer.windows import OVERLAP_LINES, fit_to_window


def _chunk(code: str, start: int = 10) -> Chunk:
    lines = code.count("\n")
    return Chunk("r", "pkg/mod.py", "python", "method", "Parser.parse", "def parse(self, text):", start, start + lines, code, parent="Parser")


def test_short_chunk_is_kept_whole(minilm):
    chunk = _chunk("def parse(self, text):\n    return text.split()")
    fitted, counts = fit_to_window([chunk], minilm.count_tokens, minilm.document_token_budget())
    assert fitted == [chunk]
    assert counts == minilm.count_tokens([chunk.embed_text()])


def test_long_function_becomes_fitting_overlapping_windows(minilm):
    body = "\n".join(f"    value_{i} = compute_something(value_{i - 1}, factor={i})" for i in range(1, 301))
    chunk = _chunk("def parse(self, text):\n" + body)
    budget = minilm.document_token_budget()
    fitted, counts = fit_to_window([chunk], minilm.count_tokens, budget)
    assert len(fitted) > 5
    assert counts == minilm.count_tokens([c.embed_text() for c in fitted])
    # Nothing is truncated: every window fits the model's window, special tokens included.
    assert max(counts) <= budget
    assert all(len(minilm.tokenizer(c.embed_text())["input_ids"]) <= minilm.max_seq_length for c in fitted)
    assert [c.window for c in fitted] == list(range(len(fitted)))
    assert all(c.header() == chunk.header() and c.symbol == "Parser.parse" for c in fitted)
    assert fitted[0].start_line == chunk.start_line and fitted[-1].end_line == chunk.end_line
    covered = set()
    for before, after in zip(fitted, fitted[1:]):
        assert after.start_line <= before.end_line + 1
        assert before.end_line - after.start_line + 1 <= OVERLAP_LINES
    for c in fitted:
        covered.update(range(c.start_line, c.end_line + 1))
    assert covered == set(range(chunk.start_line, chunk.end_line + 1))


def test_single_enormous_line_is_cut_not_truncated(minilm):
    line = "x = [" + ", ".join(str(i) for i in range(20000)) + "]"
    chunk = _chunk(line, start=1)
    fitted, counts = fit_to_window([chunk], minilm.count_tokens, minilm.document_token_budget())
    assert len(fitted) > 10 and max(counts) <= minilm.document_token_budget()
    # Windows are consecutive (possibly overlapping) slices that together cover the whole line.
    position, covered_to = 0, 0
    for c in fitted:
        position = line.index(c.code, position)
        assert position <= covered_to
        covered_to = position + len(c.code)
    assert covered_to == len(line)
    assert all(c.start_line == c.end_line == 1 for c in fitted)
