"""Hard negatives (CodeR's TopK-PercPos) and difficulty labels, from one embedding pass per task.

For every task, the candidate corpus is the set's unique positives. Each query
gets two candidate pools — its top `candidates` by the embedder (dense) and by
BM25 over code-aware tokens (lexical) — scored by the embedder; candidates
scoring above `perc_pos` × the positive's score are dropped as likely false
negatives (TopK-PercPos, 95 %), and the `count` best of the rest are kept.
The same scores give the positive's rank, hence the difficulty label
(`trainer.data.difficulty`).

sentence-transformers' `mine_hard_negatives` has the same margin rule
(`relative_margin`), but one prompt pair and a dense pool only; rows here mix
tasks with their own prefixes and also take BM25 candidates, so the pass is
written over `Embedder` instead. Inputs longer than the model window are
truncated by the model here: these are training rows, not index chunks.
"""

from __future__ import annotations

import time
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from codesift.evaluation.lexical import BM25Index
from trainer.data.difficulty import rank_difficulty
from trainer.data.rows import TrainingRow

ENCODE_BLOCK = 1024  # texts per encode call, so progress moves
SCORE_BLOCK = 512  # queries per similarity block: memory stays ~SCORE_BLOCK × corpus floats

Progress = Callable[[str, int, int], None]  # (stage, done, total)


@dataclass
class NegativesReport:
    rows: list[TrainingRow]
    per_task: Counter = field(default_factory=Counter)
    short: int = 0  # rows that got fewer than `count` negatives
    difficulty: Counter = field(default_factory=Counter)
    seconds: float = 0.0

    @property
    def mean_negatives(self) -> float:
        return sum(len(r.negatives) for r in self.rows) / len(self.rows) if self.rows else 0.0


def mine_negatives(
    rows: list[TrainingRow],
    embedder,
    *,
    count: int = 15,
    perc_pos: float = 0.95,
    candidates: int = 50,
    bm25: bool = True,
    label_difficulty: bool = True,
    overwrite_difficulty: bool = False,
    batch_size: int = 64,
    progress: Progress | None = None,
) -> NegativesReport:
    started = time.perf_counter()
    groups: dict[str, list[int]] = defaultdict(list)
    for i, row in enumerate(rows):
        groups[row.task].append(i)
    report = NegativesReport(rows=rows)
    total = sum(len(set(rows[i].query for i in g)) + len(set(rows[i].positive for i in g)) for g in groups.values())
    encoded = 0

    def encode(texts: list[str], task: str, side: str) -> np.ndarray:
        nonlocal encoded
        method = embedder.encode_queries if side == "query" else embedder.encode_documents
        parts = []
        for start in range(0, len(texts), ENCODE_BLOCK):
            parts.append(method(texts[start : start + ENCODE_BLOCK], task=task, batch_size=batch_size))
            encoded += len(parts[-1])
            if progress:
                progress("embedding", encoded, total)
        return np.concatenate(parts) if parts else np.zeros((0, embedder.dim), dtype=np.float32)

    for task, members in groups.items():
        corpus = list(dict.fromkeys(rows[i].positive for i in members))
        queries = list(dict.fromkeys(rows[i].query for i in members))
        doc_vectors = encode(corpus, task, "document")
        query_vectors = encode(queries, task, "query")
        doc_index = {text: j for j, text in enumerate(corpus)}
        query_index = {text: j for j, text in enumerate(queries)}
        lexical = BM25Index(corpus) if bm25 and len(corpus) > 1 else None
        for start in range(0, len(members), SCORE_BLOCK):
            block = members[start : start + SCORE_BLOCK]
            scores = query_vectors[[query_index[rows[i].query] for i in block]] @ doc_vectors.T
            lexical_ids = lexical.search([rows[i].query for i in block], candidates)[0] if lexical else None
            for b, i in enumerate(block):
                row, positive = rows[i], doc_index[rows[i].positive]
                row_scores = scores[b]
                positive_score = row_scores[positive]
                if label_difficulty and (overwrite_difficulty or not row.difficulty):
                    row.difficulty = rank_difficulty(1 + int(np.sum(row_scores > positive_score)))
                pool = set(np.argpartition(-row_scores, min(candidates, len(corpus) - 1))[:candidates].tolist())
                if lexical_ids is not None:
                    pool.update(lexical_ids[b].tolist())
                pool.discard(positive)
                kept = [j for j in pool if row_scores[j] <= perc_pos * positive_score]
                kept.sort(key=lambda j: -row_scores[j])
                row.negatives = [corpus[j] for j in kept[:count]]
                report.per_task[task] += 1
                report.short += len(row.negatives) < count
                report.difficulty[row.difficulty or "unlabelled"] += 1
            if progress:
                progress("scoring", start + len(block), len(members))
    report.seconds = time.perf_counter() - started
    return report
