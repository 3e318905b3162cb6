"""Commit message → changed function pairs from a git history made in the test."""

from __future__ import annotations

import git

from trainer.data.commits import changed_lines, commit_pairs, subject_reason
from trainer.data.rows import TrainingRow

BEFORE = '''def area(width, height):
    """Area of a rectangle."""
    result = width * height
    return result


def perimeter(width, height):
    total = 2 * width
    total += 2 * height
    return total
'''


def commit(repo: git.Repo, files: dict[str, str], message: str) -> None:
    for name, text in files.items():
        path = repo.working_tree_dir + "/" + name
        with open(path, "w") as out:
            out.write(text)
        repo.index.add([name])
    repo.index.commit(message, author=git.Actor("a", "a@example.com"), committer=git.Actor("a", "a@example.com"))


def test_changed_lines_reads_new_side_hunks():
    patch = "@@ -3,2 +3,3 @@\n-a\n+b\n@@ -10 +11,0 @@\n-gone\n"
    assert changed_lines(patch) == {3, 4, 5, 11}


def test_subject_filter():
    assert subject_reason("Fix typo in docs for the parser") == "commit subject is noise"
    assert subject_reason("Merge branch 'main' into feature") == "commit subject is noise"
    assert subject_reason("Fix bug") == "commit subject too short"
    assert subject_reason("Handle negative widths in the area computation") is None


def test_commit_pairs_take_the_function_a_commit_changed(tmp_path):
    repo = git.Repo.init(tmp_path / "geo")
    commit(repo, {"geo.py": BEFORE}, "Add area and perimeter helpers for rectangles")
    commit(repo, {"geo.py": BEFORE.replace("result = width * height", "result = abs(width) * abs(height)")},
           "Handle negative widths in the area computation")
    commit(repo, {"geo.py": BEFORE.replace("Area of", "The area of")}, "Fix typo in the area docstring")
    commit(repo, {f"m{i}.py": f"def f{i}(x):\n    y = x + {i}\n    return y\n" for i in range(5)},
           "Add five small modules with helper functions")
    candidates = list(commit_pairs(tmp_path / "geo", repo_name="geo", max_commits=100))
    rows = [c for c in candidates if isinstance(c, TrainingRow)]
    assert len(rows) == 1
    assert rows[0].query == "Handle negative widths in the area computation"
    assert "abs(width) * abs(height)" in rows[0].positive and "perimeter" not in rows[0].positive
    assert rows[0].task == "nl2code" and rows[0].source == "commit" and rows[0].language == "python"
    assert "commit subject is noise" in candidates and "commit changes too many files" in candidates


def test_a_directory_without_history_yields_nothing(tmp_path):
    assert list(commit_pairs(tmp_path, repo_name="x", max_commits=10)) == []
