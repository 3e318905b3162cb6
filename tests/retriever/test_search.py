"""Hybrid search, window collapsing, filters, Code2Code and reranking over a real small index."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from codesift.embedding import load_embedder
from codesift.errors import CodesiftError, ModelLoadError
from codesift.store import SearchFilter, open_store
from codesift.store.edge import EdgeStore
from indexer.pipeline import Indexer
from indexer.sources import resolve_source
from retriever.code_query import find_similar, resolve_code_query
from retriever.ranking import DEFAULT_WEIGHTS, FUSION_ONLY, STATIC_WEIGHTS
from retriever.rerank import CrossEncoderReranker, load_reranker
from retriever.search import Searcher

LONG_BODY = "\n".join(f"    total_{i} = accumulate(total_{i - 1}, weight={i})" for i in range(1, 120))

FILES = {
    "billing/invoice.py": f'''
        def render_invoice_pdf(invoice, template):
            """Render an invoice to a PDF document using the given template."""
            html = template.render(invoice=invoice)
            return html_to_pdf(html)


        def compute_tax(amount, rate):
            """Value-added tax for an amount at a rate."""
            return round(amount * rate, 2)


        def reconcile_ledger(entries):
            """Walk every ledger entry and accumulate weighted totals."""
        {LONG_BODY.replace(chr(10), chr(10) + " " * 8)}
            return total_119
        ''',
    "billing/tax.go": '''
        package billing

        // ComputeTax returns the value-added tax for an amount at a rate.
        func ComputeTax(amount float64, rate float64) float64 {
            return math.Round(amount*rate*100) / 100
        }
        ''',
    "docs/setup.md": "# Setup\n\n## Database\n\nSet DATABASE_URL to a Postgres connection string before starting the server.\n",
}


@pytest.fixture(scope="module")
def searcher(minilm, tmp_path_factory):
    root = tmp_path_factory.mktemp("repo") / "shop"
    for rel, text in FILES.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip())
    store = EdgeStore(tmp_path_factory.mktemp("idx"), "c")
    Indexer(minilm, store).index(resolve_source(str(root), clones_dir=root.parent / "clones"), name="shop")
    yield Searcher(minilm, store)
    store.close()


def test_hybrid_hits_say_which_signals_found_them(searcher):
    hits = searcher.search("render invoice pdf", k=5)
    assert hits[0].symbol == "render_invoice_pdf"
    assert {"dense", "bm25"} <= set(hits[0].signals)
    assert all(h.signals for h in hits)


def test_bm25_mode_finds_exact_identifiers(searcher):
    hits = searcher.search("DATABASE_URL Postgres", mode="bm25", k=3)
    assert hits[0].path == "docs/setup.md" and hits[0].signals == ("bm25",)


def test_dense_mode_finds_paraphrases(searcher):
    hits = searcher.search("how much VAT to charge on a price", mode="dense", k=3)
    assert {"compute_tax", "ComputeTax"} & {h.symbol for h in hits}
    assert all(h.signals == ("dense",) for h in hits)


def test_windows_of_one_function_collapse_into_one_hit_with_the_whole_definition(searcher):
    windows = searcher.store.count(SearchFilter(repo="shop", path="billing/invoice.py"))
    assert windows > 4  # the long function was split to fit MiniLM's window
    hits = searcher.search("accumulate weighted totals over ledger entries", k=10)
    [ledger] = [h for h in hits if h.symbol == "reconcile_ledger"]
    source = textwrap.dedent(FILES["billing/invoice.py"]).lstrip().split("\n")
    first = next(n for n, line in enumerate(source, 1) if "def reconcile_ledger" in line)
    last = next(n for n, line in enumerate(source, 1) if "return total_119" in line)
    assert (ledger.start_line, ledger.end_line) == (first, last)
    assert ledger.code == "\n".join(source[first - 1 : last])


def test_filters_apply_to_hybrid(searcher):
    go = searcher.search("compute tax", search_filter=SearchFilter(language="go"), k=5)
    assert go and {h.language for h in go} == {"go"}
    docs = searcher.search("compute tax", search_filter=SearchFilter(path_glob="docs/**"), k=5)
    assert docs and all(h.path.startswith("docs/") for h in docs)
    sections = searcher.search("database", search_filter=SearchFilter(kind="section"), k=5)
    assert sections and {h.kind for h in sections} == {"section"}


def test_techqa_searches_docs(searcher):
    hits = searcher.search("How do I configure the database connection?", task="techqa", k=3)
    assert hits[0].path == "docs/setup.md"


def test_code2code_location_excludes_its_own_chunk(searcher):
    query = resolve_code_query("billing/invoice.py:7-9", searcher.store)
    assert "def compute_tax" in query.text and query.exclude_ids
    hits = find_similar(searcher, "billing/invoice.py:7-9", k=3)
    assert hits[0].symbol == "ComputeTax" and hits[0].path == "billing/tax.go"
    assert not any(h.path == "billing/invoice.py" and h.start_line <= 9 and h.end_line >= 7 for h in hits)


def test_code2code_location_is_looked_up_in_its_own_repo_and_searched_within_the_filter(searcher):
    assert find_similar(searcher, "billing/invoice.py:7-9", search_filter=SearchFilter(repo="elsewhere"), location_repo="shop") == []
    hits = find_similar(searcher, "billing/invoice.py:7-9", search_filter=SearchFilter(language="go"), location_repo="shop", k=3)
    assert hits[0].symbol == "ComputeTax" and {h.language for h in hits} == {"go"}


def test_code2code_from_one_window_leaves_out_every_window_of_its_chunk(searcher):
    windows = [(p["start_line"], p["end_line"]) for _, p in searcher.store.scroll(SearchFilter(path="billing/invoice.py"), ["start_line", "end_line", "span"]) if p.get("span")]
    assert len(windows) > 2
    hits = find_similar(searcher, "billing/invoice.py:60-70", k=5)
    assert hits and not any(h.path == "billing/invoice.py" and (h.start_line, h.end_line) in windows for h in hits)


def test_code2code_pasted_code_never_returns_itself(searcher):
    pasted = 'def compute_tax(amount, rate):\n    """Value-added tax for an amount at a rate."""\n    return round(amount * rate, 2)\n'
    hits = find_similar(searcher, pasted, k=3)
    assert hits and all(h.symbol != "compute_tax" for h in hits)


def test_code2code_from_a_local_file(searcher, tmp_path):
    snippet = tmp_path / "snippet.go"
    snippet.write_text("func Tax(a float64, r float64) float64 { return a * r }\n")
    assert find_similar(searcher, str(snippet), k=1)[0].symbol in {"ComputeTax", "compute_tax"}


def test_code2code_bad_location_is_one_line(searcher):
    with pytest.raises(CodesiftError, match="out of range"):
        resolve_code_query("billing/invoice.py:900-950", searcher.store)
    with pytest.raises(CodesiftError, match="neither an indexed path nor a local file"):
        resolve_code_query("nowhere/x.py:1-2", searcher.store)


def test_unknown_mode_is_refused(searcher):
    with pytest.raises(ValueError, match="mode"):
        searcher.search("x", mode="fuzzy")


@pytest.fixture(scope="module")
def tiny_cross_encoder(minilm, tmp_path_factory) -> Path:
    """A random 2-layer BERT cross-encoder over MiniLM's tokenizer: real model code, no download."""
    import torch
    from transformers import BertConfig, BertForSequenceClassification

    directory = tmp_path_factory.mktemp("cross-encoder")
    torch.manual_seed(0)
    config = BertConfig(vocab_size=minilm.tokenizer.vocab_size, hidden_size=32, num_hidden_layers=2,
                        num_attention_heads=2, intermediate_size=64, num_labels=1)
    BertForSequenceClassification(config).save_pretrained(directory)
    minilm.tokenizer.save_pretrained(directory)
    return directory


def test_reranker_reorders_by_cross_encoder_scores(searcher, tiny_cross_encoder):
    reranker = CrossEncoderReranker(str(tiny_cross_encoder))
    reranked = Searcher(searcher.embedder, searcher.store, reranker=reranker).search("compute tax", k=4)
    expected = reranker.model.predict([("compute tax", h.code) for h in reranked])
    assert [h.score for h in reranked] == pytest.approx(sorted(map(float, expected), reverse=True), abs=1e-5)
    assert len(reranked) == 4


def test_no_reranker_by_default_and_bad_one_is_one_line():
    assert load_reranker(None) is None
    with pytest.raises(ModelLoadError, match="cannot load reranker"):
        load_reranker("/no/such/reranker")


def test_hybrid_runs_the_same_on_the_server_store(minilm, tmp_path):
    from qdrant_client import QdrantClient

    from codesift.store.server import ServerStore

    root = tmp_path / "shop"
    (root / "billing").mkdir(parents=True)
    (root / "billing/tax.go").write_text(textwrap.dedent(FILES["billing/tax.go"]).lstrip())
    (root / "setup.md").write_text(FILES["docs/setup.md"])
    store = ServerStore(QdrantClient(path=str(tmp_path / "q")), "c")
    try:
        Indexer(minilm, store).index(resolve_source(str(root), clones_dir=tmp_path / "clones"), name="shop")
        hits = Searcher(minilm, store).search("DATABASE_URL", k=2)
        assert hits[0].path == "setup.md" and "bm25" in hits[0].signals
    finally:
        store.close()


def test_a_static_model_ranks_with_its_own_weights_unless_told_otherwise(tiny_static_dir, minilm, tmp_path):
    static = load_embedder(str(tiny_static_dir))
    with open_store("weights", home=tmp_path) as store:
        assert Searcher(static, store).weights == STATIC_WEIGHTS
        assert Searcher(minilm, store).weights == DEFAULT_WEIGHTS
        assert Searcher(static, store, weights=FUSION_ONLY).weights == FUSION_ONLY
    assert STATIC_WEIGHTS.semantic.dense < DEFAULT_WEIGHTS.semantic.dense  # meaning counts less for a token bag
