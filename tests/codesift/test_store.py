"""The store interface on both backends: the embedded engine and qdrant-client (server API, local mode)."""

from __future__ import annotations

import uuid

import pytest
from qdrant_client import QdrantClient

from codesift.chunks import CHUNKER_VERSION
from codesift.errors import CodesiftError, IndexBusyError, ModelMismatchError
from codesift.store import SearchFilter, StorePoint, check_compatible, new_meta
from codesift.store.base import DENSE, SPARSE
from codesift.store.edge import EdgeStore
from codesift.store.filters import ancestor_dirs, literal_dir_prefix, path_matches
from codesift.store.records import VectorQuery
from codesift.store.server import ServerStore
from codesift.store.sparse import bm25_document, bm25_query

DIM = 4
DESCRIPTION = {"model": "m", "dim": DIM, "max_seq_length": 16, "prompts": {"query": {}, "document": {}}}


def _point(n: int, vector, repo="r1", path="src/a.py", language="python", kind="function", text="alpha"):
    payload = {"repo": repo, "path": path, "language": language, "kind": kind, "dirs": ancestor_dirs(path), "n": n}
    return StorePoint(str(uuid.UUID(int=n)), vector, bm25_document(text), payload)


POINTS = [
    _point(1, [1, 0, 0, 0], text="parse json file"),
    _point(2, [0.9, 0.1, 0, 0], repo="r2", text="parse yaml config"),
    _point(3, [0, 1, 0, 0], path="src/core/b.go", language="go", text="http server handler"),
    _point(4, [0, 0, 1, 0], path="docs/guide.md", language="markdown", kind="section", text="install guide"),
    _point(5, [0.8, 0, 0.2, 0], path="tests/test_a.py", text="test parse json"),
]


@pytest.fixture(params=["edge", "server"])
def store(request, tmp_path):
    if request.param == "edge":
        s = EdgeStore(tmp_path / "idx", "test")
    else:
        s = ServerStore(QdrantClient(path=str(tmp_path / "qdrant-local")), "test")
    s.create(DIM, new_meta(DESCRIPTION))
    s.upsert(POINTS)
    yield s
    s.close()


def _ns(hits):
    return [h.payload["n"] for h in hits]


def test_dense_search_ranks_by_cosine(store):
    assert _ns(store.search_dense([1, 0, 0, 0], limit=3)) == [1, 2, 5]


def test_exact_filters(store):
    assert _ns(store.search_dense([1, 0, 0, 0], SearchFilter(repo="r2"))) == [2]
    assert _ns(store.search_dense([1, 0, 0, 0], SearchFilter(language="go"))) == [3]
    assert _ns(store.search_dense([1, 0, 0, 0], SearchFilter(kind="section"))) == [4]


def test_path_glob_filter(store):
    assert set(_ns(store.search_dense([1, 0, 0, 0], SearchFilter(path_glob="src/**")))) == {1, 2, 3}
    assert set(_ns(store.search_dense([1, 0, 0, 0], SearchFilter(path_glob="*.md")))) == {4}
    assert set(_ns(store.search_dense([1, 0, 0, 0], SearchFilter(path_glob="tests/test_*.py")))) == {5}


def test_exclude_ids(store):
    hits = store.search_dense([1, 0, 0, 0], SearchFilter(exclude_ids=(str(uuid.UUID(int=1)),)), limit=2)
    assert _ns(hits) == [2, 5]


def test_sparse_search_finds_keywords(store):
    assert _ns(store.search_sparse(bm25_query("http handler")))[0] == 3
    assert store.search_sparse(bm25_query("")) == []


def test_bm25_splits_code_identifiers():
    document = set(bm25_document("def renderInvoicePdf(invoice): return to_pdf_bytes(invoice)").indices)
    assert set(bm25_query("render invoice pdf bytes").indices) <= document


def test_one_batch_answers_dense_bm25_and_any_of_searches(store):
    dense, sparse = [1, 0, 0, 0], bm25_query("http server handler")
    by_meaning, by_words, by_kind, nothing = store.search_batch(
        [
            VectorQuery(DENSE, dense, limit=3),
            VectorQuery(SPARSE, sparse, limit=3),
            VectorQuery(DENSE, dense, SearchFilter(match_any=(("kind", ("section", "class")),)), limit=3),
            VectorQuery(SPARSE, bm25_query(""), limit=3),
        ]
    )
    assert _ns(by_meaning) == [1, 2, 5] and _ns(by_words)[0] == 3
    assert _ns(by_kind) == [4] and nothing == []
    [only_src] = store.search_batch([VectorQuery(DENSE, dense, SearchFilter(path_glob="src/**"), limit=5)])
    assert set(_ns(only_src)) == {1, 2, 3}


def test_any_of_matches_list_fields(store):
    [under_core] = store.search_batch([VectorQuery(DENSE, [1, 0, 0, 0], SearchFilter(match_any=(("dirs", ("src/core", "nowhere")),)))])
    assert _ns(under_core) == [3]


def test_upsert_same_id_never_duplicates(store):
    store.upsert(POINTS[:2])
    assert store.count() == len(POINTS)


def test_export_gives_every_point_with_vectors_and_payload(store):
    exported = {p.id: p for batch in store.export(2) for p in batch}
    assert [len(batch) for batch in store.export(2)] == [2, 2, 1]
    assert set(exported) == {p.id for p in POINTS}
    for original in POINTS:
        copy = exported[original.id]
        assert copy.payload == original.payload
        assert copy.sparse.indices == original.sparse.indices
        assert copy.sparse.values == pytest.approx(original.sparse.values)
        norm = sum(x * x for x in original.dense) ** 0.5  # cosine collections keep vectors normalised
        assert copy.dense == pytest.approx([x / norm for x in original.dense])


def test_facet_counts_values_within_a_filter(store):
    assert store.facet("language") == {"python": 3, "go": 1, "markdown": 1}
    assert store.facet("language", SearchFilter(repo="r2")) == {"python": 1}
    assert store.facet("repo", SearchFilter(language="go")) == {"r1": 1}


def test_delete_ids_repo_scroll_count(store):
    assert store.count(SearchFilter(repo="r1")) == 4
    store.delete_ids([str(uuid.UUID(int=1))])
    assert store.count(SearchFilter(repo="r1")) == 3
    store.delete_repo("r2")
    assert store.count() == 3
    rows = dict(store.scroll(SearchFilter(repo="r1"), ["path"]))
    assert sorted(p["path"] for p in rows.values()) == ["docs/guide.md", "src/core/b.go", "tests/test_a.py"]
    assert all(set(p) == {"path"} for p in rows.values())


def test_meta_roundtrip(store):
    meta = store.meta()
    assert meta["embedder"] == DESCRIPTION and meta["chunker_version"] == CHUNKER_VERSION
    meta["repos"]["r1"] = {"commit": "abc"}
    store.set_meta(meta)
    assert store.meta()["repos"] == {"r1": {"commit": "abc"}}


def test_retrieve_by_id(store):
    [hit] = store.retrieve([str(uuid.UUID(int=3))])
    assert hit.payload["path"] == "src/core/b.go"


def test_model_mismatch_is_one_clear_line():
    meta = new_meta(DESCRIPTION)
    check_compatible(meta, DESCRIPTION, "c")
    with pytest.raises(ModelMismatchError, match="built with model 'm'") as err:
        check_compatible(meta, dict(DESCRIPTION, model="other"), "c")
    assert "\n" not in str(err.value)
    with pytest.raises(ModelMismatchError, match="dim"):
        check_compatible(meta, dict(DESCRIPTION, dim=8), "c")
    with pytest.raises(ModelMismatchError, match="BM25"):
        check_compatible(dict(meta, sparse_model="other"), DESCRIPTION, "c")
    with pytest.raises(ModelMismatchError, match="chunker"):
        check_compatible(dict(meta, chunker_version=CHUNKER_VERSION - 1), DESCRIPTION, "c")


def test_embedded_index_open_twice_is_busy(tmp_path):
    first = EdgeStore(tmp_path / "idx", "test")
    first.create(DIM, new_meta(DESCRIPTION))
    with pytest.raises(IndexBusyError, match="busy"):
        EdgeStore(tmp_path / "idx", "test")
    first.upsert(POINTS)
    first.close()
    with EdgeStore(tmp_path / "idx", "test") as again:
        assert again.count() == len(POINTS)


def test_damaged_metadata_is_reported(tmp_path):
    store = EdgeStore(tmp_path / "idx", "test")
    store.create(DIM, new_meta(DESCRIPTION))
    store.close()
    (tmp_path / "idx" / "meta.json").write_text("{not json")
    with EdgeStore(tmp_path / "idx", "test") as reopened, pytest.raises(CodesiftError, match="damaged"):
        reopened.meta()


def test_missing_index_says_how_to_create_it(tmp_path):
    store = EdgeStore(tmp_path / "none", "test")
    assert not store.exists()
    with pytest.raises(CodesiftError, match="codesift index"):
        store.count()


@pytest.mark.parametrize(
    "path,glob,expected",
    [
        ("src/a/b.py", "*.py", True),
        ("src/a/b.py", "src/**", True),
        ("src/b.py", "src/**/*.py", True),
        ("src/a/b.py", "src/**/*.py", True),
        ("lib/b.py", "src/**", False),
        ("src/b.go", "src/*.py", False),
        ("src/a/b.py", "src/", True),
    ],
)
def test_path_matches(path, glob, expected):
    assert path_matches(path, glob) is expected


def test_literal_dir_prefix_and_ancestors():
    assert literal_dir_prefix("src/core/**/*.py") == "src/core"
    assert literal_dir_prefix("*.py") is None
    assert ancestor_dirs("a/b/c.py") == ["a", "a/b"]


def test_a_collection_another_writer_created_is_used_not_recreated(tmp_path):
    client = QdrantClient(path=str(tmp_path / "shared"))
    first, second = ServerStore(client, "c"), ServerStore(client, "c")
    meta = new_meta(DESCRIPTION)
    assert first.ensure(DIM, meta) == meta
    assert second.create(DIM, {"other": "meta"}) is False
    assert second.ensure(DIM, {"other": "meta"}) == meta
    edge = EdgeStore(tmp_path / "idx", "e")
    assert edge.ensure(DIM, meta) == meta and edge.ensure(DIM, {"other": "meta"}) == meta
    edge.close()


def test_repository_records_of_two_writers_both_stay_and_one_can_be_forgotten(tmp_path):
    client = QdrantClient(path=str(tmp_path / "shared"))
    first, second = ServerStore(client, "c"), ServerStore(client, "c")
    first.ensure(DIM, new_meta(DESCRIPTION))
    stale = second.meta()  # read before the first writer records its repository
    first.record_repo("alpha", {"chunks": 3})
    second.record_repo("beta", {"chunks": 4})
    second.set_meta(stale)  # a whole-metadata write from a stale copy keeps the records it does not name
    assert first.meta()["repos"] == {"alpha": {"chunks": 3}, "beta": {"chunks": 4}}
    first.forget_repo("alpha")
    assert second.meta()["repos"] == {"beta": {"chunks": 4}}
    check_compatible(second.meta(), DESCRIPTION, "c")
