"""Step 2: the chunk that defines the queried name comes first; a class above its methods.

A definition's `name` payload is its own name in lower case (`Router.add_route` → `add_route`). A symbol
query's name (the last part of a qualified one) earns the full boost; identifiers inside a sentence earn
`embedded_definition` instead. On top: a class or type rather than a member, the name's exact case (a
lower-case helper of the same name ranks below the class), a qualified query whose whole path matches,
and a file named after the definition.
"""

from __future__ import annotations

from retriever.ranking.pool import Candidate
from retriever.ranking.query import QueryProfile
from retriever.ranking.weights import RankingWeights

TYPE_KINDS = ("class",)


def _squashed(name: str) -> str:
    return name.replace("_", "").replace("-", "").lower()


def boost_definitions(candidates: list[Candidate], profile: QueryProfile, weights: RankingWeights) -> None:
    if profile.is_code or not profile.names:
        return
    unit = weights.definition if profile.is_symbol else weights.embedded_definition
    if unit <= 0:
        return
    scale = unit / weights.definition if weights.definition > 0 else 1.0
    typed = {name.lower(): name for name in profile.names}
    for c in candidates:
        name = c.payload.get("name", "")
        if name not in typed:
            continue
        symbol = c.payload.get("symbol", "")
        boost = unit
        if c.payload.get("kind") in TYPE_KINDS:
            boost += weights.class_over_member * scale
        own = symbol.rsplit(".", 1)[-1]
        if own == typed[name] or (profile.qualified and symbol.endswith(profile.qualified)):
            boost += weights.exact_case * scale
        if _squashed(c.stem).rstrip("s") == _squashed(name).rstrip("s"):
            boost += weights.file_named_after * scale
        c.score += boost
        c.found_by.add("name")
