"""Search page: NL2Code, Code2Code and TechQA over the index, with filters, highlighted hits and "find similar".

A search runs when the form is submitted or "Find similar" is pressed; other reruns (opening a filter,
scrolling) redraw the hits kept in the session instead of searching again.
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from codesift.store import SearchFilter
from retriever.code_query import find_similar
from retriever.search import MODES, SearchHit
from ui.render import ANY, errors_as_messages, show_hit
from ui.resources import current_index

TASK_LABELS = {"nl2code": "NL2Code", "code2code": "Code2Code", "techqa": "TechQA"}


@dataclass(frozen=True)
class SearchRequest:
    query: str
    task: str
    search_filter: SearchFilter
    k: int
    mode: str
    location_repo: str | None = None  # where a "find similar" location lives


def run(request: SearchRequest) -> list[SearchHit]:
    searcher = current_index().searcher()
    if request.task == "code2code":
        return find_similar(
            searcher, request.query, search_filter=request.search_filter, k=request.k, mode=request.mode,
            location_repo=request.location_repo,
        )
    return searcher.search(request.query, task=request.task, mode=request.mode, search_filter=request.search_filter, k=request.k)


def _chosen(key: str) -> str | None:
    value = st.session_state.get(key, ANY)
    return None if value == ANY else value


def current_filter() -> SearchFilter:
    return SearchFilter(repo=_chosen("repo"), language=_chosen("language"), path_glob=st.session_state.get("path_glob") or None)


def find_similar_to(hit: SearchHit) -> None:
    """"Find similar" on a hit: a Code2Code search from that chunk's lines, with the current filters."""
    location = f"{hit.path}:{hit.start_line}-{hit.end_line}"
    st.session_state.task = "code2code"
    st.session_state.code_query = location
    st.session_state.request = SearchRequest(
        location, "code2code", current_filter(), st.session_state.k, st.session_state.mode, location_repo=hit.repo
    )


DEFAULTS = {"task": "nl2code", "k": 10, "mode": "hybrid"}


def sidebar(repos: dict[str, dict]) -> None:
    with st.sidebar:
        st.selectbox("Repository", [ANY, *repos], key="repo")
        st.selectbox("Language", [ANY, *current_index().languages(_chosen("repo"))], key="language")
        st.text_input("Path glob", key="path_glob", placeholder="src/**/*.py", help="Only files matching this glob.")
        st.slider("Hits", 1, 50, key="k")
        st.selectbox("Signals", MODES, key="mode", help="hybrid fuses dense vectors and BM25.")


def search_form() -> SearchRequest | None:
    task = st.segmented_control("Task", list(TASK_LABELS), format_func=TASK_LABELS.get, key="task", required=True)
    with st.form("search"):
        if task == "code2code":
            query = st.text_area(
                "Code", key="code_query", height=140,
                placeholder="Paste code, or give path:start-end inside an indexed repository",
            )
        else:
            label = "Question about the code or its docs" if task == "techqa" else "Describe the code you are looking for"
            query = st.text_input(label, key="nl_query", placeholder="e.g. parse an email address into its parts")
        submitted = st.form_submit_button("Search", type="primary", icon=":material/search:")
    if submitted and query.strip():
        return SearchRequest(query.strip(), task, current_filter(), st.session_state.k, st.session_state.mode)
    return None


def main() -> None:
    st.title("Search")
    with errors_as_messages():
        repos = current_index().repos()
        if not repos:
            st.info("Nothing is indexed yet: add a repository on the Index page (or run `codesift index PATH`).")
            st.page_link("pages/index.py", label="Go to the Index page", icon=":material/add:")
            return
        for key, value in DEFAULTS.items():
            st.session_state.setdefault(key, value)
        sidebar(repos)
        submitted = search_form()
        if submitted is not None:
            st.session_state.request = submitted
        request: SearchRequest | None = st.session_state.get("request")
        if request is None:
            st.caption(f"{len(repos)} repositories indexed with {current_index().model}.")
            return
        kept = st.session_state.get("results")
        if kept is None or kept[0] != request:
            with st.spinner("searching…"):
                kept = (request, run(request))
            st.session_state.results = kept
        hits = kept[1]
        what = f"code similar to `{request.location_repo}:{request.query}`" if request.location_repo else f"`{request.query[:80]}`"
        st.caption(f"{len(hits)} hits for {what} · {TASK_LABELS[request.task]} · {request.mode}")
        if not hits:
            st.warning("No hits: loosen the filters or rephrase.")
        for rank, hit in enumerate(hits, 1):
            show_hit(rank, hit, repos, on_similar=find_similar_to)


main()
