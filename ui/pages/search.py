"""Search page: NL2Code, Code2Code and TechQA over the index, with filters, hits or files, and "find similar".

A search runs when the form is submitted or "Find similar" is pressed, after a refresh of the local
repositories it covers (files edited since are searched as they are now; what was refreshed shows above the
hits); other reruns (opening a filter, scrolling) redraw the hits kept in the session instead of searching again.
"""

from __future__ import annotations

import streamlit as st

from retriever.requests import SearchRequest, run_request
from retriever.search import MODES, FileHit, SearchHit
from ui.render import ANY, errors_as_messages, show_hit
from ui.resources import current_index

TASK_LABELS = {"nl2code": "NL2Code", "code2code": "Code2Code", "techqa": "TechQA"}


def run(request: SearchRequest) -> tuple[list[SearchHit] | list[FileHit], list[str]]:
    """The hits or files for `request`, and a line for each repository refreshed (or left stale) before it."""
    refreshed = current_index().freshness.before_search(request.repo)
    return run_request(current_index().searcher(), request), refreshed


def _chosen(key: str) -> str | None:
    value = st.session_state.get(key, ANY)
    return None if value == ANY else value


def request_for(query: str, task: str, location_repo: str | None = None) -> SearchRequest:
    """A request for the query with the sidebar's filters, hit count, signals and grouping."""
    return SearchRequest(
        query, task, st.session_state.mode, _chosen("repo"), _chosen("language"), st.session_state.get("path_glob") or None,
        k=st.session_state.k, files=st.session_state.by_file and task != "code2code", location_repo=location_repo,
    )


def find_similar_to(hit: SearchHit) -> None:
    """"Find similar" on a hit: a Code2Code search from that chunk's lines, with the current filters."""
    location = f"{hit.path}:{hit.start_line}-{hit.end_line}"
    st.session_state.task = "code2code"
    st.session_state.code_query = location
    st.session_state.request = request_for(location, "code2code", location_repo=hit.repo)


DEFAULTS = {"task": "nl2code", "k": 10, "mode": "hybrid", "by_file": False}


def sidebar(repos: dict[str, dict]) -> None:
    with st.sidebar:
        st.selectbox("Repository", [ANY, *repos], key="repo")
        st.selectbox("Language", [ANY, *current_index().languages(_chosen("repo"))], key="language")
        st.text_input("Path glob", key="path_glob", placeholder="src/**/*.py", help="Only files matching this glob.")
        st.slider("Hits", 1, 50, key="k")
        st.selectbox("Signals", MODES, key="mode", help="hybrid fuses dense vectors and BM25, then ranks.")
        st.toggle("Group by file", key="by_file", help="Ranked files, each with its best chunks: where is X implemented?")


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
    return request_for(query.strip(), task) if submitted else None


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
                kept = (request, *run(request))
            st.session_state.results = kept
        _, found, refreshed = kept
        for line in refreshed:
            st.caption(line)
        what = f"code similar to `{request.location_repo}:{request.query}`" if request.location_repo else f"`{request.query[:80]}`"
        unit = "files" if request.files else "hits"
        st.caption(f"{len(found)} {unit} for {what} · {TASK_LABELS[request.task]} · {request.mode}")
        if not found:
            st.warning("No hits: loosen the filters or rephrase.")
        if request.files:
            show_files(found, repos)
        else:
            best = max((hit.score for hit in found), default=0.0)
            for rank, hit in enumerate(found, 1):
                show_hit(rank, hit, repos, on_similar=find_similar_to, best=best)


def show_files(files: list[FileHit], repos: dict[str, dict]) -> None:
    """One expander per file, best first, holding its best chunks (relevance against the best chunk of all)."""
    best = max((hit.score for file in files for hit in file.hits), default=0.0)
    for rank, file in enumerate(files, 1):
        lines = ", ".join(f"{h.start_line}-{h.end_line}" for h in file.hits)
        with st.expander(f"**{rank}. `{file.repo}:{file.path}`** · lines {lines}", expanded=rank <= 3):
            for number, hit in enumerate(file.hits, 1):
                show_hit(number, hit, repos, on_similar=find_similar_to, best=best)


main()
