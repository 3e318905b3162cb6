"""`codesift data brainstorm`: a strong model proposes new synthesis tasks; valid ones join the user catalog.

CodeR had a strong LLM brainstorm its task list. Proposals are validated like
every catalog entry (fields, family, retrieval task, a {code} placeholder, a
new id) before they are written; the rest are reported with their reason.
"""

from __future__ import annotations

import json

from trainer.data.synth.catalog import FAMILIES, GENERATES, SynthTask, validate
from trainer.data.synth.client import SynthClient, parse_json_object

BRAINSTORM_PROMPT = """We train a code embedding model on (query, positive) pairs synthesized from real code.
Existing tasks (id: instruction):
{existing}

Propose {n} NEW tasks that would teach a code retrieval model something the existing ones do not.
Each task needs: "id" (lowercase-words-with-dashes), "family" (one of {families}), "task" (the retrieval task
whose prefixes it trains: nl2code, techqa, code2code, code2nl or code2completion), "instruction" (one sentence,
"Given ..., retrieve ..."), "generates" (one of {generates}: what the model writes — "query" means the seed code
is the positive, "positive" means the seed code is the query), and "prompt" (the generation prompt, with the
placeholders {{code}}, {{language}} and {{path}}, asking for a JSON answer; write literal braces doubled).
Answer with JSON: {{"tasks": [ ... ]}}"""


async def brainstorm(client: SynthClient, catalog: dict[str, SynthTask], n: int) -> tuple[list[SynthTask], list[str]]:
    """(valid new tasks, reasons the others were rejected)."""
    prompt = BRAINSTORM_PROMPT.format(
        existing="\n".join(f"- {t.id}: {t.instruction}" for t in catalog.values()),
        n=n,
        families=", ".join(FAMILIES),
        generates=", ".join(GENERATES),
    )
    messages = [{"role": "user", "content": prompt}]
    answer = parse_json_object(await client.complete(messages))
    proposals = answer.get("tasks") if answer else None
    if not isinstance(proposals, list):
        return [], ["the model did not answer with a JSON object holding a list of tasks"]
    accepted: list[SynthTask] = []
    rejected: list[str] = []
    for raw in proposals:
        label = raw.get("id", "?") if isinstance(raw, dict) else json.dumps(raw)[:40]
        try:
            task = validate(raw)
        except ValueError as exc:
            rejected.append(f"{label}: {exc}")
            continue
        if task.id in catalog or any(t.id == task.id for t in accepted):
            rejected.append(f"{label}: the id is already in the catalog")
            continue
        accepted.append(task)
    return accepted, rejected
