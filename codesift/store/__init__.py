"""Vector store: one Qdrant collection per index, embedded (default) or on a server."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from codesift.store.base import Store
from codesift.store.filters import SearchFilter
from codesift.store.meta import check_compatible, new_meta
from codesift.store.records import Hit, SparseVec, StorePoint, VectorQuery

if TYPE_CHECKING:
    from codesift.config import Settings


def open_store(
    collection: str,
    *,
    home: Path,
    qdrant_url: str | None = None,
    api_key: str | None = None,
    shards: int = 1,
    replicas: int = 1,
) -> Store:
    """The server store when a URL is given, else the embedded store under `home/indexes/<collection>`.

    `shards` and `replicas` apply when the server store creates its collection.
    """
    if qdrant_url:
        from codesift.store.server import ServerStore

        return ServerStore.connect(qdrant_url, collection, api_key=api_key, shards=shards, replicas=replicas)
    from codesift.store.edge import EdgeStore

    return EdgeStore(Path(home) / "indexes" / collection, collection)


def store_for(settings: Settings) -> Store:
    """The index the settings name: embedded under their home, or on their server with their shard layout."""
    return open_store(
        settings.collection,
        home=settings.home,
        qdrant_url=settings.qdrant_url,
        api_key=settings.qdrant_api_key,
        shards=settings.shards,
        replicas=settings.replicas,
    )


__all__ = [
    "Hit", "SearchFilter", "SparseVec", "Store", "StorePoint", "VectorQuery", "check_compatible", "new_meta", "open_store", "store_for",
]
