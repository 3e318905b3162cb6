"""Which embedding model an index was built with, and that model loaded and checked against the index.

Every app opens an index the same way: the model recorded in the index's metadata (or the configured one
for an index not made yet), unless the user asks for another, which must match what the index holds. The
precision is the configured one whatever the index was built in: vectors of every precision agree.
"""

from __future__ import annotations

from codesift.config import Settings
from codesift.embedding import Embedder, load_embedder
from codesift.store import Store, check_compatible


def model_for(store: Store, requested: str | None, settings: Settings) -> str:
    """The model to use with this index: the one it was built with unless another is asked for."""
    if requested:
        return requested
    built_with = store.meta().get("embedder", {}).get("model") if store.exists() else None
    return built_with or settings.model


def load_checked_embedder(store: Store, requested: str | None, settings: Settings) -> Embedder:
    """Load the embedder for this index and refuse one that does not match it."""
    embedder = load_embedder(model_for(store, requested, settings), precision=settings.precision, home=settings.home)
    if store.exists():
        check_compatible(store.meta(), embedder.describe(), store.collection)
    return embedder
