"""What the store already holds for a repository, read back from point payloads.

Each point carries its file's content hash, size, mtime and the number of
chunks that file produced, so the store itself is the manifest: a file is
complete when every chunk of its current hash is present. A run killed
half-way leaves files that are simply incomplete or stale, and the next run
finishes them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass, field

from codesift.store import SearchFilter, Store

STATE_FIELDS = ["path", "file_hash", "file_size", "file_mtime_ns", "file_chunks"]


@dataclass
class StoredFile:
    ids_by_hash: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    expected: dict[str, int] = field(default_factory=dict)
    stat: dict[str, tuple[int, int]] = field(default_factory=dict)  # hash -> (size, mtime_ns)

    def complete_hash(self) -> str | None:
        """The content hash whose chunks are all present, if exactly one is."""
        complete = [h for h, ids in self.ids_by_hash.items() if len(ids) == self.expected.get(h)]
        return complete[0] if len(complete) == 1 else None

    def hash_for_stat(self, size: int, mtime_ns: int) -> str | None:
        """The complete hash if the file's size and mtime are unchanged since it was indexed."""
        complete = self.complete_hash()
        return complete if complete and self.stat.get(complete) == (size, mtime_ns) else None

    def ids_except(self, keep_hash: str | None) -> list[str]:
        return [i for h, ids in self.ids_by_hash.items() if h != keep_hash for i in ids]


def load_repo_state(store: Store, repo: str, paths: Collection[str] | None = None) -> dict[str, StoredFile]:
    """What the store holds for the repository's files (only for `paths`, when given)."""
    files: dict[str, StoredFile] = defaultdict(StoredFile)
    search_filter = SearchFilter(repo=repo, match_any=() if paths is None else (("path", tuple(paths)),))
    for point_id, payload in store.scroll(search_filter, STATE_FIELDS):
        stored = files[payload["path"]]
        file_hash = payload["file_hash"]
        stored.ids_by_hash[file_hash].append(point_id)
        stored.expected[file_hash] = payload["file_chunks"]
        stored.stat[file_hash] = (payload["file_size"], payload["file_mtime_ns"])
    return dict(files)
