"""Mining pairs from a repository: tasks, doc removal, filters and duplicates."""

from __future__ import annotations

import json

from trainer.data.dedup import Deduplicator
from trainer.data.docs import split_doc, summary
from trainer.data.filters import doc_reason
from trainer.data.mining import mine


def by_task(rows, task):
    return [r for r in rows if r.task == task]


def test_python_docstring_is_split_from_the_code():
    code = 'def f(x):\n    """Double a number.\n\n    Args:\n        x: the number\n    """\n    return 2 * x\n'
    split = split_doc(code, "python")
    assert split.doc.startswith("Double a number.")
    assert '"""' not in split.code and "return 2 * x" in split.code and split.code.startswith("def f(x):")
    assert summary(split.doc) == "Double a number."


def test_javadoc_is_split_and_its_tags_left_out_of_the_summary():
    code = "/**\n * Pushes an element.\n * @param item the element\n */\npublic int push(int item) {\n  return item;\n}"
    split = split_doc(code, "java")
    assert split.code.startswith("public int push")
    assert summary(split.doc) == "Pushes an element."


def test_docs_that_only_restate_a_signature_or_the_name_are_rejected():
    assert doc_reason("execvpe(file, args, env)") == "doc is only a signature"
    assert doc_reason("capwords(s [,sep]) -> string") == "doc is only a signature"
    assert doc_reason("Parse config file.", "Loader.parse_config_file") == "doc repeats the name"
    assert doc_reason("Initialize self.  See help(type(self)) for accurate signature.") == "boilerplate doc"
    assert doc_reason("tell() -> int.  Current position in the file.") is None  # a signature, then a description
    assert doc_reason("Return max(a, b) rounded to the nearest step.") is None


def test_mining_makes_four_tasks_and_drops_what_it_should(sample_repo, tmp_path):
    report = mine([str(sample_repo)], clones_dir=tmp_path / "clones", commits=False)
    rows = report.rows
    assert {r.task for r in rows} == {"nl2code", "code2nl", "code2completion", "techqa"}
    nl2code = {r.query: r for r in by_task(rows, "nl2code")}
    parse = nl2code["Read a configuration file and return its settings as a dictionary."]
    assert "Lines starting with a hash" not in parse.positive and "def parse_config(path):" in parse.positive
    assert parse.language == "python" and parse.source == "docstring"
    assert "Pushes an element on top of the stack and returns it." in nl2code  # Java doc comment
    registry = nl2code["Keep named plugins and look them up by their name."]  # a class: its summary
    assert registry.positive.startswith("class Registry:") and "def lookup(self, name)" in registry.positive
    assert any(r.query == "Shop: Install the shop service" and r.language == "markdown" for r in by_task(rows, "techqa"))
    texts = json.dumps([r.to_json() for r in rows])
    assert "parse_config_in_test" not in texts and "vendored_parse" not in texts
    assert "Initialize self" not in texts
    assert report.dropped["test code"] == 1 and report.dropped["skipped path: vendored"] == 1
    assert report.dropped["boilerplate doc"] == 1
    assert report.dropped["repeated query"] >= 1 and report.dropped["exact duplicate"] >= 1
    assert report.dropped["heading too short"] == 2  # "# Shop" and "## Usage"
    assert sum(1 for r in by_task(rows, "nl2code") if "merge_settings" in r.positive) == 1


def test_deduplicator_catches_reformatted_and_lightly_edited_copies():
    body = "\n".join(f"    total_{i} = compute_value(records[{i}], weight={i})" for i in range(12))
    original = f"def summarise(records):\n{body}\n    return total_0"
    dedup = Deduplicator()
    assert dedup.seen(original) is None
    assert dedup.seen(original.replace("    ", "  ")) == "exact duplicate"  # reformatted
    assert dedup.seen(original.replace("weight=11", "weight=12")) == "near duplicate"
    assert dedup.seen("def other(x):\n    return sorted(set(x), key=len)[::-1]") is None


def test_completion_pairs_split_a_function_in_two(sample_repo, tmp_path):
    rows = mine([str(sample_repo)], clones_dir=tmp_path / "c", commits=False, tasks=["code2completion"]).rows
    parse = next(r for r in rows if r.query.startswith("def parse_config"))
    assert parse.positive.strip().endswith("return settings")
    assert parse.query.count("\n") >= 2 and "return settings" not in parse.query
