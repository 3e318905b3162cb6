"""Drawing shared by the pages: one search hit, a source of an answer, and errors as one-line messages."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

import streamlit as st

from codesift.errors import CodesiftError
from retriever.search import SearchHit
from ui.links import source_url

ANY = "all"  # the filter choice that filters nothing
TALL_HIT_LINES = 30  # longer hits scroll inside a box of this height
LINE_PX = 21
# Our language names that the highlighter spells differently.
HIGHLIGHT_NAMES = {"rst": "rest"}


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
    lines = hit.code.count("\n") + 1
    height = "content" if lines <= TALL_HIT_LINES else TALL_HIT_LINES * LINE_PX
    st.code(hit.code, language=HIGHLIGHT_NAMES.get(hit.language, hit.language or "text"), line_numbers=True, height=height)


def show_hit(
    rank: int,
    hit: SearchHit,
    repos: dict[str, dict],
    on_similar: Callable[[SearchHit], None] | None = None,
) -> None:
    """`rank. repo:path:Lx-Ly`, symbol, score and signals; a web link and "find similar"; the highlighted code."""
    with st.container(border=True):
        found_by = " ".join(f":blue-badge[{signal}]" for signal in hit.signals)
        st.markdown(
            f"**{rank}. `{hit.repo}:{hit.path}:{hit.start_line}-{hit.end_line}`** · `{hit.symbol or hit.kind}` "
            f"· score {hit.score:.3f} {found_by}"
        )
        url = hit_url(hit, repos)
        with st.container(horizontal=True):
            if url:
                st.link_button("Open file", url, icon=":material/open_in_new:")
            if on_similar is not None:
                st.button("Find similar", key=f"similar-{rank}-{hit.id}", on_click=on_similar, args=(hit,), icon=":material/search:")
        st.caption(f"lines {hit.start_line}–{hit.end_line} · {hit.language or 'text'} · {hit.kind}")
        show_code(hit)
