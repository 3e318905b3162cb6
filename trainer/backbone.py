"""The model being trained: any backbone `load_embedder` understands, plus LoRA adapters for decoders.

Encoders (the bundled MiniLM) are fully fine-tuned. Decoder LLMs (Qwen2.5-Coder
by hub id or local path) get last-token pooling with left padding and LoRA
adapters through peft (CodeR: r=32, alpha=64); at export the adapters are
merged into the weights so the result is a plain sentence-transformers model.
A static backbone (`static` in the config) is the model distilled into a token
bag (trainer.static) and trained whole; it has no window or pooling to set.
A finished stage's model is saved with the backbone's own window and the task
prompts, so it is usable on its own and the next run can continue from it.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from codesift.embedding import load_embedder
from codesift.embedding.loading import DECODER_MODEL_TYPES, configure_padding
from codesift.embedding.static import STATIC_WINDOW
from codesift.embedding.tasks import prompt_set
from trainer.config import TrainConfig
from trainer.static import distilled_backbone


def load_backbone(config: TrainConfig, weights: Path | None = None):
    """A SentenceTransformer ready for training, and the backbone's own window.

    `weights`: a finished stage's model directory to continue from (full
    weights for encoders, the trained adapter for LoRA).
    """
    if config.static:
        return _static_backbone(config, weights), STATIC_WINDOW
    source = weights if weights and not config.lora else config.model
    model = load_embedder(str(source)).model
    window = model.max_seq_length
    set_pooling(model, pooling_mode(config, model))
    if config.max_seq_length:
        model.max_seq_length = config.max_seq_length
    if config.lora and weights:
        model[0].model.load_adapter(str(weights), adapter_name="default", is_trainable=True)
    elif config.lora:
        from peft import LoraConfig as PeftLoraConfig
        from peft import TaskType

        model.add_adapter(
            PeftLoraConfig(
                task_type=TaskType.FEATURE_EXTRACTION,
                r=config.lora.r,
                lora_alpha=config.lora.alpha,
                lora_dropout=config.lora.dropout,
                target_modules=list(config.lora.target_modules),
            )
        )
    return model, window


def _static_backbone(config: TrainConfig, weights: Path | None):
    from sentence_transformers import SentenceTransformer

    if weights:
        return SentenceTransformer(str(weights), device="cpu")
    return distilled_backbone(config.model, config.static, config.output_dir)


def pooling_mode(config: TrainConfig, model) -> str | None:
    """The configured pooling; unset: last-token for decoder backbones, else the model's own (None)."""
    if config.pooling:
        return config.pooling
    return "lasttoken" if model[0].model.config.model_type in DECODER_MODEL_TYPES else None


def set_pooling(model, mode: str | None) -> None:
    if mode is None:
        return
    for module in model:
        if hasattr(module, "pooling_mode"):
            module.pooling_mode = mode
    configure_padding(model, mode)


def save_model(model, path: Path, window: int, config: TrainConfig, *, model_card: bool = False) -> None:
    """Save with the backbone's window and the task prompts (the training window is restored afterwards)."""
    model.prompts = prompt_set(config.prompt_style).to_st_prompts()
    model.default_prompt_name = None
    if config.static:  # a token bag has no window
        model.save(str(path), create_model_card=model_card)
        return
    training_window = model.max_seq_length
    model.max_seq_length = window
    model.save(str(path), create_model_card=model_card)
    model.max_seq_length = training_window


def merged(model, config: TrainConfig):
    """The trained model with its LoRA adapters folded into the base weights (no peft modules left)."""
    if not config.lora:
        return model
    from peft import PeftModel

    with tempfile.TemporaryDirectory() as adapter_dir:
        model[0].model.save_pretrained(adapter_dir)  # adapter weights and config only
        base = load_embedder(config.model).model
        set_pooling(base, pooling_mode(config, base))
        base.max_seq_length = model.max_seq_length
        base[0].model = PeftModel.from_pretrained(base[0].model, adapter_dir).merge_and_unload()
    return base


def trainable_parameters(model) -> tuple[int, int]:
    trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)
    return trainable, sum(p.numel() for p in model.parameters())
