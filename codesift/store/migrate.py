"""Copy an index into another store — the embedded index onto a Qdrant server — without re-embedding.

Points travel as they are (ids, dense and BM25 vectors, payloads), page by
page. The target collection is created with the source's metadata, or, when it
already exists, must have been built with the same model; repositories it
already holds and the source does not are left alone. Ids are deterministic, so
running the copy again after an interruption only finishes it. The target's
list of repositories is written last, and only once the chunk count of every
copied repository on the target equals the source's.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from codesift.errors import CodesiftError
from codesift.store.base import Store
from codesift.store.filters import SearchFilter
from codesift.store.meta import check_compatible

COPY_BATCH = 1024  # points read from the source per page
MAX_REPOS = 1_000_000  # facet limit: every repository


@dataclass(frozen=True)
class MigrationReport:
    points: int  # points copied
    repos: dict[str, int]  # chunks per repository, equal on both sides


def migrate(source: Store, target: Store, *, on_batch: Callable[[int], None] | None = None) -> MigrationReport:
    """Copy every point and the repository list of `source` into `target`, then verify the counts."""
    if not source.exists():
        raise CodesiftError(f"no index {source.collection!r} to migrate: run `codesift index PATH` first")
    meta = source.meta()
    embedder = meta["embedder"]
    check_compatible(meta, embedder, source.collection)  # refuses an index this codesift could not search
    target_meta = target.ensure(embedder["dim"], {**meta, "repos": {}})
    check_compatible(target_meta, embedder, target.collection)

    copied = 0
    for batch in source.export(COPY_BATCH):
        target.upsert(batch)
        copied += len(batch)
        if on_batch:
            on_batch(len(batch))

    counts = source.facet("repo", limit=MAX_REPOS)
    differing = [
        f"{repo!r} has {n} chunks here and {found} there"
        for repo, n in sorted(counts.items())
        if (found := target.count(SearchFilter(repo=repo))) != n
    ]
    if differing:
        raise CodesiftError(
            f"after copying, collection {target.collection!r} does not match index {source.collection!r}: "
            f"{'; '.join(differing)} — remove those repositories from the target (`codesift remove NAME "
            "--qdrant-url URL`) and migrate again"
        )
    for name, info in meta.get("repos", {}).items():
        target.record_repo(name, info)
    return MigrationReport(copied, counts)
