"""`codesift data brainstorm`: a strong model proposes new synthesis tasks; valid ones join the user catalog.

CodeR had a strong LLM brainstorm its task list. Proposals are validated like
every catalog entry (fields, family, retrieval task, placeholders, the JSON keys
the prompt asks for, a new id) before they are written; the rest are reported
with their reason.
"""

from __future__ import annotations

import json

from codesift.embedding.tasks import TASKS
from codesift.errors import LLMUnavailableError
from trainer.data.synth.catalog import FAMILIES, GENERATES, SynthTask, validate
from trainer.data.synth.client import RequestFailed, SynthClient, parse_json_object

BRAINSTORM_PROMPT = """We train a code embedding model on (query, positive) pairs synthesized from real code.
Existing tasks (id: instruction):
{existing}

Propose {n} NEW tasks that would teach a code retrieval model something the existing ones do not.
Each task is a JSON object with:
- "id": lowercase words joined by dashes
- "family": one of {families}
- "task": the retrieval task whose prefixes it trains, one of {tasks}
- "instruction": one sentence, "Given ..., retrieve ..."
- "generates": one of {generates} ("query": the model writes the query and the seed code is the positive;
  "positive": the seed code is the query and the model writes the positive; "query+positive": it writes both)
- "prompt": the generation prompt, using the placeholders {{code}}, {{language}} and {{path}}, asking for a JSON
  answer with the keys named by "generates", e.g. Answer with JSON: {{{{"query": "..."}}}} (literal braces doubled)
- "languages" (optional): the list of seed languages the task suits
Answer with JSON: {{"tasks": [ ... ]}}"""


async def brainstorm(client: SynthClient, catalog: dict[str, SynthTask], n: int) -> tuple[list[SynthTask], list[str]]:
    """(valid new tasks, one reason per rejected proposal)."""
    prompt = BRAINSTORM_PROMPT.format(
        existing="\n".join(f"- {t.id}: {t.instruction}" for t in catalog.values()),
        n=n,
        families=", ".join(FAMILIES),
        tasks=", ".join(TASKS),
        generates=", ".join(GENERATES),
    )
    try:
        reply = await client.complete([{"role": "user", "content": prompt}])
    except RequestFailed as exc:
        raise LLMUnavailableError(f"LLM endpoint {client.settings.base_url} kept failing ({exc}): try again later") from None
    answer = parse_json_object(reply)
    proposals = answer.get("tasks") if answer else None
    if not isinstance(proposals, list):
        return [], ["the model did not answer with a JSON object holding a list of tasks"]
    accepted: list[SynthTask] = []
    rejected: list[str] = []
    for raw in proposals:
        label = str(raw.get("id", "?")) if isinstance(raw, dict) else json.dumps(raw)[:40]
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
