"""Every weight of the ranking stage, in one place.

Chosen on the repobench dev split only (`bench/repo_search.py`, its ablation in docs/benchmarks.md): general
signals, never tuned per repository or per query. Scores are on the fused scale, where the best candidate
of a query scores 1.0; boosts add to it and penalties multiply it.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace


@dataclass(frozen=True)
class FusionWeights:
    """How much each retriever's normalised score counts for one kind of query."""

    dense: float
    bm25: float


@dataclass(frozen=True)
class RankingWeights:
    # fusion: identifiers lean on words and names; plain words on meaning
    semantic: FusionWeights = FusionWeights(dense=1.0, bm25=0.5)
    symbol: FusionWeights = FusionWeights(dense=0.5, bm25=1.0)
    # definitions: the chunk that defines the queried name
    definition: float = 1.5  # added for a definition of the queried name (a symbol query)
    embedded_definition: float = 0.5  # added for a definition of an identifier inside a sentence
    class_over_member: float = 0.3  # added on top when that definition is a class (or type), not a method
    exact_case: float = 0.2  # added when the name's case matches the query's too
    file_named_after: float = 0.3  # added when the definition's file is named after it
    # paths: query words in the file's name and directories
    path: float = 0.5  # added times the share of query words the path holds
    # files: a file with several strong chunks rises
    file_coherence: float = 0.3  # added to a file's best chunk, times its candidates' share of the best file's sum
    # documentation, tests, examples, generated and compat code, unless the query or the task asks for them
    docs: float = 0.5  # multiplies a documentation chunk's score
    tests: float = 0.4
    examples: float = 0.4
    compat: float = 0.5
    declarations: float = 0.8  # type declarations (.d.ts), package barrels (__init__.py)
    # diversity: each further chunk of a file already shown counts less
    file_repeat: float = 0.6  # multiplies a chunk's score once per chunk of its file already chosen

    def without(self, signal: str) -> "RankingWeights":
        """These weights with one signal switched off (the ablation of docs/benchmarks.md)."""
        return replace(self, **{name: OFF[name] for name in SIGNALS[signal]})


# The signals the ablation switches off one at a time, and the weight values that switch them off.
SIGNALS: dict[str, tuple[str, ...]] = {
    "query type": ("symbol",),
    "definitions": ("definition", "embedded_definition", "class_over_member", "exact_case", "file_named_after"),
    "paths": ("path",),
    "files": ("file_coherence",),
    "penalties": ("docs", "tests", "examples", "compat", "declarations"),
    "diversity": ("file_repeat",),
}
_NEUTRAL = {field.name: 0.0 for field in fields(RankingWeights)} | {
    name: 1.0 for name in ("docs", "tests", "examples", "compat", "declarations", "file_repeat")
}
OFF = _NEUTRAL | {"symbol": RankingWeights().semantic}

DEFAULT_WEIGHTS = RankingWeights()
# Fusion alone: no boost, penalty or diversity (what the signals are measured against).
FUSION_ONLY = RankingWeights(**{name: OFF[name] for names in SIGNALS.values() for name in names})
# A static model (a bag of token vectors) ranks by meaning less well than a transformer (dense alone 0.65
# vs MiniLM's 0.75 on the dev split), so it leans on the other signals: plain-word queries on words, a
# class's definition lifted further above its members (whose names the bag matches as well), query words
# in paths a little more. Chosen by bench/tune_ranking.py on the dev split (0.824 with DEFAULT_WEIGHTS,
# 0.850 with these), every other weight as in DEFAULT_WEIGHTS.
STATIC_WEIGHTS = replace(
    DEFAULT_WEIGHTS, semantic=FusionWeights(dense=0.25, bm25=0.5), class_over_member=1.2, path=0.665
)


def weights_for(static: bool) -> RankingWeights:
    """The ranking weights chosen for a static model or a transformer."""
    return STATIC_WEIGHTS if static else DEFAULT_WEIGHTS
