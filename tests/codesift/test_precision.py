"""Encoder precision: what `auto` picks from the CPU torch reports; bf16 and int8 vectors against fp32 ones."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from codesift.config import Settings
from codesift.embedding import load_embedder
from codesift.embedding.int8 import INT8_FILE, POOLINGS, pool
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


@pytest.fixture(scope="module")
def int8_home(tmp_path_factory):
    return tmp_path_factory.mktemp("int8-home")


@pytest.fixture(scope="module")
def minilm_int8(int8_home):
    return load_embedder("minilm", precision="int8", home=int8_home)


def test_int8_is_exported_once_into_the_data_directory_and_agrees_with_fp32(minilm, minilm_int8, int8_home):
    assert minilm_int8.precision == "int8" and minilm_int8.describe()["precision"] == "int8"
    (built,) = (int8_home / "onnx").glob(f"*/{INT8_FILE}")
    stamp = built.stat().st_mtime_ns
    again = load_embedder("minilm", precision="int8", home=int8_home)
    assert again.precision == "int8" and built.stat().st_mtime_ns == stamp  # reused, not rebuilt
    full = minilm.encode_documents(TEXTS)
    quantised = minilm_int8.encode_documents(TEXTS, batch_size=2)
    assert quantised.dtype == np.float32 and np.allclose(np.linalg.norm(quantised, axis=1), 1.0, atol=1e-5)
    assert (full * quantised).sum(axis=1).min() >= 0.98
    assert float(minilm_int8.encode_query("read a json file") @ minilm.encode_query("read a json file")) >= 0.98
    assert minilm_int8.count_tokens(TEXTS) == minilm.count_tokens(TEXTS)
    assert minilm_int8.document_token_budget() == minilm.document_token_budget()


def test_int8_decoder_pools_the_last_token(tiny_decoder_dir, int8_home):
    full = load_embedder(str(tiny_decoder_dir))
    quantised = load_embedder(str(tiny_decoder_dir), precision="int8", home=int8_home)
    texts = ["def parse_json(path): return json.load(open(path))", "sort", "class Stack: def push(self, item): pass"]
    assert quantised.precision == "int8"
    assert (full.encode_documents(texts) * quantised.encode_documents(texts)).sum(axis=1).min() >= 0.99


@pytest.mark.parametrize("mode", POOLINGS)
@pytest.mark.parametrize("side", ["right", "left"])
def test_numpy_pooling_is_sentence_transformers_pooling(mode, side):
    from sentence_transformers.sentence_transformer.modules import Pooling

    generator = np.random.default_rng(0)
    hidden = generator.normal(size=(3, 5, 8)).astype(np.float32)
    lengths = [5, 3, 1]
    mask = np.array([[1] * n + [0] * (5 - n) for n in lengths], dtype=np.int64)
    if side == "left":
        mask = mask[:, ::-1].copy()
    expected = Pooling(8, pooling_mode=mode)({"token_embeddings": torch.from_numpy(hidden), "attention_mask": torch.from_numpy(mask)})
    assert np.allclose(pool(hidden, mask, mode), expected["sentence_embedding"].numpy(), atol=1e-6)


def test_a_failed_int8_export_is_one_line_and_encodes_in_fp32(minilm, tmp_path, caplog):
    home = tmp_path / "home"
    home.mkdir()
    (home / "onnx").write_text("a file where the export directory should be")
    with caplog.at_level("WARNING", logger="codesift"):
        fallback = load_embedder("minilm", precision="int8", home=home)
    assert fallback.precision == "fp32"
    (line,) = [r.getMessage() for r in caplog.records]
    assert line.startswith("int8 export of minilm failed (") and line.endswith("): encoding in fp32") and "\n" not in line
    assert np.allclose(fallback.encode_documents(TEXTS), minilm.encode_documents(TEXTS), atol=1e-6)
