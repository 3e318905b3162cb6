"""Hard negatives (CodeR's TopK-PercPos) and difficulty labels, from one embedding pass per task.

Rows are grouped by task, since every task has its own query and document
prefixes. A group's candidate corpus is its unique positives, plus any extra
texts given for that task. Each query gets two candidate pools — its top
`candidates` by the embedder (dense, blocked matmul) and by BM25 over
code-aware tokens (lexical) — and every candidate is scored by the embedder.
Candidates scoring above `perc_pos` of the positive's score are dropped as
likely false negatives (TopK-PercPos, 95 %), and the `count` best of the rest
are kept. A query's own positive, and the positives of other rows with the
same query, are never negatives. The same scores give the positive's rank
among the whole group corpus, hence its difficulty label
(`trainer.data.difficulty`), and with `max_rank` a consistency filter: a row
whose positive the embedder does not rank within the top `max_rank` of its
corpus is dropped (round-trip filtering of synthesized queries, as CodeR and
Promptagator do; a small LLM judge keeps nearly every pair).

sentence-transformers' `mine_hard_negatives` has the same margin rule
(`relative_margin=0.05`), but it embeds one dataset with one prompt pair and
draws candidates from the dense ranking only: rows here mix tasks with their
own prefixes, also take BM25 candidates, and need the positive's rank for the
difficulty label, so the pass is written over `Embedder`. Texts longer than
the model window are truncated by the model here; that is acceptable for
training rows, which are not index chunks.
"""

from __future__ import annotations

import time
from collections import Counter, defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from codesift.evaluation.lexical import BM25Index
from trainer.data.difficulty import rank_difficulty
from trainer.data.rows import TrainingRow

ENCODE_BLOCK = 256  # texts per encode call, so progress moves
SCORE_BLOCK = 512  # queries per similarity block: memory stays ~SCORE_BLOCK × corpus floats

Progress = Callable[[str, int, int], None]  # (stage, done, total)


@dataclass
class NegativesReport:
    rows: list[TrainingRow]  # the rows kept, in their input order
    count: int  # negatives asked for per row
    seconds: float = 0.0
    inconsistent: int = 0  # rows dropped: their positive ranked below max_rank

    @property
    def per_task(self) -> Counter:
        return Counter(row.task for row in self.rows)

    @property
    def mean_negatives(self) -> float:
        return sum(len(r.negatives) for r in self.rows) / len(self.rows) if self.rows else 0.0

    @property
    def short(self) -> int:
        """Rows that got fewer than `count` negatives."""
        return sum(len(r.negatives) < self.count for r in self.rows)

    @property
    def difficulty(self) -> Counter:
        return Counter(row.difficulty or "unlabelled" for row in self.rows)


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
    extra_corpus: Mapping[str, Sequence[str]] | None = None,
    max_rank: int = 0,
    batch_size: int = 64,
    progress: Progress | None = None,
) -> NegativesReport:
    """Fill in `negatives` (replacing any) and, unless already set, `difficulty` of every row, in place.

    `extra_corpus` maps a task to more candidate texts for that task's rows. `max_rank` (0: keep all)
    drops the rows whose positive ranks below it.
    `progress(stage, done, total)` is called for the "embedding" and "scoring" stages.
    """
    started = time.perf_counter()
    groups: dict[str, list[TrainingRow]] = defaultdict(list)
    for row in rows:
        groups[row.task].append(row)
    extra = extra_corpus or {}
    corpora = {
        task: list(dict.fromkeys([r.positive for r in members] + list(extra.get(task, ()))))
        for task, members in groups.items()
    }
    queries = {task: list(dict.fromkeys(r.query for r in members)) for task, members in groups.items()}
    encoder = _Encoder(embedder, batch_size, sum(len(corpora[t]) + len(queries[t]) for t in groups), progress)
    scored = 0
    inconsistent: set[int] = set()
    if progress:
        progress("embedding", 0, encoder.total)  # the clock of the ETA starts here
    for task, members in groups.items():
        group = _Group(
            corpus=corpora[task],
            doc_vectors=encoder.encode(corpora[task], task, embedder.encode_documents),
            queries=queries[task],
            query_vectors=encoder.encode(queries[task], task, embedder.encode_queries),
            members=members,
            lexical=BM25Index(corpora[task]) if bm25 and len(corpora[task]) > 1 else None,
        )
        for start in range(0, len(members), SCORE_BLOCK):
            block = members[start : start + SCORE_BLOCK]
            for row, negatives, rank in group.mine(block, count, perc_pos, candidates):
                if max_rank and rank > max_rank:
                    inconsistent.add(id(row))
                    continue
                row.negatives = negatives
                if label_difficulty and (overwrite_difficulty or not row.difficulty):
                    row.difficulty = rank_difficulty(rank)
            scored += len(block)
            if progress:
                progress("scoring", scored, len(rows))
    kept = [row for row in rows if id(row) not in inconsistent]
    return NegativesReport(kept, count, time.perf_counter() - started, inconsistent=len(inconsistent))


class _Encoder:
    """Encodes in blocks and reports progress over every text of every task."""

    def __init__(self, embedder, batch_size: int, total: int, progress: Progress | None):
        self.embedder, self.batch_size, self.total, self.progress = embedder, batch_size, total, progress
        self.done = 0

    def encode(self, texts: list[str], task: str, method) -> np.ndarray:
        parts = [np.zeros((0, self.embedder.dim), dtype=np.float32)]
        for start in range(0, len(texts), ENCODE_BLOCK):
            parts.append(method(texts[start : start + ENCODE_BLOCK], task=task, batch_size=self.batch_size))
            self.done += len(parts[-1])
            if self.progress:
                self.progress("embedding", self.done, self.total)
        return np.concatenate(parts)


class _Group:
    """One task's corpus and queries, embedded; mines rows in blocks of queries."""

    def __init__(self, corpus, doc_vectors, queries, query_vectors, members, lexical):
        self.corpus, self.doc_vectors, self.lexical = corpus, doc_vectors, lexical
        self.query_vectors = query_vectors
        self.query_index = {text: j for j, text in enumerate(queries)}
        self.doc_index = {text: j for j, text in enumerate(corpus)}
        # Every positive paired with a query is off limits as a negative for that query.
        self.positives_of: dict[str, set[int]] = defaultdict(set)
        for row in members:
            self.positives_of[row.query].add(self.doc_index[row.positive])

    def mine(self, block: list[TrainingRow], count: int, perc_pos: float, candidates: int):
        """(row, negatives, rank of its positive) for every row of the block."""
        scores = self.query_vectors[[self.query_index[r.query] for r in block]] @ self.doc_vectors.T
        positives = np.array([self.doc_index[r.positive] for r in block])
        positive_scores = scores[np.arange(len(block)), positives]
        # TopK-PercPos written as a relative margin, so a negative positive score is handled too.
        ceilings = positive_scores - (1 - perc_pos) * np.abs(positive_scores)
        for b, row in enumerate(block):
            scores[b, list(self.positives_of[row.query])] = -np.inf
        ranks = 1 + np.sum(scores > positive_scores[:, None], axis=1)
        kth = min(candidates, scores.shape[1]) - 1
        dense = np.argpartition(-scores, kth, axis=1)[:, : kth + 1]
        lexical = self.lexical.search([r.query for r in block], candidates)[0] if self.lexical else None
        for b, row in enumerate(block):
            pool = set(dense[b].tolist()) | (set(lexical[b].tolist()) if lexical is not None else set())
            row_scores = scores[b]
            kept = [j for j in pool if np.isfinite(row_scores[j]) and row_scores[j] <= ceilings[b]]
            kept.sort(key=lambda j: (-row_scores[j], j))
            yield row, [self.corpus[j] for j in kept[:count]], int(ranks[b])
