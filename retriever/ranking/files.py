"""Step 4: a file with several strong chunks rises, and the file view groups the ranking by file.

"Where is X implemented" is often a question about files: a file whose candidates add up to a lot is
likely the answer even when none of its chunks is the single best. Its best chunk gains
`file_coherence` times the file's share of the best file's sum.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from retriever.ranking.pool import Candidate
from retriever.ranking.weights import RankingWeights


def boost_coherent_files(candidates: list[Candidate], weights: RankingWeights) -> None:
    if weights.file_coherence <= 0 or not candidates:
        return
    sums: dict[tuple, float] = defaultdict(float)
    best: dict[tuple, Candidate] = {}
    for c in candidates:
        sums[c.file] += max(c.score, 0.0)
        if c.file not in best or c.score > best[c.file].score:
            best[c.file] = c
    top = max(sums.values())
    if top <= 0:
        return
    for file, c in best.items():
        c.score += weights.file_coherence * sums[file] / top


@dataclass
class FileResult:
    repo: str
    path: str
    score: float
    chunks: list[Candidate]  # its best chunks, best first


def group_by_file(ranked: list[Candidate], k: int, per_file: int) -> list[FileResult]:
    """The top `k` files in the order of their best chunk, each with up to `per_file` of its chunks."""
    files: dict[tuple, FileResult] = {}
    for c in ranked:
        result = files.get(c.file)
        if result is None:
            result = files[c.file] = FileResult(c.file[0], c.file[1], c.score, [])
        if len(result.chunks) < per_file:
            result.chunks.append(c)
    return list(files.values())[:k]
