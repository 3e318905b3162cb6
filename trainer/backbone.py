"""The model being trained: any backbone `load_embedder` understands, plus LoRA adapters for decoders.

Encoders (the bundled MiniLM) are fully fine-tuned. Decoder LLMs (Qwen2.5-Coder
by hub id or local path) get last-token pooling with left padding and LoRA
adapters through peft (CodeR: r=32, alpha=64); at export the adapters are
merged into the weights so the result is a plain sentence-transformers model.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from codesift.embedding import load_embedder
from codesift.embedding.loading import configure_padding
from trainer.config import TrainConfig


def load_backbone(config: TrainConfig):
    """A SentenceTransformer ready for training (LoRA attached when configured), and its own window."""
    model = load_embedder(config.model).model
    window = model.max_seq_length
    if config.pooling:
        set_pooling(model, config.pooling)
    if config.max_seq_length:
        model.max_seq_length = config.max_seq_length
    if config.lora:
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


def set_pooling(model, mode: str) -> None:
    for module in model:
        if hasattr(module, "pooling_mode"):
            module.pooling_mode = mode
    configure_padding(model, mode)


def merged(model, config: TrainConfig):
    """The trained model with its LoRA adapters folded into the base weights (no peft modules left)."""
    if not config.lora:
        return model
    from peft import PeftModel

    with tempfile.TemporaryDirectory() as adapter_dir:
        model[0].model.save_pretrained(adapter_dir)  # adapter weights and config only
        base = load_embedder(config.model).model
        if config.pooling:
            set_pooling(base, config.pooling)
        base.max_seq_length = model.max_seq_length
        base[0].model = PeftModel.from_pretrained(base[0].model, adapter_dir).merge_and_unload()
    return base


def trainable_parameters(model) -> tuple[int, int]:
    trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)
    return trainable, sum(p.numel() for p in model.parameters())
