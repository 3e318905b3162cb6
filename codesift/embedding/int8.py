"""int8 encoding: the transformer exported to ONNX once per model, quantised dynamically, run by onnxruntime.

Built on first use into `DATA/onnx/<model>-<key>/` (the key covers the weight files, their sizes and times,
and the window), never downloaded. Inputs come from the model's own `tokenize` and pooling is
sentence-transformers' arithmetic (mean, CLS, last token) in numpy, so int8 vectors differ from fp32
ones only by the quantised weights. Weights are quantised per output channel (per tensor loses too much on
MiniLM: cosine to fp32 0.90 at worst, against 0.99).
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
import warnings
from pathlib import Path

import numpy as np

from codesift.embedding.static import StaticEncoder

INT8_FILE = "model.int8.onnx"
POOLINGS = ("mean", "cls", "lasttoken")
OPSET = 17
MODEL_INPUTS = ("input_ids", "attention_mask", "token_type_ids")  # what the tokenizer gives that the graph takes


class Int8Unavailable(Exception):
    """This model cannot be run in int8 here; the message says why in one line."""


def weights_signature(model) -> list[str]:
    """The weight files behind a model (a sentence-transformers one, or a `StaticEncoder`): path, size, mtime of each."""
    if isinstance(model, StaticEncoder):
        weights = [model.path / "model.safetensors"] if model.path else []
    else:
        weights = []
        for module in model:
            path = getattr(getattr(module, "auto_model", None), "name_or_path", "") or getattr(
                getattr(module, "model", None), "name_or_path", ""
            )
            if path and Path(path).is_dir():
                weights += sorted(Path(path).glob("*.safetensors")) + sorted(Path(path).glob("*.bin"))
    return [f"{w.resolve()}:{w.stat().st_size}:{w.stat().st_mtime_ns}" for w in weights]


def int8_dir(model, name: str, home: Path) -> Path:
    """Where this model's int8 export lives in the data directory."""
    key = hashlib.sha1("|".join([name, str(model.max_seq_length), *weights_signature(model)]).encode()).hexdigest()[:12]
    slug = re.sub(r"[^A-Za-z0-9_.-]+", "-", Path(name).name or name).strip("-")[:40] or "model"
    return Path(home) / "onnx" / f"{slug}-{key}"


def _pooling(model) -> str:
    modules = list(model)
    kinds = [type(m).__name__ for m in modules]
    if kinds[:2] != ["Transformer", "Pooling"] or any(k != "Normalize" for k in kinds[2:]):
        raise Int8Unavailable(f"only transformer → pooling → normalise pipelines are exported, not {' → '.join(kinds)}")
    pool = modules[1]
    mode = pool.pooling_mode if isinstance(pool.pooling_mode, str) else tuple(pool.pooling_mode)
    if mode not in POOLINGS or not getattr(pool, "include_prompt", True):
        raise Int8Unavailable(f"pooling {mode!r} is not one of {', '.join(POOLINGS)}")
    return mode


def _sample_features(model) -> dict:
    features = model.preprocess(["def f(x): return x", "sort a list of numbers"])
    return {name: features[name] for name in MODEL_INPUTS if name in features}


def _export(model, target: Path) -> None:
    """The transformer (token ids → last hidden state) as ONNX, then its weights quantised to int8 per channel."""
    import torch
    from onnxruntime.quantization import QuantType, quantize_dynamic

    transformer = model[0].auto_model.eval()
    features = _sample_features(model)
    names = list(features)

    class Hidden(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.transformer = transformer

        def forward(self, *inputs):
            return self.transformer(**dict(zip(names, inputs)), use_cache=False).last_hidden_state

    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=target.parent) as scratch:
        fp32 = Path(scratch) / "model.onnx"
        axes = {name: {0: "batch", 1: "tokens"} for name in [*names, "hidden"]}
        with warnings.catch_warnings(), torch.inference_mode():
            warnings.simplefilter("ignore")
            torch.onnx.export(
                Hidden(), tuple(features[n] for n in names), str(fp32), input_names=names, output_names=["hidden"],
                dynamic_axes=axes, opset_version=OPSET, dynamo=False,
            )
        quantised = Path(scratch) / INT8_FILE
        quantize_dynamic(str(fp32), str(quantised), weight_type=QuantType.QInt8, per_channel=True)
        os.replace(quantised, target)  # whole or not at all: a killed build leaves nothing half-written


class OnnxEncoder:
    """What the `Embedder` uses of a sentence-transformers model, computed by an int8 onnxruntime session."""

    def __init__(self, model, path: Path):
        import onnxruntime

        self.st = model
        self.pooling = _pooling(model)
        self.prompts = getattr(model, "prompts", {}) or {}
        options = onnxruntime.SessionOptions()
        options.log_severity_level = 3
        self._options = options
        self._sessions: dict[int, object] = {}
        self._path = path
        self._inputs = [i.name for i in self._session(1).get_inputs()]

    def _session(self, threads: int):
        """One session per thread count (onnxruntime fixes it at creation); the Embedder asks for 1 or all."""
        import onnxruntime

        if threads not in self._sessions:
            self._options.intra_op_num_threads = threads
            self._sessions[threads] = onnxruntime.InferenceSession(
                str(self._path), self._options, providers=["CPUExecutionProvider"]
            )
        return self._sessions[threads]

    def __iter__(self):
        return iter(self.st)

    @property
    def tokenizer(self):
        return self.st.tokenizer

    @property
    def max_seq_length(self) -> int:
        return self.st.max_seq_length

    def get_embedding_dimension(self) -> int:
        return self.st.get_embedding_dimension()

    def encode(self, texts: list[str], batch_size: int = 32, show_progress_bar: bool = False, **_ignored) -> np.ndarray:
        """Pooled float32 vectors, longest texts first in batches (as sentence-transformers orders them)."""
        import torch

        session = self._session(torch.get_num_threads())
        order = np.argsort([-len(t) for t in texts], kind="stable")
        out = np.zeros((len(texts), self.get_embedding_dimension()), dtype=np.float32)
        for start in range(0, len(texts), batch_size):
            picked = order[start : start + batch_size]
            features = self.st.preprocess([texts[i] for i in picked])
            feed = {name: features[name].numpy().astype(np.int64) for name in self._inputs}
            hidden = session.run(None, feed)[0]
            out[picked] = pool(hidden, feed["attention_mask"], self.pooling)
        return out


def pool(hidden: np.ndarray, mask: np.ndarray, mode: str) -> np.ndarray:
    """sentence-transformers' Pooling (padded inputs, prompt included) in numpy, float32."""
    if mode == "cls":
        return hidden[np.arange(len(hidden)), mask.argmax(axis=1)]
    if mode == "lasttoken":
        seq_len = mask.shape[1]
        flipped = mask[:, ::-1]
        last = seq_len - 1 - np.where(flipped.max(axis=1) == 0, seq_len - 1, flipped.argmax(axis=1))
        return (hidden * mask[..., None])[np.arange(len(hidden)), last]
    weights = mask[..., None].astype(np.float32)
    return (hidden * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)


def int8_encoder(model, name: str, home: Path) -> OnnxEncoder:
    """The int8 encoder for `model`, exporting and quantising it first if this data directory has none."""
    try:
        _pooling(model)
        target = int8_dir(model, name, home) / INT8_FILE
        if not target.is_file():
            _export(model, target)
        return OnnxEncoder(model, target)
    except Int8Unavailable:
        raise
    except Exception as exc:  # exporters and runtimes fail in many ways; the user needs one line
        text = str(exc).strip().splitlines()[0][:200] if str(exc).strip() else type(exc).__name__
        raise Int8Unavailable(text) from None

