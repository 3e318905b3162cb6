"""Embedding layer: load a model by preset, directory or hub id and encode queries/documents per task."""

from codesift.embedding.embedder import Embedder
from codesift.embedding.loading import build_sentence_transformer, load_embedder
from codesift.embedding.presets import DEFAULT_MODEL, PRESETS
from codesift.embedding.tasks import INSTRUCTIONS, TASKS, PromptSet, prompt_set

__all__ = [
    "DEFAULT_MODEL",
    "INSTRUCTIONS",
    "PRESETS",
    "TASKS",
    "Embedder",
    "PromptSet",
    "build_sentence_transformer",
    "load_embedder",
    "prompt_set",
]
