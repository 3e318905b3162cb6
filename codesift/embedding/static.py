"""Static models: one vector per token, averaged (sentence-transformers `StaticEmbedding`); no transformer runs.

Such a model has no window and adds no special tokens. The indexer still fits chunks to `STATIC_WINDOW`
tokens, so a hit stays a span a reader can take in, and the average is not drowned by one huge file.
"""

from __future__ import annotations

from collections.abc import Sequence

STATIC_WINDOW = 512
STATIC_BATCH = 1024  # no padding in a bag of tokens: large batches cost nothing and save per-batch overhead


def is_static(model) -> bool:
    """Whether a SentenceTransformer starts with a StaticEmbedding module (an ONNX encoder never does)."""
    from sentence_transformers import SentenceTransformer
    from sentence_transformers.sentence_transformer.modules import StaticEmbedding

    return isinstance(model, SentenceTransformer) and len(model) > 0 and isinstance(model[0], StaticEmbedding)


def static_token_counts(tokenizer, texts: Sequence[str]) -> list[int]:
    """Token counts the way StaticEmbedding tokenizes (a `tokenizers.Tokenizer`, no special tokens)."""
    return [len(encoding.ids) for encoding in tokenizer.encode_batch(list(texts), add_special_tokens=False)]
