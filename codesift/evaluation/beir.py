"""Load a BEIR-format evaluation folder: corpus.jsonl, queries.jsonl, qrels.tsv and meta.json (its task)."""

from __future__ import annotations

import csv
import json
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from codesift.embedding.tasks import check_task
from codesift.errors import CodesiftError


@dataclass
class BeirSet:
    name: str
    task: str
    corpus: dict[str, str]  # doc id -> text (title and text joined)
    queries: dict[str, str]  # query id -> text (only queries with judgements)
    qrels: dict[str, dict[str, int]]  # query id -> {doc id: relevance}


def _jsonl(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]


def load_beir(directory: Path | str) -> BeirSet:
    directory = Path(directory)
    try:
        meta = json.loads((directory / "meta.json").read_text())
        corpus = {d["_id"]: f"{d.get('title', '')}\n{d['text']}".strip() for d in _jsonl(directory / "corpus.jsonl")}
        all_queries = {q["_id"]: q["text"] for q in _jsonl(directory / "queries.jsonl")}
        qrels: dict[str, dict[str, int]] = defaultdict(dict)
        with (directory / "qrels.tsv").open(encoding="utf-8") as rows:
            for row in csv.DictReader(rows, delimiter="\t"):
                if int(row["score"]) > 0:
                    qrels[row["query-id"]][row["corpus-id"]] = int(row["score"])
    except (OSError, KeyError, ValueError) as exc:
        raise CodesiftError(f"{directory} is not a BEIR evaluation set ({type(exc).__name__}: {exc})") from None
    queries = {qid: text for qid, text in all_queries.items() if qid in qrels}
    return BeirSet(directory.name, check_task(meta.get("task", "nl2code")), corpus, queries, dict(qrels))
