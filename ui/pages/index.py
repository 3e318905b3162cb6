"""Index page: add a repository by path or git URL with live progress and a skip summary; list, re-index, remove.

Indexing runs in this page's script run, one at a time per process (the index's freshness lock, which the
refreshes before searches take too); other browser sessions keep searching meanwhile.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from indexer.pipeline import IndexReport, reindex_source, remove_repo
from indexer.sources import resolve_source
from ui.progress import StreamlitProgress
from ui.render import errors_as_messages
from ui.resources import current_index

MAX_FILE_KB = 1000


def index_repo(source: str, name: str | None = None, max_file_kb: int = MAX_FILE_KB) -> IndexReport:
    """Resolve, index and report; the progress bar lives in the page while it runs."""
    index = current_index()
    with st.spinner(f"resolving {source}…"):
        repo = resolve_source(source, clones_dir=index.settings.clones_dir)
    index.embedder  # loaded (and checked against the index) before the progress bar starts
    return index.freshness.index(repo, name or None, StreamlitProgress(), max_file_bytes=max_file_kb * 1024)


def summary(report: IndexReport) -> pd.DataFrame:
    rows = {
        "files walked": report.files_seen,
        "files (re)indexed": report.files_indexed,
        "files unchanged": report.files_unchanged,
        "files removed": report.files_removed,
        "chunks written": report.chunks_written,
        "chunks over the model window, split": report.chunks_split,
        "stale chunks deleted": report.chunks_deleted,
        "chunks in index for this repo": report.chunks_total,
        **{f"skipped: {reason}": count for reason, count in report.skipped.most_common()},
    }
    return pd.DataFrame({"": list(rows), "count": list(rows.values())})


def show_report(report: IndexReport) -> None:
    skipped = sum(report.skipped.values())
    st.success(
        f"Indexed **{report.repo}** in {report.seconds:.1f} s: {report.files_indexed} files (re)indexed, "
        f"{report.chunks_total} chunks in the index, {skipped} files skipped."
    )
    if report.chunks_total == 0:
        st.warning("Nothing searchable was indexed: check the skip reasons below.")
    st.dataframe(summary(report), hide_index=True)
    if report.skipped_files:
        with st.expander(f"Skipped files ({len(report.skipped_files)})"):
            st.dataframe(pd.DataFrame(report.skipped_files, columns=["path", "reason"]), hide_index=True)


def add_form() -> None:
    with st.form("add", clear_on_submit=False):
        source = st.text_input("Local path or git URL", placeholder="~/src/project or https://github.com/owner/repo")
        name = st.text_input("Name in the index (optional)", placeholder="defaults to the directory or repository name")
        max_file_kb = st.number_input("Skip files larger than (KB)", min_value=1, value=MAX_FILE_KB)
        submitted = st.form_submit_button("Index", type="primary", icon=":material/add:")
    if submitted and source.strip():
        with errors_as_messages():
            st.session_state.last_report = index_repo(source.strip(), name.strip(), int(max_file_kb))


def repo_table(repos: dict[str, dict]) -> None:
    index = current_index()
    st.subheader("Indexed repositories")
    if not repos:
        st.caption("None yet.")
        return
    st.caption(f"index `{index.settings.collection}` · model `{index.model}`")
    rows = [
        {
            "repo": name,
            "chunks": info.get("chunks"),
            "files": info.get("files"),
            "model": index.model,
            "last commit": (info.get("commit") or "")[:10] or "-",
            "last indexed": info.get("indexed_at", ""),
            "source": info.get("url") or info.get("root", ""),
        }
        for name, info in repos.items()
    ]
    st.dataframe(pd.DataFrame(rows), hide_index=True)
    chosen = st.selectbox("Repository", list(repos), key="manage_repo")
    actions = st.container(horizontal=True)
    if actions.button("Re-index", icon=":material/refresh:"):
        with errors_as_messages():
            source = reindex_source(repos[chosen], current_index().settings.clones_dir)
            st.session_state.last_report = index_repo(source, chosen)
            st.rerun()
    with actions.popover("Remove", icon=":material/delete:"):
        st.write(f"Remove **{chosen}** and all its chunks from the index?")
        if st.button("Yes, remove it", type="primary", key="confirm_remove"):
            with errors_as_messages():
                freshness = current_index().freshness
                with freshness.lock:
                    remove_repo(current_index().store, chosen)
                    freshness.forget(chosen)
                st.session_state.pop("last_report", None)
                st.toast(f"removed {chosen}")
                st.rerun()


def main() -> None:
    st.title("Index")
    with errors_as_messages():
        add_form()
        if "last_report" in st.session_state:
            show_report(st.session_state.last_report)
        repo_table(current_index().repos())


main()
