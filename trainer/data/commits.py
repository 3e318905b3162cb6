"""Commit message → the function it changed, from git history (CommitPackFT-style nl2code pairs).

A commit qualifies when its subject reads like an instruction (at least four
words; not a merge, revert, version bump, typo or formatting fix) and it
changes one to three functions in at most three code files. The positive is
the function as the commit left it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import git

from indexer.chunker import chunk_file
from indexer.languages import CODE_LANGUAGES, language_for_path
from trainer.data.filters import code_reason, path_reason
from trainer.data.pairs import CODE_KINDS, Candidate
from trainer.data.rows import TrainingRow

MIN_SUBJECT_WORDS = 4
MAX_FILES = 3
MAX_FUNCTIONS = 3
_HUNK = re.compile(r"^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@", re.MULTILINE)
_NOISE = re.compile(
    r"^(merge|revert|bump|release|version|v?\d+\.\d+|wip\b|initial commit)|"
    r"\b(typos?|whitespace|formatting|reformat|lint|pep ?8|changelog|readme|copyright|license header)\b",
    re.IGNORECASE,
)


def subject_reason(subject: str) -> str | None:
    if len(subject.split()) < MIN_SUBJECT_WORDS:
        return "commit subject too short"
    if _NOISE.search(subject):
        return "commit subject is noise"
    return None


def changed_lines(patch: str) -> set[int]:
    """New-side line numbers a unified diff touches (a pure deletion touches the line it follows)."""
    lines: set[int] = set()
    for match in _HUNK.finditer(patch):
        start, count = int(match.group(1)), int(match.group(2) or 1)
        lines.update(range(start, start + count) if count else (start,))
    return lines


def commit_pairs(repo_dir: Path, *, repo_name: str, max_commits: int) -> Iterator[Candidate]:
    try:
        repo = git.Repo(repo_dir)
    except (git.InvalidGitRepositoryError, git.NoSuchPathError):
        return  # not a git repository: nothing to mine from history
    if not repo.head.is_valid():
        return
    for commit in repo.iter_commits(max_count=max_commits, no_merges=True):
        if not commit.parents:
            continue
        subject = commit.summary if isinstance(commit.summary, str) else commit.summary.decode("utf-8", "replace")
        if reason := subject_reason(subject):
            yield reason
            continue
        yield from _commit_rows(commit, subject.strip(), repo_name)


def _commit_rows(commit: git.Commit, subject: str, repo_name: str) -> Iterator[Candidate]:
    diffs = [
        d
        for d in commit.parents[0].diff(commit, create_patch=True, unified=0)
        if d.b_path and not d.deleted_file and language_for_path(d.b_path) in CODE_LANGUAGES
    ]
    if not diffs:
        yield "commit changes no code"
        return
    if len(diffs) > MAX_FILES:
        yield "commit changes too many files"
        return
    functions = []
    for diff in diffs:
        if path_reason(diff.b_path):
            continue
        touched = changed_lines(diff.diff.decode("utf-8", "replace"))
        text = (commit.tree / diff.b_path).data_stream.read().decode("utf-8", "replace")
        functions += [
            chunk
            for chunk in chunk_file(repo_name, diff.b_path, text)
            if chunk.kind in CODE_KINDS and not chunk.window and any(chunk.start_line <= n <= chunk.end_line for n in touched)
        ]
    if not 1 <= len(functions) <= MAX_FUNCTIONS:
        yield "commit changes no function" if not functions else "commit changes too many functions"
        return
    for chunk in functions:
        yield code_reason(chunk.code) or TrainingRow(
            query=subject, positive=chunk.code, task="nl2code", source="commit", language=chunk.language
        )
