"""The codesift web UI: `codesift ui` or `streamlit run ui/app.py`. Three pages over one index: Search, Chat, Index."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

PAGES = Path(__file__).parent / "pages"

st.set_page_config(page_title="codesift", page_icon=":material/manage_search:", layout="wide")
navigation = st.navigation(
    [
        st.Page(PAGES / "search.py", title="Search", icon=":material/search:", default=True),
        st.Page(PAGES / "chat.py", title="Chat", icon=":material/forum:"),
        st.Page(PAGES / "index.py", title="Index", icon=":material/library_add:"),
    ]
)
navigation.run()
