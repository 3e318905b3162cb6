"""Progress reporting hooks for long indexing runs (the CLI draws bars; the UI its own widgets)."""

from __future__ import annotations


class IndexProgress:
    """Receives stage changes and advances; the default reports nowhere."""

    def stage(self, name: str, total: int) -> None:
        """A new stage begins with `total` units of work."""

    def advance(self, n: int = 1) -> None:
        """`n` units of the current stage are done."""
