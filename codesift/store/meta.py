"""Collection metadata: which model and chunker built an index, and what each repository holds.

An index records the embedder's description (model, dimension, window,
prefixes) and the chunker version when it is created; every later index or
search run checks it and refuses a mismatch with one line.
"""

from __future__ import annotations

from codesift.chunks import CHUNKER_VERSION
from codesift.errors import DamagedIndexError, ModelMismatchError
from codesift.store.sparse import SPARSE_MODEL

SCHEMA_VERSION = 1
FIELD_TYPES = {"schema": int, "chunker_version": int, "sparse_model": str, "embedder": dict, "repos": dict}


def new_meta(embedder_description: dict) -> dict:
    return {
        "schema": SCHEMA_VERSION,
        "chunker_version": CHUNKER_VERSION,
        "sparse_model": SPARSE_MODEL,
        "embedder": embedder_description,
        "repos": {},
    }


def meta_problem(meta) -> str | None:
    """What is wrong with metadata read back from an index, or None when it has the shape `new_meta` gives it."""
    if not isinstance(meta, dict):
        return "not a JSON object"
    for key, kind in FIELD_TYPES.items():
        if not isinstance(meta.get(key), kind):
            return f"{key!r} is missing or not a {kind.__name__}"
    return None


def damaged(collection: str, problem: str, remedy: str) -> DamagedIndexError:
    return DamagedIndexError(f"metadata of index {collection!r} is damaged ({problem}): {remedy} and index again")


def check_compatible(meta: dict, embedder_description: dict, collection: str) -> None:
    if problem := meta_problem(meta):
        raise damaged(collection, problem, f"delete collection {collection!r}")
    built_with = meta.get("embedder", {})
    if built_with.get("model") != embedder_description["model"]:
        raise ModelMismatchError(
            f"index {collection!r} was built with model {built_with.get('model')!r} "
            f"({built_with.get('dim')}-d), not {embedder_description['model']!r}: "
            f"pass --model {built_with.get('model')} or use another --collection"
        )
    for key in ("dim", "prompts", "max_seq_length"):
        if built_with.get(key) != embedder_description[key]:
            raise ModelMismatchError(
                f"index {collection!r} was built with different {key} for model "
                f"{built_with.get('model')!r}: re-index into a new --collection"
            )
    if meta.get("sparse_model") != SPARSE_MODEL:
        raise ModelMismatchError(
            f"index {collection!r} has BM25 vectors from {meta.get('sparse_model')!r}, this codesift makes "
            f"{SPARSE_MODEL!r}: re-index into a new --collection"
        )
    if meta.get("chunker_version") != CHUNKER_VERSION:
        raise ModelMismatchError(
            f"index {collection!r} was built by chunker version {meta.get('chunker_version')}, "
            f"this codesift uses {CHUNKER_VERSION}: run `codesift remove` on its repos and index again"
        )
