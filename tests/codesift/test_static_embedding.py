"""Static models (a StaticEmbedding token bag) through load_embedder, the indexer and the searcher."""

from __future__ import annotations

import json

import numpy as np
from conftest import build_tiny_static
from shop_repo import write_shop

from codesift.embedding import load_embedder
from codesift.embedding.static import STATIC_WINDOW
from codesift.store import open_store
from indexer.pipeline import Indexer
from indexer.sources import resolve_source
from retriever.search import Searcher


def _bag(embedder, text: str) -> np.ndarray:
    """What a static model must compute: the mean of its tokens' rows, L2-normalised."""
    module = embedder.model[0]
    ids = module.tokenizer.encode(text, add_special_tokens=False).ids
    mean = module.embedding.weight.detach().numpy()[ids].mean(axis=0)
    return mean / np.linalg.norm(mean)


def test_a_static_directory_loads_as_a_token_bag(tiny_static_dir):
    embedder = load_embedder(str(tiny_static_dir))
    text = "def total_price(self): return sum(price for _, price in self.items)"
    vectors = embedder.encode_documents([text, "send a receipt"])
    assert embedder.static and embedder.dim == 16 and vectors.dtype == np.float32
    assert np.allclose(vectors[0], _bag(embedder, text), atol=1e-5)
    assert np.allclose(embedder.encode_query(text), vectors[0], atol=1e-5)
    assert embedder.count_tokens([text]) == [len(embedder.tokenizer.encode(text, add_special_tokens=False).ids)]
    assert embedder.document_token_budget() == STATIC_WINDOW
    assert json.loads(json.dumps(embedder.describe()))["max_seq_length"] == STATIC_WINDOW


def test_saved_prompts_prefix_a_static_model_like_any_other(tmp_path):
    build_tiny_static(tmp_path, prompts={"nl2code_query": "query: ", "nl2code_document": "code: "})
    embedder = load_embedder(str(tmp_path))
    assert embedder.prompts.query_prefix("nl2code") == "query: "
    assert np.allclose(embedder.encode_queries(["parse json"])[0], _bag(embedder, "query: parse json"), atol=1e-5)
    assert np.allclose(embedder.encode_documents(["parse json"])[0], _bag(embedder, "code: parse json"), atol=1e-5)
    assert embedder.document_token_budget() == STATIC_WINDOW - embedder.count_tokens(["code: "])[0]


def test_a_static_index_is_searched_like_any_other(tiny_static_dir, tmp_path):
    embedder = load_embedder(str(tiny_static_dir))
    root = write_shop(tmp_path / "src" / "shop")
    with open_store("static", home=tmp_path / "home") as store:
        report = Indexer(embedder, store).index(resolve_source(str(root), clones_dir=tmp_path / "repos"), name="shop")
        assert report.chunks_written > 0 and store.meta()["embedder"]["model"] == str(tiny_static_dir.resolve())
        searcher = Searcher(embedder, store)
        # Dense alone: a chunk's own text is its nearest neighbour.
        hits = searcher.search("def send_receipt(address, body):\n    with smtplib.SMTP(", mode="dense", k=3)
        assert hits[0].path == "shop/mail.py"
        assert searcher.search("total_price", k=3)[0].path == "shop/cart.py"
