"""Static models: one vector per token, averaged (sentence-transformers `StaticEmbedding`); no transformer runs.

Such a model has no window and adds no special tokens. The indexer still fits chunks to `STATIC_WINDOW`
tokens, so a hit stays a span a reader can take in, and the average is not drowned by one huge file.

A saved static directory (`modules.json` naming only a StaticEmbedding, and a Normalize at most) is served
by `StaticEncoder`: its tokenizer and its table in numpy, the same mean as the torch `EmbeddingBag`, without
importing torch or sentence-transformers, so a cold `codesift index --model static` starts in well under a
second. Other directories (model2vec's layout, extra modules) load through sentence-transformers.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from pathlib import Path

import numpy as np

STATIC_WINDOW = 512
STATIC_BATCH = 1024  # no padding in a bag of tokens: large batches cost nothing and save per-batch overhead
STATIC_MODULE = "StaticEmbedding"
NEUTRAL_MODULES = {"Normalize"}  # the Embedder L2-normalises every vector itself
MEMO_TOKENS = 1 << 25  # token ids kept between counting and embedding: 32M of them, 128 MiB at most


class StaticEncoder:
    """A token-embedding bag in numpy with the slice of the SentenceTransformer interface the Embedder uses.

    Tokenizing is most of its cost, and the indexer counts a chunk's tokens (to fit it to the window) before
    it embeds the very same text: `token_counts` keeps the ids it made (up to `MEMO_TOKENS` of them) and
    `encode` takes them back instead of tokenizing again.
    """

    def __init__(self, tokenizer, weights: np.ndarray, prompts: dict[str, str] | None = None, path: Path | None = None):
        self.tokenizer = tokenizer  # a `tokenizers.Tokenizer`
        self.tokenizer.no_padding()
        self.weights = np.ascontiguousarray(weights, dtype=np.float32)
        self.prompts = prompts or {}
        self.path = path  # the saved directory it came from, if any
        self._memo: dict[str, np.ndarray] = {}
        self._memo_tokens = 0

    @classmethod
    def load(cls, path: Path) -> StaticEncoder:
        from safetensors.numpy import load_file
        from tokenizers import Tokenizer

        config = path / "config_sentence_transformers.json"
        prompts = json.loads(config.read_text()).get("prompts") if config.exists() else None
        weights = load_file(str(path / "model.safetensors"))["embedding.weight"]
        return cls(Tokenizer.from_file(str(path / "tokenizer.json")), weights, prompts, path)

    def get_embedding_dimension(self) -> int:
        return int(self.weights.shape[1])

    def _tokenize(self, texts: list[str]) -> list[np.ndarray]:
        encodings = self.tokenizer.encode_batch_fast(texts, add_special_tokens=False)
        return [np.asarray(encoding.ids, dtype=np.int32) for encoding in encodings]

    def token_counts(self, texts: Sequence[str]) -> list[int]:
        """Each text's token count (no special tokens); the ids are kept for `encode` while the memo has room."""
        ids = self._tokenize(list(texts))
        for text, row in zip(texts, ids):
            if self._memo_tokens + len(row) <= MEMO_TOKENS and text not in self._memo:
                self._memo[text] = row
                self._memo_tokens += len(row)
        return [len(row) for row in ids]

    def _ids(self, texts: list[str]) -> list[np.ndarray]:
        """The texts' ids: from the memo (and out of it) where `token_counts` made them, else tokenized now."""
        ids: list[np.ndarray | None] = [self._memo.pop(text, None) for text in texts]
        self._memo_tokens -= sum(len(row) for row in ids if row is not None)
        missing = [i for i, row in enumerate(ids) if row is None]
        for i, row in zip(missing, self._tokenize([texts[i] for i in missing]) if missing else []):
            ids[i] = row
        return ids  # type: ignore[return-value]

    def encode(self, texts: Sequence[str], batch_size: int = STATIC_BATCH, **_ignored) -> np.ndarray:
        """The mean of each text's token rows (zeros for a text without tokens), as EmbeddingBag(mode="mean").

        Each batch is one sparse (texts × vocabulary) matrix of 1/length weights times the table.
        """
        from scipy.sparse import csr_matrix

        parts = []
        for start in range(0, len(texts), batch_size):
            ids = self._ids(list(texts[start : start + batch_size]))
            lengths = np.fromiter((len(row) for row in ids), dtype=np.int64, count=len(ids))
            columns = np.concatenate(ids) if ids else np.zeros(0, dtype=np.int32)
            shares = np.repeat(1.0 / np.maximum(lengths, 1), lengths).astype(np.float32)
            offsets = np.concatenate(([0], np.cumsum(lengths)))
            bags = csr_matrix((shares, columns, offsets), shape=(len(ids), len(self.weights)))
            parts.append(np.asarray(bags @ self.weights, dtype=np.float32))
        return np.concatenate(parts) if parts else np.zeros((0, self.weights.shape[1]), dtype=np.float32)


def static_directory(path: Path) -> bool:
    """Whether `path` is a saved static model that `StaticEncoder` serves as it is."""
    modules = path / "modules.json"
    if not (modules.exists() and (path / "model.safetensors").exists() and (path / "tokenizer.json").exists()):
        return False
    kinds = [entry.get("type", "").rsplit(".", 1)[-1] for entry in json.loads(modules.read_text())]
    if not kinds or kinds[0] != STATIC_MODULE or not set(kinds[1:]) <= NEUTRAL_MODULES:
        return False
    from safetensors import safe_open

    with safe_open(str(path / "model.safetensors"), framework="numpy") as weights:
        return "embedding.weight" in weights.keys()


def is_static(model) -> bool:
    """Whether a model is a token bag: a `StaticEncoder`, or a SentenceTransformer starting with a StaticEmbedding."""
    if isinstance(model, StaticEncoder):
        return True
    if "sentence_transformers" not in sys.modules:  # nothing of it loaded, so `model` cannot be one
        return False
    from sentence_transformers import SentenceTransformer
    from sentence_transformers.sentence_transformer.modules import StaticEmbedding

    return isinstance(model, SentenceTransformer) and len(model) > 0 and isinstance(model[0], StaticEmbedding)


def static_token_counts(tokenizer, texts: Sequence[str]) -> list[int]:
    """Token counts the way StaticEmbedding tokenizes (a `tokenizers.Tokenizer`, no special tokens)."""
    return [len(encoding.ids) for encoding in tokenizer.encode_batch(list(texts), add_special_tokens=False)]
