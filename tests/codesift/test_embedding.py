"""The embedding layer on the real bundled MiniLM and a tiny random Qwen2 decoder."""

from __future__ import annotations

import time

import huggingface_hub
import numpy as np
import pytest

from codesift.embedding import PRESETS, TASKS, load_embedder, prompt_set
from codesift.embedding.tasks import JINA_PREFIXES
from codesift.errors import ModelLoadError


def test_minilm_encodes_normalised_float32(minilm):
    queries = minilm.encode_queries(["read a json file"], task="nl2code")
    docs = minilm.encode_documents(["def load(path):\n    return json.load(open(path))", "def add(a, b):\n    return a + b"])
    assert minilm.name == "minilm" and minilm.dim == 384
    assert queries.dtype == np.float32 and queries.shape == (1, 384) and docs.shape == (2, 384)
    assert np.allclose(np.linalg.norm(docs, axis=1), 1.0, atol=1e-5)
    scores = docs @ queries[0]
    assert scores[0] > scores[1]


def test_empty_input_gives_empty_matrix(minilm):
    assert minilm.encode_documents([]).shape == (0, 384)


def test_matryoshka_truncation_is_renormalised_prefix(minilm):
    small = load_embedder("minilm", truncate_dim=64)
    text = ["binary search over a sorted list"]
    full = minilm.encode_documents(text)[0]
    cut = small.encode_documents(text)[0]
    assert small.dim == 64 and cut.shape == (64,)
    assert np.allclose(cut, full[:64] / np.linalg.norm(full[:64]), atol=1e-5)
    with pytest.raises(ValueError):
        load_embedder("minilm", truncate_dim=1000)


def test_unknown_task_is_refused(minilm):
    with pytest.raises(ValueError, match="unknown task"):
        minilm.encode_queries(["x"], task="sql")


def test_jina_prefixes_match_the_paper_table():
    prompts = prompt_set("jina")
    assert set(TASKS) == set(JINA_PREFIXES)
    assert prompts.query_prefix("nl2code") == "Find the most relevant code snippet given the following query:\n"
    assert prompts.document_prefix("techqa") == "Candidate answer:\n"
    assert prompts.query_prefix("code2completion").startswith("Find the most relevant completion")
    coder = prompt_set("coder")
    assert coder.query_prefix("code2code").startswith("<instruct>") and coder.query_prefix("code2code").endswith("\n<query>")
    assert coder.document_prefix("code2code") == ""


def test_presets_name_the_paper_models():
    assert PRESETS["jina-code-0.5b"].pooling == "lasttoken" and PRESETS["jina-code-0.5b"].prompt_style == "jina"
    assert PRESETS["bge-code-v1"].prompt_style == "coder"
    assert PRESETS["minilm"].source.startswith("package:")


def test_saved_prompts_of_a_local_model_are_honoured(minilm, tmp_path):
    minilm.model.prompts = {"nl2code_query": "Q: ", "nl2code_document": "D: "}
    try:
        minilm.model.save(str(tmp_path / "m"))
    finally:
        minilm.model.prompts = {}
    local = load_embedder(str(tmp_path / "m"))
    assert local.prompts.query_prefix("nl2code") == "Q: " and local.prompts.document_prefix("nl2code") == "D: "
    expected = minilm.encode_documents(["Q: sort a list"])
    assert np.allclose(local.encode_queries(["sort a list"]), expected, atol=1e-5)
    assert local.document_token_budget() == minilm.document_token_budget() - minilm.count_tokens(["D: "])[0]


def test_unreachable_hub_preset_fails_fast_with_one_line(monkeypatch):
    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_OFFLINE", True)
    started = time.monotonic()
    with pytest.raises(ModelLoadError) as err:
        load_embedder("jina-code-0.5b")
    assert time.monotonic() - started < 30
    message = str(err.value)
    assert "\n" not in message and "jinaai/jina-code-embeddings-0.5b" in message


def test_missing_directory_fails_with_one_line():
    with pytest.raises(ModelLoadError, match="not found"):
        load_embedder("./no/such/model")


def test_decoder_gets_last_token_pooling_and_left_padding(tiny_decoder_dir):
    embedder = load_embedder(str(tiny_decoder_dir))
    assert embedder.tokenizer.padding_side == "left"
    pooling = [m for m in embedder.model if hasattr(m, "pooling_mode")][0]
    assert pooling.pooling_mode == "lasttoken"
    ids = embedder.tokenizer("def f(): pass")["input_ids"]
    assert ids[-1] == embedder.tokenizer.eos_token_id


def test_decoder_batched_equals_one_by_one(tiny_decoder_dir):
    embedder = load_embedder(str(tiny_decoder_dir))
    texts = ["def parse_json(path): return json.load(open(path))", "sort", "class Stack: def push(self, item): pass"]
    batched = embedder.encode_documents(texts, batch_size=8)
    single = np.stack([embedder.encode_documents([t])[0] for t in texts])
    assert np.allclose(batched, single, atol=1e-4)
    assert not np.allclose(batched[0], batched[1], atol=1e-3)
