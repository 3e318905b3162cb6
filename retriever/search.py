"""Search an index: candidates from the retrievers, the ranking stage, whole definitions, optional reranking.

`SearchHit.to_json()` is the contract of `codesift search --json`:
`{repo, path, start_line, end_line, symbol, language, kind, score, code}`,
plus `signals` (which of dense / bm25 / name / path found the hit).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from codesift.embedding import Embedder
from codesift.store import SearchFilter, Store
from codesift.store.sparse import bm25_query
from retriever import ranking
from retriever.candidates import PathVocabulary, gather
from retriever.ranking import Candidate, RankingWeights, weights_for
from retriever.spans import whole_definitions

MODES = ("dense", "bm25", "hybrid")
CANDIDATES = 50  # per retriever, before ranking
WINDOW_OVERFETCH = 3  # windows of one long chunk may fill several slots before they become one candidate
FILE_CHUNKS = 3  # chunks shown per file in the file view


@dataclass(frozen=True)
class SearchHit:
    repo: str
    path: str
    start_line: int
    end_line: int
    symbol: str
    language: str
    kind: str
    score: float
    code: str
    signals: tuple[str, ...] = ()
    id: str = ""

    @classmethod
    def from_candidate(cls, candidate: Candidate) -> "SearchHit":
        p = candidate.payload
        return cls(
            repo=p["repo"],
            path=p["path"],
            start_line=p["start_line"],
            end_line=p["end_line"],
            symbol=p.get("symbol", ""),
            language=p.get("language", ""),
            kind=p.get("kind", ""),
            score=round(candidate.score, 6),
            code=p.get("code", ""),
            signals=tuple(sorted(candidate.found_by)),
            id=candidate.hit.id,
        )

    @property
    def citation(self) -> str:
        return f"{self.path}:L{self.start_line}-L{self.end_line}"

    def to_json(self) -> dict:
        data = asdict(self)
        data.pop("id")
        data["signals"] = list(self.signals)
        return data


@dataclass(frozen=True)
class FileHit:
    """One file of the file view: its score and its best chunks."""

    repo: str
    path: str
    score: float
    hits: tuple[SearchHit, ...]

    def to_json(self) -> dict:
        return {"repo": self.repo, "path": self.path, "score": self.score, "hits": [h.to_json() for h in self.hits]}


class Searcher:
    """Query → hits, over one embedder and one store; an optional reranker reorders the top hits."""

    def __init__(self, embedder: Embedder, store: Store, reranker=None, weights: RankingWeights | None = None):
        self.embedder = embedder
        self.store = store
        self.reranker = reranker
        self.weights = weights or weights_for(embedder.static)
        self.path_vocabulary = PathVocabulary(store)

    def search(
        self,
        query: str,
        *,
        task: str = "nl2code",
        mode: str = "hybrid",
        search_filter: SearchFilter | None = None,
        k: int = 10,
    ) -> list[SearchHit]:
        wanted = k * (3 if self.reranker else 1)
        profile, candidates = self.candidates(query, task, mode, search_filter, wanted)
        ranked = ranking.rank(candidates, profile, wanted, self.weights)
        hits = [SearchHit.from_candidate(c) for c in whole_definitions(self.store, ranked)]
        if self.reranker is not None:
            hits = self.reranker.rerank(query, hits)
        return hits[:k]

    def search_files(
        self,
        query: str,
        *,
        task: str = "nl2code",
        mode: str = "hybrid",
        search_filter: SearchFilter | None = None,
        k: int = 10,
        per_file: int = FILE_CHUNKS,
    ) -> list[FileHit]:
        """The k best files for the query, each with its best chunks."""
        profile, candidates = self.candidates(query, task, mode, search_filter, k * per_file)
        files = ranking.rank_files(candidates, profile, k, per_file, self.weights)
        shown = {c.hit.id: c for c in whole_definitions(self.store, [c for f in files for c in f.chunks])}
        return [
            FileHit(f.repo, f.path, round(f.score, 6), tuple(SearchHit.from_candidate(shown[c.hit.id]) for c in f.chunks))
            for f in files
        ]

    def candidates(self, query: str, task: str, mode: str, search_filter: SearchFilter | None, wanted: int):
        """How the query reads, and its candidate pool before ranking (what `bench/tune_ranking.py` caches)."""
        if mode not in MODES:
            raise ValueError(f"unknown search mode {mode!r}; expected one of {', '.join(MODES)}")
        profile = ranking.profile_query(query, task)
        size = max(CANDIDATES, wanted * WINDOW_OVERFETCH)
        dense = self.embedder.encode_query(query, task=task).tolist() if mode != "bm25" else None
        sparse = bm25_query(query) if mode != "dense" else None
        search_filter = search_filter or SearchFilter()
        terms = () if profile.is_code else self.path_vocabulary.matching(profile.keywords, search_filter.repo)
        return profile, gather(self.store, profile, dense, sparse, search_filter, size, terms)
