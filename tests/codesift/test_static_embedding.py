"""Static models (a StaticEmbedding token bag) through load_embedder, the indexer and the searcher."""

from __future__ import annotations

import json

import numpy as np
from static_models import build_tiny_static
from shop_repo import write_shop

from codesift.embedding import load_embedder
from codesift.embedding.static import STATIC_WINDOW, StaticEncoder
from codesift.store import open_store
from indexer.pipeline import Indexer
from indexer.sources import resolve_source
from retriever.search import Searcher


def _bag(embedder, text: str) -> np.ndarray:
    """What a static model must compute: the mean of its tokens' rows, L2-normalised."""
    ids = embedder.tokenizer.encode(text, add_special_tokens=False).ids
    mean = embedder.model.weights[ids].mean(axis=0)
    return mean / np.linalg.norm(mean)


def test_a_static_directory_loads_as_a_token_bag(tiny_static_dir):
    embedder = load_embedder(str(tiny_static_dir))
    text = "def total_price(self): return sum(price for _, price in self.items)"
    vectors = embedder.encode_documents([text, "send a receipt"])
    assert isinstance(embedder.model, StaticEncoder) and embedder.static and embedder.dim == 16
    assert vectors.dtype == np.float32
    assert np.allclose(vectors[0], _bag(embedder, text), atol=1e-5)
    assert np.allclose(embedder.encode_query(text), vectors[0], atol=1e-5)
    assert embedder.count_tokens([text]) == [len(embedder.tokenizer.encode(text, add_special_tokens=False).ids)]
    assert embedder.document_token_budget() == STATIC_WINDOW
    assert json.loads(json.dumps(embedder.describe()))["max_seq_length"] == STATIC_WINDOW


def test_the_numpy_bag_computes_what_sentence_transformers_computes(tiny_static_dir):
    from sentence_transformers import SentenceTransformer

    texts = ["def add_item(self, name, price):", "", "###", "send a receipt " * 400, "Ünïcode → total_price"]
    ours = load_embedder(str(tiny_static_dir)).encode_documents(texts, batch_size=2)
    theirs = SentenceTransformer(str(tiny_static_dir), device="cpu").encode(texts, normalize_embeddings=True)
    assert np.allclose(ours, theirs, atol=1e-5)
    assert not ours[1].any()  # no tokens: a zero vector, as EmbeddingBag gives


def test_loading_a_static_model_imports_no_torch(tiny_static_dir):
    import subprocess
    import sys

    probe = (
        "import sys; from codesift.embedding import load_embedder; "
        f"e = load_embedder({str(tiny_static_dir)!r}, precision='auto'); e.encode_documents(['x = 1']); "
        "print(sorted({'torch', 'transformers', 'sentence_transformers'} & set(sys.modules)))"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


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


def test_texts_counted_before_they_are_embedded_get_the_same_vectors(tiny_static_dir, monkeypatch):
    from codesift.embedding import static

    texts = ["def total_price(self):", "send a receipt", "def total_price(self):"]
    fresh = load_embedder(str(tiny_static_dir)).encode_documents(texts)
    for room in (static.MEMO_TOKENS, 3):  # all ids kept; the memo full after the first text
        monkeypatch.setattr(static, "MEMO_TOKENS", room)
        embedder = load_embedder(str(tiny_static_dir))
        assert embedder.count_tokens(texts) == [len(embedder.tokenizer.encode(t, add_special_tokens=False).ids) for t in texts]
        assert np.allclose(embedder.encode_documents(texts), fresh, atol=1e-6)
        assert np.allclose(embedder.encode_documents(texts), fresh, atol=1e-6)  # the kept ids were taken once
