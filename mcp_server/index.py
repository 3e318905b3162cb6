"""The index an MCP server serves: the store and its matching embedder, opened on first use and kept.

An MCP client starts the server when the agent starts and talks to it for hours, so nothing is opened until
a tool needs it (listing tools never loads a model) and nothing is opened twice. On the embedded engine the
server then holds the index for its lifetime; while another process holds it, opening fails with
`IndexBusyError` and the next tool call tries again.

An agent edits files and then searches for what it wrote, so every tool that reads the index first refreshes
the local repositories it concerns (`indexer.refresh.Freshness`: a stat walk, then only the changed files
re-embedded, within CODESIFT_REFRESH_BUDGET seconds; a larger change is caught up in the background and said).
One index_repo run or refresh at a time; searches go on meanwhile.
"""

from __future__ import annotations

import threading
from functools import cached_property

from codesift.config import Settings
from codesift.embedding import Embedder
from codesift.errors import CodesiftError
from codesift.index_model import load_checked_embedder
from codesift.store import SearchFilter, Store, store_for
from indexer.pipeline import IndexReport
from indexer.progress import IndexProgress
from indexer.refresh import Freshness, serving_freshness
from indexer.sources import resolve_source
from retriever.search import Searcher


class ServedIndex:
    def __init__(self, settings: Settings, model: str | None = None):
        self.settings = settings
        self.model = model  # asked for explicitly; otherwise the model the index was built with
        self._store: Store | None = None
        self._embedder: Embedder | None = None
        self._opening = threading.Lock()

    @property
    def store(self) -> Store:
        with self._opening:
            if self._store is None:
                self._store = store_for(self.settings)
            return self._store

    @property
    def embedder(self) -> Embedder:
        store = self.store
        with self._opening:
            if self._embedder is None:
                self._embedder = load_checked_embedder(store, self.model, self.settings)
            return self._embedder

    @cached_property
    def freshness(self) -> Freshness:
        return serving_freshness(self.store, lambda: self.embedder, self.settings)

    def searcher(self) -> Searcher:
        if not self.store.exists():
            raise CodesiftError(f"index {self.settings.collection!r} is empty: add a repository with index_repo first")
        return Searcher(self.embedder, self.store)

    def repos(self) -> dict[str, dict]:
        return self.store.repos()

    def repo(self, name: str) -> dict:
        return self.store.repo(name)

    def owner_of(self, path: str, repo: str | None) -> str:
        """The repository whose index holds `path`: `repo` when given, else the only one that does."""
        if repo is not None:
            self.repo(repo)
        holders = sorted(self.store.facet("repo", SearchFilter(repo=repo, path=path))) if self.store.exists() else []
        if not holders:
            where = f"repository {repo!r}" if repo else f"index {self.settings.collection!r}"
            raise CodesiftError(
                f"{path} is not an indexed file of {where}: only indexed files are served (search_code finds their paths)"
            )
        if len(holders) > 1:
            raise CodesiftError(f"{path} is indexed in several repositories ({', '.join(holders)}): pass repo")
        return holders[0]

    def index(self, path_or_url: str, name: str | None, progress: IndexProgress) -> IndexReport:
        source = resolve_source(path_or_url, clones_dir=self.settings.clones_dir)
        return self.freshness.index(source, name, progress)

    def close(self) -> None:
        if "freshness" in self.__dict__:
            self.freshness.close()
        if self._store is not None:
            self._store.close()
