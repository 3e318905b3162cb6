"""Tests for indexer.sources: URL/ref validation, local paths, cloning and updating clones."""

from __future__ import annotations

import functools
from pathlib import Path

import git
import pytest

from codesift.errors import SourceError
from indexer import sources
from indexer.sources import clone_repo, is_git_url, resolve_source, validate_git_url, validate_ref

ACTOR = git.Actor("Test", "test@example.com")


def make_repo(path: Path, files: dict[str, str]) -> git.Repo:
    repo = git.Repo.init(path)
    add_commit(repo, files)
    return repo


def add_commit(repo: git.Repo, files: dict[str, str], message: str = "commit") -> str:
    for rel, text in files.items():
        target = Path(repo.working_tree_dir) / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text)
    repo.index.add(list(files))
    return repo.index.commit(message, author=ACTOR, committer=ACTOR).hexsha


HOSTILE_URLS = [
    "ext::sh -c touch% {sentinel}",
    "ext::sh -c 'touch {sentinel}'",
    "--upload-pack=touch {sentinel}",
    "-oProxyCommand=touch {sentinel}",
    "-u touch {sentinel}",
    "ssh://-oProxyCommand=touch%20{sentinel}/repo",
    "git@-oProxyCommand=touch:{sentinel}",
    "https://example.com/repo.git --upload-pack=touch {sentinel}",
    "https://example.com/repo.git\nfoo",
    "https://example.com/repo?x=--upload-pack",
    "file:///etc",
    "http://example.com/repo.git",
    "git://example.com/repo.git",
    "fd::17",
    "fd::17/foo",
    "https://",
    "https://example.com/",
]


@pytest.mark.parametrize("template", HOSTILE_URLS)
def test_hostile_urls_are_refused_and_run_nothing(tmp_path, template):
    sentinel = tmp_path / "pwned"
    url = template.format(sentinel=sentinel)
    with pytest.raises(SourceError) as excinfo:
        resolve_source(url, clones_dir=tmp_path / "clones")
    message = str(excinfo.value)
    assert "\n" not in message and message
    if not url.startswith("-"):
        with pytest.raises(SourceError):
            validate_git_url(url)
    assert not sentinel.exists()
    assert not (tmp_path / "clones").exists()


def test_clone_repo_refuses_ext_even_without_validation(tmp_path):
    sentinel = tmp_path / "pwned"
    with pytest.raises(SourceError, match="^refusing unsafe git transport"):
        clone_repo(f"ext::sh -c touch% {sentinel}", tmp_path / "dest")
    with pytest.raises(SourceError, match="does not exist$"):  # passed after "--": a path, not an option
        clone_repo(f"--upload-pack=touch {sentinel}", tmp_path / "dest")
    assert not sentinel.exists()


@pytest.mark.parametrize("ref", [
    "--output=/tmp/x", "-b", "a..b", "a b", "a\nb", "a~1", "a^", "a:b", "a?", "a*", "a[", "a\\b",
    "", "@", "a@{1}", "a.lock", "a/", "/a", "a//b", "a.",
])
def test_hostile_refs_are_refused(tmp_path, ref):
    with pytest.raises(SourceError) as excinfo:
        resolve_source("https://example.com/o/r.git", clones_dir=tmp_path / "clones", ref=ref)
    assert "\n" not in str(excinfo.value)
    assert not (tmp_path / "clones").exists()


@pytest.mark.parametrize("ref", ["main", "v1.2.3", "feature/x-y_z", "0123456789abcdef0123456789abcdef01234567"])
def test_ordinary_refs_are_accepted(ref):
    assert validate_ref(ref) == ref


@pytest.mark.parametrize("url", [
    "https://github.com/owner/repo.git",
    "https://github.com/owner/repo",
    "ssh://git@github.com/owner/repo.git",
    "ssh://git@example.com:2222/srv/repo",
    "git@github.com:owner/repo.git",
    "deploy@git.example.com:team/project",
])
def test_allowed_urls(url):
    assert is_git_url(url)
    assert validate_git_url(url) == url


@pytest.mark.parametrize("s, expected", [
    ("https://x/y", True), ("ext::sh", True), ("file:///etc", True), ("git@h:o/r", True),
    ("./repo", False), ("/abs/path", False), ("relative/dir", False), ("./git@h:o/r", False),
])
def test_is_git_url(s, expected):
    assert is_git_url(s) is expected


def test_names_and_credentials():
    assert sources._repo_name("https://github.com/o/my-repo.git") == "my-repo"
    assert sources._repo_name("git@github.com:o/r.git/") == "r"
    assert sources._strip_credentials("https://user:tok@github.com/o/r.git") == "https://github.com/o/r.git"
    assert sources._strip_credentials("https://tok@github.com/o/r.git") == "https://github.com/o/r.git"
    assert sources._strip_credentials("ssh://git:pw@host/r") == "ssh://git@host/r"
    assert sources._strip_credentials("git@host:o/r") == "git@host:o/r"


def test_local_plain_directory(tmp_path):
    (tmp_path / "proj").mkdir()
    source = resolve_source(str(tmp_path / "proj"), clones_dir=tmp_path / "clones")
    assert source == sources.RepoSource(root=(tmp_path / "proj").resolve(), name="proj", url=None, commit=None)


def test_local_git_repo_and_subdirectory(tmp_path):
    repo = make_repo(tmp_path / "proj", {"src/a.py": "x = 1\n"})
    repo.create_remote("origin", "https://user:s3cret@github.com/o/proj.git")
    head = repo.head.commit.hexsha

    source = resolve_source(str(tmp_path / "proj"), clones_dir=tmp_path / "clones")
    assert (source.name, source.url, source.commit) == ("proj", "https://github.com/o/proj.git", head)

    inner = resolve_source(str(tmp_path / "proj/src"), clones_dir=tmp_path / "clones")
    assert inner.root == (tmp_path / "proj/src").resolve()
    assert (inner.name, inner.commit, inner.subdir) == ("src", head, "src")
    assert source.subdir == ""


def test_a_directory_its_work_tree_ignores_is_not_that_repository(tmp_path):
    repo = make_repo(tmp_path / "tool", {".gitignore": "versions/\n", "bin/tool": "echo\n"})
    repo.create_remote("origin", "https://github.com/o/tool.git")
    (tmp_path / "tool/versions/3.11/lib").mkdir(parents=True)
    source = resolve_source(str(tmp_path / "tool/versions/3.11/lib"), clones_dir=tmp_path / "clones")
    assert (source.url, source.commit, source.subdir) == (None, None, "")


def test_local_repo_without_commits(tmp_path):
    git.Repo.init(tmp_path / "fresh")
    assert resolve_source(str(tmp_path / "fresh"), clones_dir=tmp_path / "c").commit is None


def test_local_path_errors(tmp_path):
    (tmp_path / "file.txt").write_text("x")
    for bad in (tmp_path / "missing", tmp_path / "file.txt"):
        with pytest.raises(SourceError, match="no such directory"):
            resolve_source(str(bad), clones_dir=tmp_path / "clones")
    with pytest.raises(SourceError, match="only be given with a repository URL"):
        resolve_source(str(tmp_path), clones_dir=tmp_path / "clones", ref="main")


def test_clone_needs_the_file_transport_to_be_allowed(tmp_path):
    make_repo(tmp_path / "src", {"a.py": "x = 1\n"})
    with pytest.raises(SourceError, match="transport 'file' not allowed"):
        clone_repo((tmp_path / "src").as_uri(), tmp_path / "dest")


def test_clone_and_update(tmp_path):
    upstream = make_repo(tmp_path / "src", {"a.py": "x = 1\n"})
    url = (tmp_path / "src").as_uri()
    dest = tmp_path / "clones" / "src"

    first = clone_repo(url, dest, allow_file=True)
    assert first == upstream.head.commit.hexsha
    assert (dest / "a.py").read_text() == "x = 1\n"

    second = add_commit(upstream, {"b.py": "y = 2\n"})
    assert clone_repo(url, dest, allow_file=True) == second
    assert (dest / "b.py").exists()


def test_clone_at_branch_and_tag(tmp_path):
    upstream = make_repo(tmp_path / "src", {"a.py": "v1\n"})
    upstream.create_tag("v1")
    default_branch = upstream.active_branch.name
    upstream.git.checkout("-b", "feature")
    feature = add_commit(upstream, {"a.py": "feature\n"})
    upstream.git.checkout(default_branch)
    url = (tmp_path / "src").as_uri()

    assert clone_repo(url, tmp_path / "f", ref="feature", allow_file=True) == feature
    assert (tmp_path / "f/a.py").read_text() == "feature\n"
    clone_repo(url, tmp_path / "t", ref="v1", allow_file=True)
    assert (tmp_path / "t/a.py").read_text() == "v1\n"
    with pytest.raises(SourceError, match=r"^could not clone .*: couldn't find remote ref nope$"):
        clone_repo(url, tmp_path / "n", ref="nope", allow_file=True)


def test_clone_of_missing_repository_is_one_line(tmp_path):
    with pytest.raises(SourceError) as excinfo:
        clone_repo((tmp_path / "nothing").as_uri(), tmp_path / "dest", allow_file=True)
    message = str(excinfo.value)
    assert message.startswith("could not clone file://") and "\n" not in message


def test_resolving_a_cloned_url_again_updates_it(tmp_path, monkeypatch):
    upstream = make_repo(tmp_path / "upstream", {"a.py": "x = 1\n"})
    url = (tmp_path / "upstream").as_uri()
    # file:// is refused for users; let this test reach the clone code with a local repository.
    monkeypatch.setattr(sources, "validate_git_url", lambda u: u)
    monkeypatch.setattr(sources, "clone_repo", functools.partial(clone_repo, allow_file=True))
    clones = tmp_path / "clones"

    first = resolve_source(url, clones_dir=clones)
    assert first.name == "upstream" and first.url == url
    assert first.root.parent == clones and first.root.name.startswith("upstream-")
    assert first.commit == upstream.head.commit.hexsha

    new = add_commit(upstream, {"b.py": "y = 2\n"})
    second = resolve_source(url, clones_dir=clones)
    assert second.root == first.root and second.commit == new
    assert (second.root / "b.py").exists()
    assert [p.name for p in clones.iterdir()] == [first.root.name]


def test_a_different_repository_in_the_clone_dir_is_replaced(tmp_path):
    make_repo(tmp_path / "one", {"one.py": "1\n"})
    make_repo(tmp_path / "two", {"two.py": "2\n"})
    dest = tmp_path / "dest"
    clone_repo((tmp_path / "one").as_uri(), dest, allow_file=True)
    clone_repo((tmp_path / "two").as_uri(), dest, allow_file=True)
    assert sorted(p.name for p in dest.iterdir()) == [".git", "two.py"]
