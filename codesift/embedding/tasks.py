"""The five retrieval tasks and how each model family wants its inputs prefixed.

A `PromptSet` maps every task to the prefix put before a query and before a
document. Prefix styles: none (plain encoders such as MiniLM), jina
(jina-code-embeddings' fixed prefixes), coder (CodeR / bge-code
`<instruct>…<query>`), qwen3 (`Instruct: …\\nQuery:`), and prompts saved with a
sentence-transformers model (`{task}_query` / `{task}_document` keys, or plain
`query` / `document`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

TASKS = ("nl2code", "techqa", "code2code", "code2nl", "code2completion")

JINA_PREFIXES = {
    "nl2code": (
        "Find the most relevant code snippet given the following query:\n",
        "Candidate code snippet:\n",
    ),
    "techqa": (
        "Find the most relevant answer given the following question:\n",
        "Candidate answer:\n",
    ),
    "code2code": (
        "Find an equivalent code snippet given the following code snippet:\n",
        "Candidate code snippet:\n",
    ),
    "code2nl": (
        "Find the most relevant comment given the following code snippet:\n",
        "Candidate comment:\n",
    ),
    "code2completion": (
        "Find the most relevant completion given the following start of code snippet:\n",
        "Candidate completion:\n",
    ),
}

# One-sentence task instructions, used by instruction-following embedders and
# written on training rows.
INSTRUCTIONS = {
    "nl2code": "Given a natural language query, retrieve the code snippet that implements it.",
    "techqa": "Given a technical question, retrieve the answer or documentation that addresses it.",
    "code2code": "Given a code snippet, retrieve code that is functionally equivalent to it.",
    "code2nl": "Given a code snippet, retrieve the comment or description that explains it.",
    "code2completion": "Given the start of a code snippet, retrieve its most likely completion.",
}

STYLES = ("none", "jina", "coder", "qwen3")


def check_task(task: str) -> str:
    if task not in TASKS:
        raise ValueError(f"unknown task {task!r}; expected one of {', '.join(TASKS)}")
    return task


@dataclass(frozen=True)
class PromptSet:
    """Per-task query and document prefixes."""

    query: dict[str, str] = field(default_factory=dict)
    document: dict[str, str] = field(default_factory=dict)

    def query_prefix(self, task: str) -> str:
        return self.query.get(check_task(task), "")

    def document_prefix(self, task: str) -> str:
        return self.document.get(check_task(task), "")

    def as_dict(self) -> dict[str, dict[str, str]]:
        return {"query": dict(self.query), "document": dict(self.document)}

    def to_st_prompts(self) -> dict[str, str]:
        """The sentence-transformers `prompts` form, saved with trained models."""
        prompts = {f"{t}_query": p for t, p in self.query.items()}
        prompts.update({f"{t}_document": p for t, p in self.document.items()})
        return prompts


def prompt_set(style: str) -> PromptSet:
    if style == "none":
        return PromptSet()
    if style == "jina":
        return PromptSet(
            query={t: q for t, (q, _) in JINA_PREFIXES.items()},
            document={t: d for t, (_, d) in JINA_PREFIXES.items()},
        )
    if style == "coder":
        return PromptSet(query={t: f"<instruct>{i}\n<query>" for t, i in INSTRUCTIONS.items()})
    if style == "qwen3":
        return PromptSet(query={t: f"Instruct: {i}\nQuery:" for t, i in INSTRUCTIONS.items()})
    raise ValueError(f"unknown prompt style {style!r}; expected one of {', '.join(STYLES)}")


def prompts_from_saved(saved: dict[str, str]) -> PromptSet | None:
    """Read prompts saved with a sentence-transformers model, if it has any we understand."""
    query = {t: saved[f"{t}_query"] for t in TASKS if f"{t}_query" in saved}
    document = {t: saved[f"{t}_document"] for t in TASKS if f"{t}_document" in saved}
    for task in TASKS:
        if task not in query and "query" in saved:
            query[task] = saved["query"]
        if task not in document and "document" in saved:
            document[task] = saved["document"]
    if not query and not document:
        return None
    return PromptSet(query=query, document=document)
