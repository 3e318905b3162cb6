"""Options shared by several verbs."""

from pathlib import Path

import typer

Home = typer.Option(None, "--home", help="Data directory (default $CODESIFT_HOME or ~/.local/share/codesift).")
QdrantUrl = typer.Option(None, "--qdrant-url", help="Use a Qdrant server (default $CODESIFT_QDRANT_URL; else embedded).")
Collection = typer.Option(None, "--collection", help="Index name (default $CODESIFT_COLLECTION or 'codesift').")
Model = typer.Option(None, "--model", help="Embedding model: preset (minilm, jina-code-0.5b, …), directory or hub id.")
Precision = typer.Option(
    None, "--precision", help="Encoder precision: auto (bf16 where the CPU has it, else fp32), fp32, bf16 or int8 (default $CODESIFT_PRECISION or auto)."
)

HomeType = Path | None
