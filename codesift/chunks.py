"""The chunk record shared by the indexer, the store and the retriever.

A chunk is one searchable unit of a repository: a function or method, a class
summary, a group of module-level statements, a documentation section or a
window of lines. Line numbers are 1-based and inclusive.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, fields

from codesift.identifiers import path_terms

# Bump when chunk boundaries, the embedded text or the payload the retriever relies on change: indexes
# built with another version must be rebuilt, and the store refuses to mix them.
# 2: every chunk carries `name` (a definition's own name, lower case) and `path_terms`.
# 3: JavaScript/TypeScript functions assigned to a member (`res.send = function send() {}`) are definitions;
#    so is `const X = factory(..., () => {...})` and a TypeScript type alias; a `/** doc block */` one blank
#    line above a definition belongs to it.
# 4: Scala, Swift, Elixir, Bash, Haskell, Lua and Zig files get definition chunks (were line windows);
#    operator names (`<=>`) are read; a definition's last line leaves out trailing blank lines; a type
#    without a body (Kotlin `data class P(val x: Int)`, C# `record P(int X);`, Rust `struct Unit;`) is a class.
CHUNKER_VERSION = 4

KINDS = ("function", "method", "class", "module", "section", "text")
DEFINITION_KINDS = ("function", "method", "class")


def text_hash(text: str) -> str:
    """Content hash of a chunk's code or a whole file's text."""
    return hashlib.sha1(text.encode("utf-8", "surrogatepass")).hexdigest()


@dataclass(frozen=True)
class Chunk:
    repo: str
    path: str  # repository-relative, POSIX separators
    language: str  # "python", "markdown", "text", ...
    kind: str  # one of KINDS
    symbol: str  # qualified name: "Class.method", "func", heading path, or "" for module/text
    signature: str  # first line(s) of a definition; heading text for sections
    start_line: int
    end_line: int
    code: str  # the exact source text of lines start_line..end_line (class bodies summarised)
    parent: str = ""  # enclosing class/namespace/heading, "" at top level
    window: int = 0  # index of this window when a long chunk is split; 0 otherwise
    extra: dict = field(default_factory=dict, compare=False)  # more payload, e.g. "span" of a window

    @property
    def content_hash(self) -> str:
        return text_hash(self.code)

    def header(self) -> str:
        """Short context prepended to the embedded text: path, enclosing scope, signature."""
        lines = [f"# {self.path}"]
        if self.parent:
            lines.append(f"# in {self.parent}")
        if self.signature and self.kind in ("function", "method", "class"):
            lines.append(f"# {self.signature.strip()}")
        return "\n".join(lines)

    def embed_text(self) -> str:
        return f"{self.header()}\n{self.code}"

    @property
    def name(self) -> str:
        """A definition's own name, lower case (`Router.add_route` → `add_route`); "" for other chunks."""
        return self.symbol.rsplit(".", 1)[-1].lower() if self.kind in DEFINITION_KINDS else ""

    def to_payload(self) -> dict:
        payload = {name: getattr(self, name) for name in _FIELDS}  # shallow: asdict's deep copy is most of the cost
        payload.update(self.extra)
        payload["content_hash"] = self.content_hash
        payload["name"] = self.name
        payload["path_terms"] = path_terms(self.path)
        return payload


_FIELDS = tuple(f.name for f in fields(Chunk) if f.name != "extra")
