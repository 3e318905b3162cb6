"""Writing small BEIR-format evaluation sets in tests (corpus.jsonl, queries.jsonl, qrels.tsv, meta.json)."""

from __future__ import annotations

import json
from pathlib import Path


def write_beir(directory: Path, task: str, queries: dict[str, str], corpus: dict[str, str], qrels: dict[str, str]) -> Path:
    directory.mkdir(parents=True)
    (directory / "meta.json").write_text(json.dumps({"task": task}))
    with (directory / "corpus.jsonl").open("w") as out:
        for doc_id, text in corpus.items():
            out.write(json.dumps({"_id": doc_id, "title": "", "text": text}) + "\n")
    with (directory / "queries.jsonl").open("w") as out:
        for query_id, text in queries.items():
            out.write(json.dumps({"_id": query_id, "text": text}) + "\n")
    (directory / "qrels.tsv").write_text(
        "query-id\tcorpus-id\tscore\n" + "".join(f"{q}\t{d}\t1\n" for q, d in qrels.items())
    )
    return directory
