"""Fixtures for the retriever tests: a searcher over the indexed shop repository."""

from __future__ import annotations

import pytest
from shop_repo import COLLECTION

from codesift.store import open_store
from retriever.search import Searcher


@pytest.fixture
def shop_searcher(minilm, indexed_home):
    with open_store(COLLECTION, home=indexed_home) as store:
        yield Searcher(minilm, store)

