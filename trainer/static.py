"""A static backbone distilled from a transformer teacher, the model2vec way, ready for contrastive training.

Every token of the teacher's vocabulary is embedded by the teacher on its own, the vectors are reduced by PCA
and weighted by the token's estimated frequency (SIF; `model2vec.distill`), and the table becomes a
sentence-transformers `StaticEmbedding`: a bag of tokens the trainer's losses train like any model. The
distillation runs once per training run and is kept in the run's folder, so a resumed run does not repeat it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from codesift.embedding import load_embedder
from codesift.embedding.static import is_static
from codesift.errors import CodesiftError

DISTILLED_DIR = "distilled"


@dataclass(frozen=True)
class StaticInit:
    dims: int = 256  # PCA dimension of the token table
    sif_coefficient: float = 1e-4  # model2vec's frequency weighting; 0 turns it off


def distill_static(teacher: str, init: StaticInit):
    """The teacher's vocabulary as a StaticEmbedding SentenceTransformer (`dims`-wide, float32)."""
    import numpy as np
    import torch
    from model2vec.distill import distill_from_model
    from sentence_transformers import SentenceTransformer
    from sentence_transformers.sentence_transformer.modules import StaticEmbedding

    source = load_embedder(teacher).model
    if is_static(source) or not hasattr(source[0], "auto_model"):
        raise CodesiftError(f"cannot distil {teacher!r}: a static model needs a transformer teacher")
    width = source.get_embedding_dimension()
    if not 0 < init.dims <= width:
        raise CodesiftError(f"static dims must be between 1 and the teacher's dimension {width}, got {init.dims}")
    torch.manual_seed(0)
    bag = distill_from_model(
        model=source[0].auto_model,
        tokenizer=source.tokenizer,
        pca_dims=init.dims,
        sif_coefficient=init.sif_coefficient or None,
        quantize_to="float32",
        device="cpu",
    )
    weights = torch.from_numpy(np.ascontiguousarray(bag.embedding, dtype=np.float32))
    return SentenceTransformer(modules=[StaticEmbedding(bag.tokenizer, embedding_weights=weights)], device="cpu")


def distilled_backbone(teacher: str, init: StaticInit, run_dir: Path):
    """The distilled model of this run: made once, then loaded from the run's folder."""
    from sentence_transformers import SentenceTransformer

    path = run_dir / DISTILLED_DIR
    if (path / "modules.json").exists():
        return SentenceTransformer(str(path), device="cpu")
    model = distill_static(teacher, init)
    model.save(str(path))
    return model
