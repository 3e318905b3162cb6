"""What every verb needs: settings from options and environment, the store, and the matching embedder."""

from __future__ import annotations

from pathlib import Path

from rich.console import Console

from codesift import index_model
from codesift.config import Settings
from codesift.embedding import Embedder
from codesift.errors import ModelNotBuiltError
from codesift.store import Store, store_for  # noqa: F401 - store_for: every verb opens its index here

console = Console(stderr=True)
stdout = Console()


def settings_from(
    home: Path | None, qdrant_url: str | None, collection: str | None, model: str | None = None, precision: str | None = None
) -> Settings:
    return Settings().with_overrides(home=home, qdrant_url=qdrant_url, collection=collection, model=model, precision=precision)


def load_checked_embedder(store: Store, requested: str | None, settings: Settings) -> Embedder:
    """The index's embedder (`codesift.index_model`), with a status line while the model loads.

    A model built on this machine (the `static` preset) that is not built yet is built first.
    """
    try:
        with console.status("loading embedding model…"):
            return index_model.load_checked_embedder(store, requested, settings)
    except ModelNotBuiltError:
        from cli.model import build_static_model

        build_static_model(settings.home)
    with console.status("loading embedding model…"):
        return index_model.load_checked_embedder(store, requested, settings)
