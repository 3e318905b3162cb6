"""Quality control: an LLM judges whether a generated positive answers its query, and how hard the pair is.

CodeR keeps only pairs the judge calls relevant; the difficulty label
(easy / medium / hard) feeds the curriculum's last stage. The judge answers at
temperature 0, so the same pair always gets the same verdict (and cache entry).
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from codesift.llm import LLMSettings
from trainer.data.rows import TrainingRow
from trainer.data.synth.cache import ResponseCache
from trainer.data.synth.client import RequestFailed, SynthClient, for_each

JUDGE_PROMPT = """Judge one training pair for a code search engine.
Task: {instruction}

Query:
<<<
{query}
>>>

Candidate:
<<<
{positive}
>>>

Is the candidate a correct and complete answer to the query for this task? And how hard is the pair for a
retrieval model: "easy" when query and candidate share obvious words, "medium" when some understanding is
needed, "hard" when only the meaning connects them.
Answer with JSON: {{"relevant": true or false, "difficulty": "easy" | "medium" | "hard"}}"""
DIFFICULTIES = ("easy", "medium", "hard")


async def judge(client: SynthClient, row: TrainingRow) -> tuple[bool, str]:
    """(relevant, difficulty); a reply that is not a verdict counts as not relevant, a missing label as ""."""
    prompt = JUDGE_PROMPT.format(instruction=row.instruction, query=row.query, positive=row.positive)
    verdict = await client.ask_json(prompt, ("relevant",), temperature=0.0)
    if verdict is None:
        return False, ""
    relevant = verdict["relevant"] is True or str(verdict["relevant"]).lower() == "true"
    difficulty = str(verdict.get("difficulty", "")).lower()
    return relevant, difficulty if difficulty in DIFFICULTIES else ""


def judge_difficulty(rows: list[TrainingRow], settings: LLMSettings, *, concurrency: int, cache_dir: Path) -> list[str]:
    """The LLM's easy/medium/hard label for every row ("" where it gave none or the request kept failing)."""
    labels = [""] * len(rows)

    async def run() -> None:
        client = SynthClient(settings, ResponseCache(cache_dir), concurrency=concurrency)

        async def label(index: int) -> None:
            try:
                labels[index] = (await judge(client, rows[index]))[1]
            except RequestFailed:
                pass  # left unlabelled, like a row the judge gave no label

        try:
            await for_each(list(range(len(rows))), label, concurrency)
        finally:
            await client.close()
            client.cache.close()

    asyncio.run(run())
    return labels
