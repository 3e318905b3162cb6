"""Drawing shared by the pages: one search hit, a source of an answer, and errors as one-line messages."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

import streamlit as st

from codesift.errors import CodesiftError
from retriever.search import SearchHit
from ui.code_view import code_html, line_numbers
from ui.links import source_url

ANY = "all"  # the filter choice that filters nothing
TALL_HIT_LINES = 30  # longer hits scroll inside a box of this height
LINE_PX = 21
# What each retriever signal means to a reader (SearchHit.signals).
SIGNAL_NAMES = {"dense": "meaning", "bm25": "keywords", "name": "definition name", "path": "file path"}


def one_line(exc: Exception) -> str:
    """What the user is told about a failure: a codesift error's own line, else its type and first line."""
    if isinstance(exc, CodesiftError):
        return str(exc)
    first_line = (str(exc).strip().splitlines() or [""])[0]
    return f"unexpected error: {type(exc).__name__}: {first_line}"


@contextmanager
def errors_as_messages() -> Iterator[None]:
    """Show a failure as one line in the page instead of a traceback; the page goes on rendering."""
    try:
        yield
    except Exception as exc:  # noqa: BLE001 - the page must never show a traceback
        st.error(one_line(exc))


def hit_url(hit: SearchHit, repos: dict[str, dict]) -> str | None:
    info = repos.get(hit.repo, {})
    path = f"{info['subdir']}/{hit.path}" if info.get("subdir") else hit.path
    return source_url(info.get("url"), info.get("commit"), path, hit.start_line, hit.end_line)


def show_code(hit: SearchHit) -> None:
    """The hit's code, highlighted, numbered with the file's own lines."""
    numbers = line_numbers(hit.code, hit.start_line, hit.end_line)
    height = None if len(numbers) <= TALL_HIT_LINES else TALL_HIT_LINES * LINE_PX
    st.html(code_html(hit.code, hit.language, numbers, height))


def relevance(hit: SearchHit, best: float) -> str:
    """A score a person can read: this hit's share of the best hit's score in the same search."""
    return f"{max(0, round(100 * hit.score / best)) if best > 0 else 0} %"


def found_by(hit: SearchHit) -> str:
    return " ".join(f":blue-badge[{SIGNAL_NAMES.get(signal, signal)}]" for signal in hit.signals)


def show_hit(
    rank: int,
    hit: SearchHit,
    repos: dict[str, dict],
    on_similar: Callable[[SearchHit], None] | None = None,
    best: float | None = None,
) -> None:
    """`rank. repo:path:Lx-Ly` and symbol; relevance to the best hit and what found it; a web link and "find similar"; the code.

    `best` is the top score of the search the hit belongs to (the hit's own when None); the raw ranking score
    is only in the tooltip: it compares hits within one search, nothing more.
    """
    with st.container(border=True):
        st.markdown(f"**{rank}. `{hit.repo}:{hit.path}:{hit.start_line}-{hit.end_line}`** · `{hit.symbol or hit.kind}`")
        share = relevance(hit, hit.score if best is None else best)
        st.markdown(
            f"relevance **{share}** · found by {found_by(hit) or 'ranking'}",
            help=f"{share} of the best hit's score in this search. Raw ranking score {hit.score:.3f} (fused dense and "
            "BM25 scores plus the ranking signals): it only orders the hits of one search.",
        )
        url = hit_url(hit, repos)
        with st.container(horizontal=True):
            if url:
                st.link_button("Open file", url, icon=":material/open_in_new:")
            if on_similar is not None:
                st.button("Find similar", key=f"similar-{rank}-{hit.id}", on_click=on_similar, args=(hit,), icon=":material/search:")
        st.caption(f"lines {hit.start_line}–{hit.end_line} · {hit.language or 'text'} · {hit.kind}")
        show_code(hit)
