"""Encoder precision: what `auto` picks from the CPU torch reports, and bf16 vectors against fp32 ones."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from codesift.config import Settings
from codesift.embedding import load_embedder
from codesift.embedding.precision import cpu_capabilities, resolve_precision
from codesift.errors import CodesiftError

TEXTS = [
    "def load(path):\n    with open(path) as f:\n        return json.load(f)",
    "class Stack:\n    def push(self, item):\n        self.items.append(item)",
    "read a json file into a dictionary",
    "# Install\n\nRun pip install shop, then import shop.",
]


@pytest.mark.parametrize(
    ("capabilities", "picked"),
    [
        ({"avx512_bf16": True, "amx_bf16": False, "mkldnn_bf16": True}, "bf16"),
        ({"avx512_bf16": False, "amx_bf16": True, "mkldnn_bf16": True}, "bf16"),
        ({"avx512_bf16": False, "amx_bf16": False, "mkldnn_bf16": True}, "fp32"),
        ({"avx512_bf16": True, "amx_bf16": True, "mkldnn_bf16": False}, "fp32"),  # the flags alone are not enough
    ],
)
def test_auto_is_bf16_only_where_the_cpu_does_bf16_natively(capabilities, picked):
    assert resolve_precision("auto", capabilities) == picked
    assert resolve_precision("fp32", capabilities) == "fp32" and resolve_precision("bf16", capabilities) == "bf16"


def test_auto_reads_what_torch_reports_about_this_cpu():
    capabilities = cpu_capabilities()
    assert capabilities["mkldnn_bf16"] == torch.ops.mkldnn._is_mkldnn_bf16_supported()
    assert load_embedder("minilm", precision="auto").precision == resolve_precision("auto", capabilities)


def test_unknown_precision_is_one_line(monkeypatch):
    with pytest.raises(CodesiftError, match="unknown precision 'fp16': use one of auto, fp32, bf16, int8"):
        load_embedder("minilm", precision="fp16")
    monkeypatch.setenv("CODESIFT_PRECISION", "half")
    with pytest.raises(CodesiftError, match="unknown precision 'half'"):
        Settings()
    monkeypatch.setenv("CODESIFT_PRECISION", "bf16")
    assert Settings().precision == "bf16" and Settings().with_overrides(precision="fp32").precision == "fp32"


def test_bf16_weights_give_float32_vectors_that_agree_with_fp32(minilm, minilm_bf16):
    assert next(minilm_bf16.model[0].parameters()).dtype == torch.bfloat16
    assert minilm_bf16.precision == "bf16" and minilm_bf16.describe()["precision"] == "bf16"
    assert minilm.describe()["precision"] == "fp32"
    full = minilm.encode_documents(TEXTS)
    half = minilm_bf16.encode_documents(TEXTS)
    assert half.dtype == np.float32 and np.allclose(np.linalg.norm(half, axis=1), 1.0, atol=1e-5)
    assert (full * half).sum(axis=1).min() >= 0.999
    query = minilm_bf16.encode_query("read a json file")
    assert query.dtype == np.float32 and float(query @ minilm.encode_query("read a json file")) >= 0.999


def test_bf16_decoder_pools_the_last_token(tiny_decoder_dir):
    full = load_embedder(str(tiny_decoder_dir))
    half = load_embedder(str(tiny_decoder_dir), precision="bf16")
    texts = ["def parse_json(path): return json.load(open(path))", "sort"]
    assert (full.encode_documents(texts) * half.encode_documents(texts)).sum(axis=1).min() >= 0.99
