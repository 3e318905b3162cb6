"""The synthesis task catalog: built-in tasks (tasks.yaml) plus a user catalog, each definition validated.

A task turns one seed code chunk into a query/positive pair; see tasks.yaml for
the fields. `validate` is used for the built-in tasks, user files and
definitions proposed by `brainstorm`, so all three obey the same rules. A task's
worked examples are sent before the seed as earlier turns of the conversation
(few-shot): small models copy the code back without them.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from codesift.embedding.tasks import TASKS
from codesift.errors import CodesiftError
from indexer.languages import CODE_LANGUAGES

BUILTIN = Path(__file__).with_name("tasks.yaml")
FAMILIES = ("text2code", "code2text", "code2code", "hybrid")
GENERATES = ("query", "positive", "query+positive")
_ID = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
_FIELDS = ("id", "family", "task", "instruction", "generates", "prompt")
_OPTIONAL = ("languages", "examples")


@dataclass(frozen=True)
class Example:
    """A worked example: a piece of code and the JSON answer the task wants for it."""

    code: str
    answer: dict
    language: str = ""
    path: str = ""

    def to_yaml(self) -> dict:
        return {"code": self.code, "answer": self.answer} | {k: v for k, v in (("language", self.language), ("path", self.path)) if v}


@dataclass(frozen=True)
class SynthTask:
    id: str
    family: str
    task: str
    instruction: str
    generates: str
    prompt: str
    languages: tuple[str, ...] = ()  # seed languages the task suits; empty: every language
    examples: tuple[Example, ...] = ()  # worked examples, sent before the seed

    def render(self, code: str, language: str, path: str) -> str:
        return self.prompt.format(code=code, language=language or "code", path=path or "a repository")

    def shots(self) -> list[tuple[str, str]]:
        """The worked examples as (prompt, answer) turns."""
        return [(self.render(e.code, e.language, e.path), json.dumps(e.answer, ensure_ascii=False)) for e in self.examples]

    def accepts(self, language: str) -> bool:
        return not self.languages or language in self.languages

    @property
    def wanted_keys(self) -> tuple[str, ...]:
        """The keys of the JSON answer the prompt asks for."""
        return tuple(self.generates.split("+"))

    def to_yaml(self) -> dict:
        fields = {f: getattr(self, f) for f in _FIELDS}
        fields |= {"languages": list(self.languages)} if self.languages else {}
        return fields | ({"examples": [e.to_yaml() for e in self.examples]} if self.examples else {})


def validate(raw: object) -> SynthTask:
    """A task definition or a ValueError saying what is wrong with it."""
    if not isinstance(raw, dict):
        raise ValueError("a task definition must be a mapping")
    missing = [f for f in _FIELDS if not isinstance(raw.get(f), str) or not raw[f].strip()]
    if missing:
        raise ValueError(f"missing or empty field {missing[0]!r}")
    unknown = sorted(set(raw) - {*_FIELDS, *_OPTIONAL})
    if unknown:
        raise ValueError(f"unknown field {unknown[0]!r}")
    languages = raw.get("languages") or []
    if not isinstance(languages, list) or not all(isinstance(name, str) for name in languages):
        raise ValueError("languages must be a list of language names")
    if not isinstance(raw.get("examples") or [], list):
        raise ValueError("examples must be a list of {code, answer} mappings")
    strange = sorted(set(languages) - CODE_LANGUAGES)
    if strange:
        raise ValueError(f"language {strange[0]!r} is not one of {', '.join(sorted(CODE_LANGUAGES))}")
    task = SynthTask(
        **{f: raw[f] if f == "prompt" else raw[f].strip() for f in _FIELDS},
        languages=tuple(languages),
        examples=tuple(_example(e, tuple(raw["generates"].strip().split("+"))) for e in raw.get("examples") or []),
    )
    if not _ID.match(task.id):
        raise ValueError(f"id {task.id!r} must be lowercase words joined by '-'")
    for value, allowed, name in ((task.family, FAMILIES, "family"), (task.task, TASKS, "task"), (task.generates, GENERATES, "generates")):
        if value not in allowed:
            raise ValueError(f"{name} {value!r} is not one of {', '.join(allowed)}")
    if "{code}" not in task.prompt:
        raise ValueError("the prompt has no {code} placeholder")
    try:
        rendered = task.render("x", "python", "p.py")
    except (KeyError, IndexError, ValueError) as exc:
        raise ValueError(f"the prompt does not format: {exc!r} (write literal braces as {{{{ }}}})") from None
    absent = [key for key in task.wanted_keys if f'"{key}"' not in rendered]
    if absent:
        raise ValueError(f'the prompt does not ask for the JSON key "{absent[0]}" that generates={task.generates!r} needs')
    return task


def _example(raw: object, keys: tuple[str, ...]) -> Example:
    """A worked example, or a ValueError: it needs code and an answer holding every key the task generates."""
    if not isinstance(raw, dict) or not isinstance(raw.get("code"), str) or not raw["code"].strip():
        raise ValueError("an example needs a non-empty 'code'")
    answer = raw.get("answer")
    if not isinstance(answer, dict) or not all(isinstance(answer.get(k), str) and answer[k].strip() for k in keys):
        raise ValueError(f"an example's answer must give {' and '.join(repr(k) for k in keys)} as text")
    unknown = sorted(set(raw) - {"code", "answer", "language", "path"})
    if unknown:
        raise ValueError(f"unknown example field {unknown[0]!r}")
    return Example(raw["code"], answer, str(raw.get("language", "")), str(raw.get("path", "")))


def _read(path: Path) -> list:
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    except OSError as exc:
        raise CodesiftError(f"cannot read task catalog {path}: {exc.strerror or exc}") from None
    except yaml.YAMLError as exc:
        raise CodesiftError(f"{path} is not valid YAML: {str(exc).splitlines()[0]}") from None
    if not isinstance(raw, list):
        raise CodesiftError(f"{path}: a task catalog is a list of task definitions")
    return raw


def load_catalog(extra: Path | None = None) -> dict[str, SynthTask]:
    """The built-in tasks plus those of `extra` (a user catalog; ignored while it does not exist), by id."""
    catalog: dict[str, SynthTask] = {}
    for path in [BUILTIN, *([extra] if extra and extra.is_file() else [])]:
        for i, raw in enumerate(_read(path)):
            try:
                task = validate(raw)
            except ValueError as exc:
                raise CodesiftError(f"{path}: task #{i + 1}: {exc}") from None
            if task.id in catalog:
                raise CodesiftError(f"{path}: task id {task.id!r} is defined twice")
            catalog[task.id] = task
    return catalog


def append_tasks(path: Path, tasks: list[SynthTask]) -> None:
    """Add tasks to a user catalog file, creating it if needed."""
    existing = _read(path) if path.is_file() else []
    path.parent.mkdir(parents=True, exist_ok=True)
    text = yaml.safe_dump(existing + [t.to_yaml() for t in tasks], sort_keys=False, allow_unicode=True, width=120)
    path.write_text(text, encoding="utf-8")
