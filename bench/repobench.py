"""The repobench dev split (../shared/data/repobench): its repositories, queries, and the benchmark's own metric.

A hit matches a target when one path ends with `/` + the other (or they are equal) and, if the target has
lines, the hit's lines overlap them. `relevant` and `secondary` targets are pooled with binary gain; each
target counts at the rank of its first matching hit in the top 10 (hits are not de-duplicated);
NDCG@10 = DCG / ideal DCG over min(10, targets). A repository scores the mean over its queries; the
headline is the mean over repositories; a category's figure is the mean over repositories of their mean
for that category.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path

K = 10
CATEGORIES = ("semantic", "architecture", "symbol")
# A quick subset of small trees over twelve languages (the dataset's README).
QUICK = ("fastapi httpx click express redux gin cobra serde sinatra monolog zod bats-core ecto zls aeson alamofire").split()


@dataclass(frozen=True)
class Target:
    path: str
    start_line: int | None = None
    end_line: int | None = None


@dataclass(frozen=True)
class Query:
    text: str
    category: str
    targets: tuple[Target, ...]


@dataclass(frozen=True)
class Repo:
    name: str
    language: str
    url: str
    revision: str
    root: str  # the part of the tree the benchmark indexes ("" for all of it)
    queries: tuple[Query, ...]


def _target(raw) -> Target:
    if isinstance(raw, str):
        return Target(raw)
    return Target(raw["path"], raw.get("start_line"), raw.get("end_line"))


def load_repos(data: Path) -> list[Repo]:
    repos = []
    for entry in json.loads((data / "repos.json").read_text()):
        annotations = json.loads((data / "annotations" / f"{entry['name']}.json").read_text())
        queries = tuple(
            Query(a["query"], a["category"], tuple(_target(t) for t in [*a["relevant"], *a.get("secondary", [])]))
            for a in annotations
        )
        repos.append(Repo(entry["name"], entry["language"], entry["url"], entry["revision"], entry.get("benchmark_root") or "", queries))
    return repos


def load_peers(data: Path) -> dict[str, dict[str, float]]:
    return json.loads((data / "peers.json").read_text())


def _same_file(a: str, b: str) -> bool:
    return a == b or a.endswith("/" + b) or b.endswith("/" + a)


def matches(hit: tuple[str, int, int], target: Target) -> bool:
    path, start, end = hit
    if not _same_file(path, target.path):
        return False
    if target.start_line is None:
        return True
    return start <= target.end_line and end >= target.start_line


def ndcg(hits: list[tuple[str, int, int]], targets: tuple[Target, ...]) -> float:
    """NDCG@10 of one query's hits (path, start_line, end_line), best first."""
    dcg = 0.0
    for target in targets:
        rank = next((r for r, hit in enumerate(hits[:K], 1) if matches(hit, target)), None)
        if rank is not None:
            dcg += 1 / math.log2(rank + 1)
    ideal = sum(1 / math.log2(r + 1) for r in range(1, min(K, len(targets)) + 1))
    return dcg / ideal if ideal else 0.0


def summarise(per_query: dict[str, list[tuple[str, float]]]) -> dict:
    """{repo: [(category, ndcg), …]} → per repository, per category and overall means."""
    repos = {}
    for name, scores in per_query.items():
        row = {"all": sum(s for _, s in scores) / len(scores)}
        for category in CATEGORIES:
            values = [s for c, s in scores if c == category]
            if values:
                row[category] = sum(values) / len(values)
        repos[name] = row
    overall = {"all": _mean([r["all"] for r in repos.values()])}
    for category in CATEGORIES:
        overall[category] = _mean([r[category] for r in repos.values() if category in r])
    return {"repos": repos, "overall": overall}


def _mean(values: list[float]) -> float:
    return sum(values) / len(values) if values else float("nan")
