"""What every page shares, opened once per process: the index (store + matching embedder) and its freshness.

`st.cache_resource` keeps one `IndexHandle` per settings for the life of the Streamlit server, so a rerun
never re-opens the store or re-loads the model. Settings come from the environment (`codesift ui` sets
CODESIFT_HOME, CODESIFT_COLLECTION, CODESIFT_QDRANT_URL, CODESIFT_MODEL and CODESIFT_PRECISION from its options).
The handle's `Freshness` refreshes local repositories before each search and answer, and serialises every
index run of the process (one at a time; searches go on meanwhile).
"""

from __future__ import annotations

from functools import cached_property
from pathlib import Path

import streamlit as st

from codesift.config import Settings
from codesift.embedding import Embedder, load_embedder
from codesift.index_model import model_for
from codesift.store import SearchFilter, Store, check_compatible, store_for
from indexer.refresh import Freshness, serving_freshness
from retriever.search import Searcher


class IndexHandle:
    """One index for the whole app: the store, the embedder it was built with, and what keeps it fresh."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self.store: Store = store_for(settings)

    @property
    def model(self) -> str:
        """The model the index was built with, or the configured one for a new index."""
        return model_for(self.store, None, self.settings)

    @cached_property
    def embedder(self) -> Embedder:
        embedder = _embedder(self.model, self.settings.precision, self.settings.home)
        if self.store.exists():
            check_compatible(self.store.meta(), embedder.describe(), self.store.collection)
        return embedder

    @cached_property
    def freshness(self) -> Freshness:
        return serving_freshness(self.store, lambda: self.embedder, self.settings)

    def searcher(self) -> Searcher:
        return Searcher(self.embedder, self.store)

    def repos(self) -> dict[str, dict]:
        return self.store.repos()

    def languages(self, repo: str | None = None) -> list[str]:
        if not self.store.exists():
            return []
        return sorted(self.store.facet("language", SearchFilter(repo=repo)))


@st.cache_resource(show_spinner="loading the embedding model…")
def _embedder(model: str, precision: str, home: Path) -> Embedder:
    return load_embedder(model, precision=precision, home=home)


@st.cache_resource(show_spinner="opening the index…")
def _index(settings: Settings) -> IndexHandle:
    return IndexHandle(settings)


def current_index() -> IndexHandle:
    return _index(Settings())
