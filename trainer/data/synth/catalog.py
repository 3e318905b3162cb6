"""The synthesis task catalog: built-in tasks (tasks.yaml) plus a user catalog, each definition validated.

A task turns one seed code chunk into a query/positive pair; see tasks.yaml for
the fields. `validate` is used for the built-in tasks, user files and
definitions proposed by `brainstorm`, so all three obey the same rules.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from pathlib import Path

import yaml

from codesift.embedding.tasks import TASKS
from codesift.errors import CodesiftError

BUILTIN = Path(__file__).with_name("tasks.yaml")
FAMILIES = ("text2code", "code2text", "code2code", "hybrid")
GENERATES = ("query", "positive", "query+positive")
_ID = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
_FIELDS = ("id", "family", "task", "instruction", "generates", "prompt")


@dataclass(frozen=True)
class SynthTask:
    id: str
    family: str
    task: str
    instruction: str
    generates: str
    prompt: str

    def render(self, code: str, language: str, path: str) -> str:
        return self.prompt.format(code=code, language=language or "code", path=path or "a repository")

    @property
    def wanted_keys(self) -> tuple[str, ...]:
        return tuple(self.generates.split("+"))


def validate(raw: object) -> SynthTask:
    """A task definition or a ValueError saying what is wrong with it."""
    if not isinstance(raw, dict):
        raise ValueError("a task definition must be a mapping")
    missing = [f for f in _FIELDS if not isinstance(raw.get(f), str) or not raw[f].strip()]
    if missing:
        raise ValueError(f"missing or empty field {missing[0]!r}")
    task = SynthTask(**{f: raw[f].strip() if f != "prompt" else raw[f] for f in _FIELDS})
    if not _ID.match(task.id):
        raise ValueError(f"id {task.id!r} must be lowercase words joined by '-'")
    for value, allowed, name in ((task.family, FAMILIES, "family"), (task.task, TASKS, "task"), (task.generates, GENERATES, "generates")):
        if value not in allowed:
            raise ValueError(f"{name} {value!r} is not one of {', '.join(allowed)}")
    if "{code}" not in task.prompt:
        raise ValueError("the prompt has no {code} placeholder")
    try:
        task.render("x", "python", "p.py")
    except (KeyError, IndexError, ValueError) as exc:
        raise ValueError(f"the prompt does not format: {exc!r} (write literal braces as {{{{ }}}})") from None
    return task


def _read(path: Path) -> list:
    try:
        raw = yaml.safe_load(path.read_text()) or []
    except OSError as exc:
        raise CodesiftError(f"cannot read task catalog {path}: {exc.strerror or exc}") from None
    except yaml.YAMLError as exc:
        raise CodesiftError(f"{path} is not valid YAML: {str(exc).splitlines()[0]}") from None
    if not isinstance(raw, list):
        raise CodesiftError(f"{path}: a task catalog is a list of task definitions")
    return raw


def load_catalog(extra: Path | None = None) -> dict[str, SynthTask]:
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
    existing = _read(path) if path.is_file() else []
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(existing + [asdict(t) for t in tasks], sort_keys=False, allow_unicode=True))
