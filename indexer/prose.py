"""Markdown and reStructuredText → one span per section, named by its heading path."""

from __future__ import annotations

import re

from indexer.spans import Span


_ATX = re.compile(r" {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$")
_FENCE = re.compile(r" {0,3}(`{3,}|~{3,})")
_SETEXT = re.compile(r" {0,3}(=+|-+)[ \t]*$")
_NOT_PARAGRAPH = re.compile(r" {4}| {0,3}(?:[-*+>|]|\d+[.)])(?:\s|$)")  # code, list, quote, table
_RST_ADORNMENT = re.compile(r"([!-/:-@\[-`{-~])\1{2,}[ \t]*$")

# A heading: (index of its first line, level, title, signature)
_Heading = tuple[int, int, str, str]


def _markdown_headings(lines: list[str]) -> list[_Heading]:
    headings: list[_Heading] = []
    fence = ""
    i = 0
    if lines and lines[0].strip() == "---":  # YAML front matter
        i = next((j + 1 for j in range(1, len(lines)) if lines[j].strip() in ("---", "...")), 0)
    previous_is_text = False
    for i in range(i, len(lines)):
        line = lines[i]
        opening = _FENCE.match(line)
        if fence:
            if opening and opening.group(1)[0] == fence[0] and len(opening.group(1)) >= len(fence):
                if not line.strip().strip(fence[0]):
                    fence = ""
            previous_is_text = False
            continue
        if opening:
            fence, previous_is_text = opening.group(1), False
            continue
        atx = _ATX.match(line)
        setext = _SETEXT.match(line)
        if atx:
            headings.append((i, len(atx.group(1)), (atx.group(2) or "").strip(), line.strip()))
        elif setext and previous_is_text:
            title = lines[i - 1].strip()
            headings.append((i - 1, 1 if setext.group(1)[0] == "=" else 2, title, title))
        previous_is_text = bool(line.strip()) and not atx and not setext and not _NOT_PARAGRAPH.match(line)
    return headings


def _rst_headings(lines: list[str]) -> list[_Heading]:
    headings: list[_Heading] = []
    styles: list[tuple[str, bool]] = []  # order of first use gives the level
    i, after_heading = 0, -1
    while i < len(lines) - 1:
        line, following = lines[i], lines[i + 1]
        over = _RST_ADORNMENT.match(line)
        if over and i + 2 < len(lines) and following.strip() and lines[i + 2].strip() == line.strip():
            style, title, consumed = (over.group(1), True), following.strip(), 3
        else:
            under = _RST_ADORNMENT.match(following)
            title = line.rstrip()
            fits = under and (len(following.strip()) >= len(title) or len(following.strip()) >= 4)
            standalone = i == 0 or not lines[i - 1].strip() or i == after_heading
            if not (fits and title and not line[0].isspace() and not over and standalone):
                i += 1
                continue
            style, consumed = (under.group(1), False), 2
        if style not in styles:
            styles.append(style)
        headings.append((i, styles.index(style) + 1, title.strip(), title.strip()))
        i += consumed
        after_heading = i
    return headings


def _section_spans(lines: list[str], headings: list[_Heading]) -> list[Span]:
    spans: list[Span] = []
    stack: list[tuple[int, str]] = []
    starts = [h[0] for h in headings] + [len(lines)]
    if headings and headings[0][0] > 0:
        spans.append(Span(1, headings[0][0], "section"))
    elif not headings:
        spans.append(Span(1, len(lines), "section"))
    for (start, level, title, signature), stop in zip(headings, starts[1:]):
        while stack and stack[-1][0] >= level:
            stack.pop()
        parent = " > ".join(t for _, t in stack)
        stack.append((level, title))
        spans.append(Span(start + 1, stop, "section", " > ".join(t for _, t in stack), signature, parent))
    for span in spans:
        while span.end > span.start and not lines[span.end - 1].strip():
            span.end -= 1
    return spans


def markdown_spans(lines: list[str]) -> list[Span]:
    return _section_spans(lines, _markdown_headings(lines))


def rst_spans(lines: list[str]) -> list[Span]:
    return _section_spans(lines, _rst_headings(lines))
