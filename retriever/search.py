"""Search an index: embed the query for its task, query the store, return hits in the public shape.

`SearchHit.to_json()` is the contract of `codesift search --json`:
`{repo, path, start_line, end_line, symbol, language, kind, score, code}`.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from codesift.embedding import Embedder
from codesift.store import Hit, SearchFilter, Store


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
    id: str = ""

    @classmethod
    def from_store(cls, hit: Hit) -> "SearchHit":
        p = hit.payload
        return cls(
            repo=p["repo"],
            path=p["path"],
            start_line=p["start_line"],
            end_line=p["end_line"],
            symbol=p.get("symbol", ""),
            language=p.get("language", ""),
            kind=p.get("kind", ""),
            score=round(hit.score, 6),
            code=p.get("code", ""),
            id=hit.id,
        )

    def to_json(self) -> dict:
        data = asdict(self)
        data.pop("id")
        return data


def dense_search(
    query: str,
    embedder: Embedder,
    store: Store,
    *,
    task: str = "nl2code",
    search_filter: SearchFilter | None = None,
    k: int = 10,
) -> list[SearchHit]:
    vector = embedder.encode_queries([query], task=task)[0]
    return [SearchHit.from_store(h) for h in store.search_dense(vector, search_filter, limit=k)]
