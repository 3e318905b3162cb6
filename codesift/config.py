"""Settings from the environment, overridable by CLI options.

CODESIFT_HOME (data: indexes, clones; default ~/.local/share/codesift),
CODESIFT_QDRANT_URL / QDRANT_API_KEY (use a Qdrant server instead of the
embedded engine), CODESIFT_MODEL (default embedding model),
CODESIFT_PRECISION (auto, fp32, bf16 or int8: how the encoder computes; default
auto, see codesift.embedding.precision), CODESIFT_COLLECTION (default index
name), CODESIFT_SHARDS /
CODESIFT_REPLICAS (shard_number and replication_factor of a collection created
on a Qdrant server; default 1 each), CODESIFT_REFRESH_BUDGET (seconds a refresh
of local repositories may add to a search in the MCP server and the web UI;
default 1, 0 turns it off).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path

from codesift.embedding.precision import check_precision
from codesift.embedding.presets import DEFAULT_MODEL
from codesift.errors import CodesiftError


def _default_home() -> Path:
    return Path(os.environ.get("CODESIFT_HOME") or Path.home() / ".local" / "share" / "codesift").expanduser()


def _seconds_from_env(name: str, default: float) -> float:
    value = os.environ.get(name) or str(default)
    try:
        seconds = float(value)
    except ValueError:
        seconds = -1.0
    if not 0 <= seconds < float("inf"):
        raise CodesiftError(f"{name} must be a number of seconds (0 or more), not {value!r}")
    return seconds


def _count_from_env(name: str) -> int:
    value = os.environ.get(name) or "1"
    if not value.isdigit() or int(value) < 1:
        raise CodesiftError(f"{name} must be a whole number of at least 1, not {value!r}")
    return int(value)


@dataclass(frozen=True)
class Settings:
    home: Path = field(default_factory=_default_home)
    qdrant_url: str | None = field(default_factory=lambda: os.environ.get("CODESIFT_QDRANT_URL") or None)
    qdrant_api_key: str | None = field(default_factory=lambda: os.environ.get("QDRANT_API_KEY") or None)
    model: str = field(default_factory=lambda: os.environ.get("CODESIFT_MODEL") or DEFAULT_MODEL)
    precision: str = field(default_factory=lambda: os.environ.get("CODESIFT_PRECISION") or "auto")
    collection: str = field(default_factory=lambda: os.environ.get("CODESIFT_COLLECTION") or "codesift")
    shards: int = field(default_factory=lambda: _count_from_env("CODESIFT_SHARDS"))
    replicas: int = field(default_factory=lambda: _count_from_env("CODESIFT_REPLICAS"))
    refresh_budget: float = field(default_factory=lambda: _seconds_from_env("CODESIFT_REFRESH_BUDGET", 1.0))

    def __post_init__(self):
        check_precision(self.precision)

    @property
    def clones_dir(self) -> Path:
        return self.home / "repos"

    def with_overrides(self, **overrides) -> "Settings":
        return replace(self, **{k: v for k, v in overrides.items() if v is not None})
