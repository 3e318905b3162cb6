"""Search filters (repo, language, path glob, kind, any-of values) and the path glob matching both backends share.

Qdrant has no glob match: the glob's literal leading directories become an
exact match on the indexed `dirs` payload (every ancestor directory of a
chunk's file), and the full glob is checked on the results.
"""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass
from pathlib import PurePosixPath

GLOB_CHARS = set("*?[")


def ancestor_dirs(path: str) -> list[str]:
    """`a/b/c.py` → `["a", "a/b"]`."""
    parts = PurePosixPath(path).parts[:-1]
    return ["/".join(parts[: i + 1]) for i in range(len(parts))]


def literal_dir_prefix(glob: str) -> str | None:
    """The longest directory path in `glob` that holds no wildcard, if any."""
    parts = []
    for part in PurePosixPath(glob).parts[:-1]:
        if GLOB_CHARS & set(part):
            break
        parts.append(part)
    return "/".join(parts) or None


def path_matches(path: str, glob: str) -> bool:
    """gitignore-like: `*.py` matches at any depth, `src/**` everything under src."""
    if glob.endswith("/"):
        glob += "**"
    elif "/" not in glob:
        return fnmatch.fnmatchcase(PurePosixPath(path).name, glob) or fnmatch.fnmatchcase(path, glob)
    return fnmatch.fnmatchcase(path, glob) or fnmatch.fnmatchcase(path, glob.replace("/**/", "/"))


@dataclass(frozen=True)
class SearchFilter:
    repo: str | None = None
    language: str | None = None
    path: str | None = None  # exact repository-relative path
    path_glob: str | None = None
    kind: str | None = None
    exclude_ids: tuple[str, ...] = ()
    match_any: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (keyword field, values): the field holds one of them

    def exact_conditions(self) -> dict[str, str]:
        """Payload key → value conditions a backend can match exactly."""
        conditions = {"repo": self.repo, "language": self.language, "kind": self.kind, "path": self.path}
        if self.path_glob:
            conditions["dirs"] = literal_dir_prefix(self.path_glob)
        return {k: v for k, v in conditions.items() if v}

    def needs_post_filter(self) -> bool:
        return bool(self.path_glob)

    def accepts(self, payload: dict) -> bool:
        return not self.path_glob or path_matches(payload.get("path", ""), self.path_glob)
