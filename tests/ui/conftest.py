"""Fixtures for the UI tests: a private copy of the indexed shop home (the app keeps its index open), and settings in the environment."""

from __future__ import annotations

import shutil

import pytest
import streamlit as st


@pytest.fixture
def ui_home(indexed_home, tmp_path, monkeypatch):
    """CODESIFT_HOME for the app: a copy of the shop index; no LLM unless a test sets one."""
    home = shutil.copytree(indexed_home, tmp_path / "home")
    monkeypatch.setenv("CODESIFT_HOME", str(home))
    for name in ("CODESIFT_QDRANT_URL", "CODESIFT_MODEL", "CODESIFT_COLLECTION", "CODESIFT_LLM_BASE_URL", "CODESIFT_LLM_MODEL"):
        monkeypatch.delenv(name, raising=False)
    yield home
    st.cache_resource.clear()  # releases the app's handle on this index


@pytest.fixture
def ui_llm(ui_home, llm_server, monkeypatch):
    monkeypatch.setenv("CODESIFT_LLM_BASE_URL", llm_server.base_url)
    monkeypatch.setenv("CODESIFT_LLM_MODEL", llm_server.model)
    monkeypatch.setenv("CODESIFT_LLM_TIMEOUT", "5")
    monkeypatch.setenv("CODESIFT_LLM_MAX_RETRIES", "0")
    return llm_server
