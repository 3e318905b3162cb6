"""Fixtures for the RAG tests: a searcher over the indexed shop repository, and settings for the local LLM server."""

from __future__ import annotations

import pytest
from shop_repo import COLLECTION

from codesift.store import open_store
from retriever.llm import LLMSettings
from retriever.search import Searcher


@pytest.fixture
def shop_searcher(minilm, indexed_home):
    with open_store(COLLECTION, home=indexed_home) as store:
        yield Searcher(minilm, store)


@pytest.fixture
def llm(llm_server) -> LLMSettings:
    return LLMSettings(base_url=llm_server.base_url, model=llm_server.model, api_key="test-key", timeout=5, max_retries=1)
