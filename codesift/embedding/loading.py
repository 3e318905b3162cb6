"""`load_embedder`: a preset name, a local model directory or a hub id → an `Embedder`.

Local directories may be sentence-transformers models (their saved prompts are
honoured) or plain transformers checkpoints; decoder checkpoints get
last-token pooling with left padding, encoders mean pooling. A static model
(a StaticEmbedding token bag) loads as it is: no window, no padding, and a saved
one through `StaticEncoder`, without torch or transformers. `precision`
(`codesift.embedding.precision`) casts the transformer's weights to bf16
(pooling and the vectors stay float32), or runs its int8 ONNX export
(`codesift.embedding.int8`); a model that cannot be exported says so in one
line and loads in fp32.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

from codesift.embedding.embedder import Embedder
from codesift.embedding.int8 import Int8Unavailable, int8_encoder
from codesift.embedding.precision import check_precision, resolve_precision
from codesift.embedding.presets import PRESETS, Preset, built_model_dir, is_built, resolve_package_model
from codesift.embedding.static import StaticEncoder, is_static, static_directory
from codesift.embedding.tasks import PromptSet, prompt_set, prompts_from_saved
from codesift.errors import ModelLoadError, ModelNotBuiltError

log = logging.getLogger("codesift")
HUB_PROBE_TIMEOUT_S = 5
DECODER_MODEL_TYPES = {"qwen2", "qwen3", "llama", "mistral", "gemma", "gemma2", "gemma3", "phi3", "starcoder2"}


def _quiet_transformers() -> None:
    """Weight-loading progress bars and hub retry chatter are noise in a CLI."""
    import transformers

    transformers.utils.logging.disable_progress_bar()
    transformers.utils.logging.set_verbosity_error()


def _is_decoder(path: Path) -> bool:
    config = json.loads((path / "config.json").read_text())
    return config.get("model_type") in DECODER_MODEL_TYPES or any(
        a.endswith("ForCausalLM") for a in config.get("architectures") or []
    )


def build_sentence_transformer(path: str | Path, pooling: str | None = None, max_seq_length: int | None = None):
    """A sentence-transformers pipeline (transformer → pooling → normalise) over a plain checkpoint."""
    from sentence_transformers import SentenceTransformer
    from sentence_transformers.sentence_transformer.modules import Normalize, Pooling, Transformer

    path = Path(path)
    pooling = pooling or ("lasttoken" if _is_decoder(path) else "mean")
    transformer = Transformer(str(path), max_seq_length=max_seq_length)
    pool = Pooling(transformer.get_embedding_dimension(), pooling_mode=pooling)
    model = SentenceTransformer(modules=[transformer, pool, Normalize()], device="cpu")
    configure_padding(model, pooling)
    return model


def configure_padding(model, pooling: str | None) -> None:
    tokenizer = model.tokenizer
    if pooling == "lasttoken":
        tokenizer.padding_side = "left"
    if tokenizer.pad_token is None and tokenizer.eos_token is not None:
        tokenizer.pad_token = tokenizer.eos_token


def _model_pooling(model) -> str | None:
    for module in model:
        mode = getattr(module, "pooling_mode", None)
        if mode is not None:
            return mode if isinstance(mode, str) else mode[0]
    return None


def _first_line(exc: Exception) -> str:
    text = str(exc).strip()
    return text.splitlines()[0][:300] if text else type(exc).__name__


def _load_from_hub(repo_id: str, trust_remote_code: bool):
    """Load a hub model: from the local cache when it is there, else after one quick reachability check."""
    import huggingface_hub
    from sentence_transformers import SentenceTransformer

    try:
        return SentenceTransformer(repo_id, device="cpu", trust_remote_code=trust_remote_code, local_files_only=True)
    except Exception:
        pass  # not cached: go to the hub
    try:
        huggingface_hub.model_info(repo_id, timeout=HUB_PROBE_TIMEOUT_S)
    except Exception as exc:
        raise ModelLoadError(
            f"cannot reach the Hugging Face hub for model {repo_id!r} ({_first_line(exc)}); "
            "pass a local model directory, or use the default 'minilm'"
        ) from None
    return SentenceTransformer(repo_id, device="cpu", trust_remote_code=trust_remote_code)


def _load(source: str, name: str, trust_remote_code: bool, pooling: str | None, max_seq_length: int | None):
    path = Path(source).expanduser()
    try:
        if path.is_dir() and static_directory(path):
            return StaticEncoder.load(path)
    except Exception as exc:
        raise ModelLoadError(f"cannot load static model {name!r} from {source}: {_first_line(exc)}") from None
    _quiet_transformers()
    from sentence_transformers import SentenceTransformer

    try:
        if path.is_dir() and not (path / "modules.json").exists():
            return build_sentence_transformer(path, pooling, max_seq_length)
        if path.is_dir():
            model = SentenceTransformer(str(path), device="cpu", trust_remote_code=trust_remote_code)
        else:
            model = _load_from_hub(source, trust_remote_code)
    except ModelLoadError:
        raise
    except Exception as exc:  # checkpoints fail in many ways; the user needs one line
        raise ModelLoadError(f"cannot load embedding model {name!r} from {source}: {_first_line(exc)}") from None
    if is_static(model):  # a bag of tokens: no window to set, nothing padded
        return model
    if max_seq_length:
        model.max_seq_length = max_seq_length
    configure_padding(model, _model_pooling(model))
    return model


def _to_bf16(model) -> None:
    """bf16 weights in the transformer; its token embeddings go on to pooling as float32."""
    import torch

    transformer = model[0]
    transformer.to(torch.bfloat16)

    def float_tokens(_module, _inputs, features):
        features["token_embeddings"] = features["token_embeddings"].float()
        return features

    transformer.register_forward_hook(float_tokens)


def _to_int8(model, name: str, home: Path | None):
    """The int8 encoder of `model`, or None (after one line saying why) to go on in fp32."""
    try:
        return int8_encoder(model, name, home or _configured_home())
    except Int8Unavailable as exc:
        log.warning(f"int8 export of {name} failed ({exc}): encoding in fp32")
        return None


def _preset_source(preset: Preset, home: Path | None) -> str:
    """Where a preset's weights are: a package's model folder, this machine's build of it, or the hub id."""
    if preset.source.startswith("package:"):
        return resolve_package_model(preset.source)
    if preset.source.startswith("built:"):
        home = home or _configured_home()
        name = preset.source.removeprefix("built:")
        if not is_built(home, name):
            raise ModelNotBuiltError(
                f"the {preset.name} model is not built yet: `codesift model build {name}` builds it here "
                f"(a few minutes, offline; `codesift index --model {preset.name}` does it too)"
            )
        return str(built_model_dir(home, name))
    return preset.source


def _configured_home() -> Path:
    from codesift.config import Settings

    return Settings().home


def load_embedder(
    name_or_path: str = "minilm", *, truncate_dim: int | None = None, precision: str = "fp32", home: Path | None = None
) -> Embedder:
    """Load a preset (`minilm`, `jina-code-0.5b`, …), a local model directory or a hub id, in `precision`.

    int8 exports and models built here (`static`) are under `home` (default: the configured data directory).
    """
    check_precision(precision)
    preset = PRESETS.get(name_or_path)
    if preset is not None:
        source = _preset_source(preset, home)
        model = _load(source, preset.name, preset.trust_remote_code, preset.pooling, preset.max_seq_length)
        prompts: PromptSet = prompt_set(preset.prompt_style)
        name = preset.name
    else:
        path = Path(name_or_path).expanduser()
        if not path.is_dir() and (path.exists() or name_or_path.startswith((".", "/", "~"))):
            raise ModelLoadError(f"model directory not found: {name_or_path}")
        model = _load(name_or_path, name_or_path, False, None, None)
        prompts = prompts_from_saved(getattr(model, "prompts", {}) or {}) or PromptSet()
        name = str(path.resolve()) if path.is_dir() else name_or_path
    # A token bag has no matmul to speed up: it is a table look-up and a mean.
    precision = "fp32" if is_static(model) else resolve_precision(precision)
    if precision == "bf16":
        _to_bf16(model)
    if precision == "int8":
        encoder = _to_int8(model, name, home)
        model, precision = (encoder, "int8") if encoder is not None else (model, "fp32")
    return Embedder(model, name=name, prompts=prompts, truncate_dim=truncate_dim, precision=precision)
