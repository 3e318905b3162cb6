"""The contrastive loss: InfoNCE with in-batch and hard negatives, optionally Matryoshka.

`CachedMultipleNegativesRankingLoss` (GradCache) gives large batches in small
memory; its scale is 1/temperature (CodeR 0.02, jina 0.05). A static backbone
(a token bag) cannot be split into mini-batches and needs no cache: it gets the
plain in-batch loss. `MatryoshkaLoss`
applies it at every truncated dimension so embeddings can be cut short.
"""

from __future__ import annotations

from sentence_transformers.sentence_transformer.losses import (
    CachedMultipleNegativesRankingLoss,
    MatryoshkaLoss,
    MultipleNegativesRankingLoss,
)

from codesift.errors import CodesiftError
from trainer.config import TrainConfig


def build_loss(model, config: TrainConfig):
    if config.static:
        infonce = MultipleNegativesRankingLoss(model, scale=1.0 / config.temperature)
    else:
        infonce = CachedMultipleNegativesRankingLoss(
            model, scale=1.0 / config.temperature, mini_batch_size=config.mini_batch_size, show_progress_bar=False
        )
    if not config.matryoshka_dims:
        return infonce
    full = model.get_embedding_dimension()
    if config.matryoshka_dims[0] != full:
        raise CodesiftError(f"matryoshka_dims must start with the model's dimension {full}, got {config.matryoshka_dims[0]}")
    return MatryoshkaLoss(model, infonce, matryoshka_dims=list(config.matryoshka_dims))
