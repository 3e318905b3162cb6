"""The `Embedder`: task-aware, L2-normalised float32 encodings over a sentence-transformers model.

Shape compatible with mteb / coir-eval encoders (`encode_queries`,
`encode_corpus`). Documents longer than the model window are not truncated
here: the indexer splits them first using `document_token_budget` and
`count_tokens`.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence

import numpy as np

from codesift.embedding.batching import QueryBatcher
from codesift.embedding.static import STATIC_BATCH, STATIC_WINDOW, StaticEncoder, is_static, static_token_counts
from codesift.embedding.tasks import PromptSet


@contextlib.contextmanager
def _torch_threads(n: int) -> Iterator[None]:
    import torch

    before = torch.get_num_threads()
    if n == before:
        yield
        return
    torch.set_num_threads(n)
    try:
        yield
    finally:
        torch.set_num_threads(before)


class Embedder:
    def __init__(self, model, name: str, prompts: PromptSet, truncate_dim: int | None = None, precision: str = "fp32"):
        self.model = model
        self.name = name
        self.prompts = prompts
        self.precision = precision  # fp32, bf16 or int8: how the vectors were computed (they are float32 either way)
        full_dim = model.get_embedding_dimension()
        if truncate_dim is not None and not 0 < truncate_dim <= full_dim:
            raise ValueError(f"truncate_dim must be between 1 and {full_dim}, got {truncate_dim}")
        self.truncate_dim = truncate_dim
        self.dim = truncate_dim or full_dim
        self.static = is_static(model)
        self._special_tokens = 0 if self.static else len(self.tokenizer("")["input_ids"])
        self._queries = QueryBatcher(lambda texts, task: self.encode_queries(texts, task=task))

    @property
    def tokenizer(self):
        return self.model.tokenizer

    @property
    def max_seq_length(self) -> int:
        return STATIC_WINDOW if self.static else int(self.model.max_seq_length)

    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        """Token counts without special tokens (fast tokenizer, batched)."""
        if not texts:
            return []
        if isinstance(self.model, StaticEncoder):
            return self.model.token_counts(texts)
        if self.static:
            return static_token_counts(self.tokenizer, texts)
        ids = self.tokenizer(list(texts), add_special_tokens=False)["input_ids"]
        return [len(x) for x in ids]

    def document_token_budget(self, task: str = "nl2code") -> int:
        """How many tokens of document text fit in the window after the prefix and special tokens."""
        prefix = self.prompts.document_prefix(task)
        used = self._special_tokens + (self.count_tokens([prefix])[0] if prefix else 0)
        return self.max_seq_length - used

    def encode_queries(self, texts: Sequence[str], task: str = "nl2code", **kwargs) -> np.ndarray:
        return self._encode(self.prompts.query_prefix(task), texts, **kwargs)

    def encode_query(self, text: str, task: str = "nl2code") -> np.ndarray:
        """One query's vector; concurrent callers (threads of a server) share forward passes."""
        return self._queries.encode(text, task)

    def encode_documents(self, texts: Sequence[str], task: str = "nl2code", **kwargs) -> np.ndarray:
        return self._encode(self.prompts.document_prefix(task), texts, **kwargs)

    def encode_corpus(self, corpus: Sequence[dict], task: str = "nl2code", **kwargs) -> np.ndarray:
        """coir-eval / BEIR shape: documents as `{"title", "text"}` dicts."""
        texts = [f"{d.get('title', '')}\n{d['text']}".strip() for d in corpus]
        return self.encode_documents(texts, task=task, **kwargs)

    def _encode(
        self,
        prefix: str,
        texts: Sequence[str],
        batch_size: int = 32,
        show_progress_bar: bool = False,
        **_ignored,
    ) -> np.ndarray:
        if len(texts) == 0:
            return np.zeros((0, self.dim), dtype=np.float32)
        inputs = [prefix + t for t in texts] if prefix else list(texts)
        if self.static:
            batch_size = max(batch_size, STATIC_BATCH)
        if isinstance(self.model, StaticEncoder):
            vectors = self.model.encode(inputs, batch_size=batch_size)
        else:
            vectors = self._encode_torch(inputs, batch_size, show_progress_bar)
        vectors = np.asarray(vectors, dtype=np.float32)
        if self.truncate_dim:
            vectors = vectors[:, : self.truncate_dim]
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        return np.ascontiguousarray(vectors / np.clip(norms, 1e-12, None), dtype=np.float32)

    def _encode_torch(self, inputs: list[str], batch_size: int, show_progress_bar: bool) -> np.ndarray:
        import torch

        # One short input runs faster on one thread than split across cores.
        threads = 1 if len(inputs) == 1 else torch.get_num_threads()
        with _torch_threads(threads), torch.inference_mode():
            return self.model.encode(
                inputs,
                batch_size=batch_size,
                show_progress_bar=show_progress_bar,
                convert_to_numpy=True,
                normalize_embeddings=False,
            )

    def describe(self) -> dict:
        """What an index records of the embedder that built it; all but precision must agree to search it."""
        return {
            "model": self.name,
            "dim": self.dim,
            "max_seq_length": self.max_seq_length,
            "prompts": self.prompts.as_dict(),
            "precision": self.precision,
        }
