"""File path → language name, and language name → tree-sitter parser.

Grammars come from the installed ``tree-sitter-*`` wheels only (never downloaded
at run time); each is loaded the first time it is needed and then cached.
"""

from __future__ import annotations

import functools
import importlib
from pathlib import PurePosixPath

from tree_sitter import Language, Parser

# language → (module, function returning the grammar pointer)
_GRAMMARS: dict[str, tuple[str, str]] = {
    "python": ("tree_sitter_python", "language"),
    "javascript": ("tree_sitter_javascript", "language"),
    "typescript": ("tree_sitter_typescript", "language_typescript"),
    "tsx": ("tree_sitter_typescript", "language_tsx"),
    "go": ("tree_sitter_go", "language"),
    "rust": ("tree_sitter_rust", "language"),
    "java": ("tree_sitter_java", "language"),
    "c": ("tree_sitter_c", "language"),
    "cpp": ("tree_sitter_cpp", "language"),
    "csharp": ("tree_sitter_c_sharp", "language"),
    "ruby": ("tree_sitter_ruby", "language"),
    "php": ("tree_sitter_php", "language_php"),
    "kotlin": ("tree_sitter_kotlin", "language"),
    "scala": ("tree_sitter_scala", "language"),
    "swift": ("tree_sitter_swift", "language"),
    "elixir": ("tree_sitter_elixir", "language"),
    "bash": ("tree_sitter_bash", "language"),
    "haskell": ("tree_sitter_haskell", "language"),
    "lua": ("tree_sitter_lua", "language"),
    "zig": ("tree_sitter_zig", "language"),
}

CODE_LANGUAGES: frozenset[str] = frozenset(_GRAMMARS)

_EXTENSIONS: dict[str, str] = {
    ".py": "python", ".pyi": "python", ".pyw": "python",
    ".js": "javascript", ".jsx": "javascript", ".mjs": "javascript", ".cjs": "javascript",
    ".ts": "typescript", ".mts": "typescript", ".cts": "typescript",
    ".tsx": "tsx",
    ".go": "go",
    ".rs": "rust",
    ".java": "java",
    ".c": "c", ".h": "c",
    ".cc": "cpp", ".cpp": "cpp", ".cxx": "cpp", ".hpp": "cpp", ".hh": "cpp", ".hxx": "cpp",
    ".cs": "csharp",
    ".rb": "ruby", ".rake": "ruby", ".gemspec": "ruby",
    ".php": "php",
    ".kt": "kotlin", ".kts": "kotlin",
    ".scala": "scala", ".sc": "scala",
    ".swift": "swift",
    ".ex": "elixir", ".exs": "elixir",
    ".sh": "bash", ".bash": "bash",
    ".hs": "haskell",
    ".lua": "lua",
    ".zig": "zig",
    ".md": "markdown", ".markdown": "markdown",
    ".rst": "rst",
}

# Extension-less files whose name says what they are.
_FILENAMES: dict[str, str] = {
    "Rakefile": "ruby",
    "Gemfile": "ruby",
    "Vagrantfile": "ruby",
}


def language_for_path(path: str) -> str:
    """The language of a repository file, from its name; "text" when unknown."""
    name = PurePosixPath(path.replace("\\", "/")).name
    if name in _FILENAMES:
        return _FILENAMES[name]
    return _EXTENSIONS.get(PurePosixPath(name).suffix.lower(), "text")


@functools.cache
def _language(language: str) -> Language:
    module, function = _GRAMMARS[language]
    return Language(getattr(importlib.import_module(module), function)())


def parser_for(language: str) -> Parser | None:
    """A fresh parser for a grammar language (parsers are not thread-safe), None otherwise."""
    if language not in _GRAMMARS:
        return None
    return Parser(_language(language))
