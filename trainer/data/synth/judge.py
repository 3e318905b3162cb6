"""Quality control: an LLM judges whether a generated positive answers its query, and how hard the pair is.

CodeR keeps only pairs the judge calls relevant; the difficulty label
(easy / medium / hard) feeds the curriculum's last stage.
"""

from __future__ import annotations

import asyncio

from retriever.llm import LLMSettings
from trainer.data.rows import TrainingRow
from trainer.data.synth.client import RequestFailed, SynthClient

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
    """(relevant, difficulty); a reply that is not a verdict counts as not relevant."""
    prompt = JUDGE_PROMPT.format(instruction=row.instruction, query=row.query, positive=row.positive)
    verdict = await client.ask_json(prompt, ("relevant",))
    if verdict is None:
        return False, ""
    relevant = verdict["relevant"] is True or str(verdict["relevant"]).lower() == "true"
    difficulty = str(verdict.get("difficulty", "")).lower()
    return relevant, difficulty if difficulty in DIFFICULTIES else ""


def judge_difficulty(rows: list[TrainingRow], settings: LLMSettings, *, concurrency: int, cache_dir) -> list[str]:
    """The LLM's easy/medium/hard label for every row ("" where it gave none)."""
    from trainer.data.synth.cache import ResponseCache

    async def run() -> list[str]:
        client = SynthClient(settings, ResponseCache(cache_dir), concurrency=concurrency, temperature=0.0)
        try:
            async def one(row: TrainingRow) -> str:
                try:
                    return (await judge(client, row))[1]
                except RequestFailed:
                    return ""
            return list(await asyncio.gather(*(one(r) for r in rows)))
        finally:
            await client.close()
            client.cache.close()

    return asyncio.run(run())
