"""Shared fixtures: the bundled MiniLM (fp32 and bf16), a tiny random Qwen2 decoder, a tiny static model, an
isolated CODESIFT_HOME.

Also the sample shop repository indexed into a CODESIFT_HOME, and local OpenAI-compatible LLM servers with
settings for them.
Helpers beside this file (`llm_server`, `beir_sets`, `shop_repo`) are importable from every test package.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from llm_server import FakeLLMServer
from shop_repo import COLLECTION, write_shop
from static_models import build_tiny_static

from codesift.llm import LLMSettings


@pytest.fixture(scope="session")
def minilm():
    from codesift.embedding import load_embedder

    return load_embedder("minilm")


@pytest.fixture(scope="session")
def minilm_bf16():
    """The bundled MiniLM with bf16 weights (whatever this CPU does natively)."""
    from codesift.embedding import load_embedder

    return load_embedder("minilm", precision="bf16")


def build_tiny_decoder(directory) -> None:
    """A random 2-layer Qwen2 with a BPE tokenizer trained here: pads on the left, appends EOS."""
    from tokenizers import Tokenizer, models, pre_tokenizers, processors, trainers
    from transformers import PreTrainedTokenizerFast, Qwen2Config, Qwen2Model

    corpus = [
        "def parse_json(path): return json.load(open(path))",
        "class Stack: def push(self, item): self.items.append(item)",
        "Find the most relevant code snippet given the following query:",
        "sort a list of numbers in place and return the largest element",
        "func main() { fmt.Println(\"hello\") } fn add(a: i32, b: i32) -> i32 { a + b }",
    ] * 20
    tokenizer = Tokenizer(models.BPE(unk_token="<unk>"))
    tokenizer.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    trainer = trainers.BpeTrainer(vocab_size=400, special_tokens=["<pad>", "<unk>", "<|endoftext|>"])
    tokenizer.train_from_iterator(corpus, trainer)
    eos = tokenizer.token_to_id("<|endoftext|>")
    tokenizer.post_processor = processors.TemplateProcessing(single="$A <|endoftext|>", special_tokens=[("<|endoftext|>", eos)])
    fast = PreTrainedTokenizerFast(
        tokenizer_object=tokenizer, pad_token="<pad>", unk_token="<unk>", eos_token="<|endoftext|>", padding_side="left"
    )
    fast.model_max_length = 128
    config = Qwen2Config(
        vocab_size=tokenizer.get_vocab_size(),
        hidden_size=32,
        intermediate_size=64,
        num_hidden_layers=2,
        num_attention_heads=4,
        num_key_value_heads=2,
        max_position_embeddings=256,
        pad_token_id=fast.pad_token_id,
        eos_token_id=eos,
    )
    import torch

    torch.manual_seed(0)
    Qwen2Model(config).save_pretrained(directory)
    fast.save_pretrained(directory)


@pytest.fixture(scope="session")
def tiny_decoder_dir(tmp_path_factory):
    directory = tmp_path_factory.mktemp("tiny-qwen2")
    build_tiny_decoder(directory)
    return directory


@pytest.fixture(scope="session")
def tiny_static_dir(tmp_path_factory):
    directory = tmp_path_factory.mktemp("tiny-static")
    build_tiny_static(directory)
    return directory


@pytest.fixture
def codesift_home(tmp_path, monkeypatch):
    home = tmp_path / "home"
    monkeypatch.setenv("CODESIFT_HOME", str(home))
    monkeypatch.delenv("CODESIFT_QDRANT_URL", raising=False)
    monkeypatch.delenv("CODESIFT_MODEL", raising=False)
    monkeypatch.delenv("CODESIFT_PRECISION", raising=False)
    monkeypatch.delenv("CODESIFT_COLLECTION", raising=False)
    return home


@pytest.fixture(scope="session")
def indexed_home(minilm, tmp_path_factory) -> Path:
    """A CODESIFT_HOME whose default index holds the shop repository (closed again, so a CLI process can open it)."""
    from codesift.store import open_store
    from indexer.pipeline import Indexer
    from indexer.sources import resolve_source

    root = write_shop(tmp_path_factory.mktemp("src") / "shop")
    home = tmp_path_factory.mktemp("home")
    with open_store(COLLECTION, home=home) as store:
        Indexer(minilm, store).index(resolve_source(str(root), clones_dir=home / "repos"), name="shop")
    return home


@pytest.fixture
def make_llm_server():
    """Start as many local LLM servers as a test needs; all are stopped after it."""
    servers: list[FakeLLMServer] = []

    def start() -> FakeLLMServer:
        servers.append(FakeLLMServer().start())
        return servers[-1]

    yield start
    for server in servers:
        server.stop()


@pytest.fixture
def llm_server(make_llm_server) -> FakeLLMServer:
    return make_llm_server()


@pytest.fixture
def llm(llm_server) -> LLMSettings:
    """Settings for the local LLM server, with short timeouts and one retry."""
    return LLMSettings(base_url=llm_server.base_url, model=llm_server.model, api_key="test-key", timeout=5, max_retries=1)
