"""codesift: code search and RAG over your repositories, with its own embedding trainer."""

__version__ = "0.1.0"
