"""The synthesis catalog (built-in, user files, validation), the item plan and the seeds, without an LLM."""

from __future__ import annotations

import json

import pytest
import yaml

from codesift.embedding.tasks import TASKS
from codesift.errors import CodesiftError
from trainer.data.synth.catalog import FAMILIES, SynthTask, append_tasks, load_catalog, validate
from trainer.data.synth.generate import plan, to_row
from trainer.data.synth.seeds import Seed, collect_seeds

GOOD = {
    "id": "code-to-changelog",
    "family": "code2text",
    "task": "code2nl",
    "instruction": "Given code, retrieve its changelog entry.",
    "generates": "positive",
    "prompt": 'Write the changelog entry for this {language} code:\n{code}\nAnswer with JSON: {{"positive": "..."}}',
}


def test_the_builtin_catalog_has_twenty_tasks_over_the_four_families_and_every_template_formats():
    catalog = load_catalog()
    assert len(catalog) >= 20
    assert {t.family for t in catalog.values()} == set(FAMILIES)
    assert {t.task for t in catalog.values()} == set(TASKS)
    code = "def f(items):\n    return sorted(items)\n"
    for task in catalog.values():
        rendered = task.render(code, "python", "pkg/mod.py")
        assert code in rendered and "{" not in rendered.replace('{"', "")  # no placeholder left unfilled
        assert all(f'"{key}"' in rendered for key in task.wanted_keys), task.id
        assert task.instruction.startswith("Given ") and task.instruction.endswith(".")


def test_validation_names_what_is_wrong():
    assert validate(GOOD) == SynthTask(**GOOD)
    cases = [
        ({"family": "text2text"}, "family 'text2text' is not one of"),
        ({"task": "code2sql"}, "task 'code2sql' is not one of"),
        ({"generates": "negative"}, "generates 'negative'"),
        ({"id": "Code To Changelog"}, "lowercase words"),
        ({"instruction": "  "}, "missing or empty field 'instruction'"),
        ({"prompt": 'Write a changelog entry. {{"positive": "..."}}'}, "no {code} placeholder"),
        ({"prompt": 'For {code} in {dialect}: {{"positive": ""}}'}, "does not format"),
        ({"prompt": 'For {code}: {{"query": ""}}'}, 'JSON key "positive"'),
        ({"languages": ["cobol"]}, "language 'cobol'"),
        ({"languages": "python"}, "list of language names"),
        ({"examples": "x"}, "examples must be a list"),
        ({"examples": [{"answer": {"positive": "y"}}]}, "needs a non-empty 'code'"),
        ({"examples": [{"code": "x", "answer": {"query": "y"}}]}, "answer must give 'positive' as text"),
        ({"examples": [{"code": "x", "answer": {"positive": "y"}, "why": "z"}]}, "unknown example field 'why'"),
        ({"notes": "x"}, "unknown field 'notes'"),
    ]
    for change, message in cases:
        with pytest.raises(ValueError, match=message.replace("{", r"\{").replace("(", r"\(")):
            validate(GOOD | change)
    with pytest.raises(ValueError, match="mapping"):
        validate(["not", "a", "task"])


def test_worked_examples_become_earlier_turns_and_the_query_styles_have_two_each():
    example = {"code": "def f():\n    return 1\n", "answer": {"positive": "Returns one."}, "language": "python", "path": "a.py"}
    task = validate(GOOD | {"examples": [example]})
    [(prompt, answer)] = task.shots()
    assert prompt == task.render(example["code"], "python", "a.py") and json.loads(answer) == {"positive": "Returns one."}
    assert validate(task.to_yaml()) == task  # examples survive a user catalog round trip
    catalog = load_catalog()
    for style in ("web-query-to-code", "function-question-to-code", "module-question-to-code", "symbol-lookup-to-code"):
        shots = catalog[style].shots()
        assert len(shots) == 2 and all(json.loads(a)["query"] for _, a in shots), style


def test_a_user_catalog_adds_tasks_and_may_not_redefine_one(tmp_path):
    user = tmp_path / "mine.yaml"
    assert load_catalog(user) == load_catalog()  # a user catalog that does not exist yet adds nothing
    append_tasks(user, [validate(GOOD | {"languages": ["python", "go"]})])
    append_tasks(user, [validate(GOOD | {"id": "code-to-release-note"})])
    catalog = load_catalog(user)
    assert catalog["code-to-changelog"].languages == ("python", "go")
    assert "code-to-release-note" in catalog and len(catalog) == len(load_catalog()) + 2
    assert yaml.safe_load(user.read_text())[1].keys() == GOOD.keys()  # no empty languages written

    user.write_text(yaml.safe_dump([dict(GOOD, id="web-query-to-code")]))
    with pytest.raises(CodesiftError, match="'web-query-to-code' is defined twice"):
        load_catalog(user)
    user.write_text(yaml.safe_dump([dict(GOOD, family="poetry")]))
    with pytest.raises(CodesiftError, match=r"mine.yaml: task #1: family 'poetry'"):
        load_catalog(user)
    user.write_text("id: [unclosed")
    with pytest.raises(CodesiftError, match="not valid YAML"):
        load_catalog(user)


def seed(name: str, language: str = "python") -> Seed:
    return Seed(f"def {name}(x):\n    y = x + 1\n    return y\n", language, f"repo/{name}.py")


def test_the_plan_goes_round_robin_over_the_tasks_that_suit_each_seed():
    catalog = load_catalog()
    typed = catalog["code-to-typed-version"]
    summary, web = catalog["code-to-summary"], catalog["web-query-to-code"]
    seeds = [seed("a"), seed("b", "java"), seed("c")]
    items = plan(seeds, [typed, summary, web], per_seed=2)
    assert [(s.path, t.id) for s, t in items] == [
        ("repo/a.py", "code-to-typed-version"), ("repo/a.py", "code-to-summary"),
        ("repo/b.py", "web-query-to-code"), ("repo/b.py", "code-to-summary"),  # the python-only task skipped for java
        ("repo/c.py", "web-query-to-code"), ("repo/c.py", "code-to-typed-version"),
    ]
    assert len(plan(seeds, [typed], per_seed=3)) == 2  # one task each for the python seeds, none for java


def test_rows_take_the_seed_on_the_side_the_task_does_not_generate():
    catalog = load_catalog()
    code = seed("a")
    summary = to_row(code, catalog["code-to-summary"], {"positive": "Adds one."})
    assert (summary.query, summary.positive, summary.task) == (code.code, "Adds one.", "code2nl")
    web = to_row(code, catalog["web-query-to-code"], {"query": "increment a number"})
    assert (web.query, web.positive, web.source, web.language) == ("increment a number", code.code, "synth:web-query-to-code", "python")
    assert web.instruction == catalog["web-query-to-code"].instruction
    assert to_row(code, catalog["web-query-to-code"], {"query": "  "}) is None
    assert to_row(code, catalog["code-to-refactoring"], {"positive": code.code.upper()}) is None  # the same code back


def test_seeds_are_functions_of_three_lines_outside_tests_or_code_positives_of_mined_rows(sample_repo, tmp_path):
    (sample_repo / "shop" / "copy.py").write_text((sample_repo / "shop" / "config.py").read_text())
    seeds = collect_seeds([str(sample_repo)], clones_dir=tmp_path / "clones", limit=None)
    paths = {s.path for s in seeds}
    assert "shop/shop/config.py" in paths and "shop/src/Stack.java" in paths
    assert not any("tests/" in p or "vendor/" in p for p in paths)
    assert all(len([line for line in s.code.split("\n") if line.strip()]) >= 3 for s in seeds)
    assert not any("def register" in s.code for s in seeds)  # two lines
    assert sum("def parse_config" in s.code for s in seeds) == 1  # the copy in copy.py counts once
    again = collect_seeds([str(sample_repo)], clones_dir=tmp_path / "clones", limit=2, seed=0)
    assert again == seeds[:2]  # the same seed picks the same functions

    mined = tmp_path / "mined.jsonl"
    rows = [
        {"query": "add", "positive": "def add(a, b):\n    c = a + b\n    return c\n", "task": "nl2code", "language": "python"},
        {"query": "q", "positive": "Some prose answer\nover three\nlines", "task": "techqa", "language": "markdown"},
        {"query": "def add(a, b):", "positive": "    return a + b\n", "task": "code2completion", "language": "python"},
    ]
    mined.write_text("".join(json.dumps(r) + "\n" for r in rows))
    assert [s.code for s in collect_seeds([str(mined)], clones_dir=tmp_path, limit=None)] == [rows[0]["positive"]]
    with pytest.raises(CodesiftError, match="no such file"):
        collect_seeds([str(tmp_path / "missing.jsonl")], clones_dir=tmp_path, limit=None)
