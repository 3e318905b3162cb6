"""What every verb needs: settings from options and environment, the store, and the matching embedder."""

from __future__ import annotations

from pathlib import Path

from rich.console import Console

from codesift.config import Settings
from codesift.store import Store, check_compatible, store_for  # noqa: F401 - store_for: every verb opens its index here

console = Console(stderr=True)
stdout = Console()


def settings_from(home: Path | None, qdrant_url: str | None, collection: str | None, model: str | None = None) -> Settings:
    return Settings().with_overrides(home=home, qdrant_url=qdrant_url, collection=collection, model=model)


def model_for(store: Store, requested: str | None, settings: Settings) -> str:
    """The model to use with this index: the one it was built with unless another is asked for."""
    if requested:
        return requested
    built_with = store.meta().get("embedder", {}).get("model") if store.exists() else None
    return built_with or settings.model


def load_checked_embedder(store: Store, requested: str | None, settings: Settings):
    """Load the embedder for this index and refuse one that does not match it."""
    from codesift.embedding import load_embedder

    with console.status("loading embedding model…"):
        embedder = load_embedder(model_for(store, requested, settings))
    if store.exists():
        check_compatible(store.meta(), embedder.describe(), store.collection)
    return embedder
