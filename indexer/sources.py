"""Resolve what the user passed to ``codesift index`` into a local directory to walk.

An existing directory is indexed in place (its git commit and ``origin`` remote
are recorded when it lies in a git work tree). Anything shaped like a remote
is checked against an allow-list first: ``https://``, ``ssh://`` and scp-like
``user@host:path``. Plain ``http://``, ``file://``, ``git://``, remote helpers
(``ext::``, ``fd::``...) and anything option-like (a leading ``-``, a part
starting with ``-``, whitespace or control characters) are refused with a
one-line ``SourceError``. Accepted URLs are cloned shallowly into
``clones_dir/<name>-<hash of url>``; resolving the same URL again fetches and
checks out the latest commit there instead of cloning anew. Git always runs
with ``GIT_ALLOW_PROTOCOL=https:ssh`` and ``GIT_TERMINAL_PROMPT=0``, so git
itself refuses other transports and never waits for a password; an ssh host
key or passphrase prompt from ssh itself can still appear.
"""

from __future__ import annotations

import configparser
import hashlib
import re
import shutil
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import git

from codesift.errors import SourceError

ALLOWED_SCHEMES = ("https", "ssh")
_SCHEME_RE = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*)://")
_TRANSPORT_RE = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*)::")
_SCP_SHAPE_RE = re.compile(r"^[^/:@]+@[^/:@]+:")
_SCP_RE = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9._~+-]*@[A-Za-z0-9][A-Za-z0-9.-]*:[^:].*$")
_UNSAFE_CHARS_RE = re.compile(r"[\s\x00-\x1f\x7f]")
_OPTION_LIKE_RE = re.compile(r"(?:^|[/:@?&=])-")
_BAD_REF_RE = re.compile(r"[\x00-\x20\x7f~^:?*\[\\]|\.\.|@\{|//")


@dataclass(frozen=True)
class RepoSource:
    root: Path  # local directory to walk
    name: str  # default repo name (dir name or URL's last component without .git)
    url: str | None  # remote URL (credentials stripped) if cloned or the local repo has 'origin'
    commit: str | None  # HEAD commit sha if it's a git repo, else None
    subdir: str = ""  # where root lies inside the git work tree ("" at its top), for links to the remote


def is_git_url(s: str) -> bool:
    """True when ``s`` is shaped like a remote (``scheme://``, ``transport::``, ``user@host:path``)."""
    return bool(_SCHEME_RE.match(s) or _TRANSPORT_RE.match(s) or _SCP_SHAPE_RE.match(s))


def validate_git_url(url: str) -> str:
    """Return ``url`` if it is an allowed https/ssh/scp-like remote; raise ``SourceError`` otherwise."""
    shown = _printable(_strip_credentials(url))
    if m := _TRANSPORT_RE.match(url):
        raise SourceError(f"refusing git transport '{m.group(1)}::' in {shown}: use an https:// or ssh:// URL")
    if _UNSAFE_CHARS_RE.search(url):
        raise SourceError(f"refusing repository URL with whitespace or control characters: {shown}")
    if _OPTION_LIKE_RE.search(url):
        raise SourceError(f"refusing option-like repository URL (a part starts with '-'): {shown}")
    if m := _SCHEME_RE.match(url):
        scheme = m.group(1).lower()
        if scheme == "http":
            raise SourceError(f"refusing unencrypted URL {shown}: use https:// instead")
        if scheme == "file":
            raise SourceError(f"refusing file:// URL {shown}: pass the local directory path instead")
        if scheme not in ALLOWED_SCHEMES:
            raise SourceError(f"unsupported URL scheme '{scheme}://' in {shown}: use https:// or ssh://")
        try:
            parts = urlsplit(url)
        except ValueError:
            parts = None
        if parts is None or not parts.hostname or parts.path.strip("/") == "":
            raise SourceError(f"not a usable repository URL: {shown}")
        return url
    if _SCP_RE.match(url):
        return url
    raise SourceError(f"not a repository URL: {shown} (use https://, ssh:// or user@host:path)")


def validate_ref(ref: str) -> str:
    """Return ``ref`` if it is a plausible branch, tag or commit name; raise ``SourceError`` otherwise."""
    if (
        not ref
        or ref == "@"
        or ref.startswith(("-", "/"))
        or ref.endswith(("/", ".", ".lock"))
        or _BAD_REF_RE.search(ref)
    ):
        raise SourceError(f"refusing git ref {ref!r}: not a valid branch, tag or commit name")
    return ref


def resolve_source(path_or_url: str, *, clones_dir: Path, ref: str | None = None) -> RepoSource:
    """Return the directory to index for a local path or a remote URL, cloning/updating remotes."""
    if ref is not None:
        validate_ref(ref)
    if path_or_url.startswith("-"):
        shown = _printable(path_or_url)
        raise SourceError(f"refusing source that starts with '-': {shown} (write ./{shown} for such a directory)")
    if is_git_url(path_or_url):
        url = validate_git_url(path_or_url)
        public_url = _strip_credentials(url)
        name = _repo_name(url)
        digest = hashlib.sha256(public_url.encode("utf-8")).hexdigest()[:10]
        dest = Path(clones_dir) / f"{name}-{digest}"
        commit = clone_repo(url, dest, ref)
        return RepoSource(root=dest, name=name, url=public_url, commit=commit)
    if ref is not None:
        raise SourceError(
            f"a ref can only be given with a repository URL; check out {ref!r} in {_printable(path_or_url)} instead"
        )
    path = Path(path_or_url).expanduser()
    if not path.is_dir():
        raise SourceError(f"no such directory: {_printable(path_or_url)}")
    root = path.resolve()
    url, commit, subdir = _local_git_info(root)
    return RepoSource(root=root, name=root.name or "repo", url=url, commit=commit, subdir=subdir)


def clone_repo(url: str, dest: Path, ref: str | None = None, *, allow_file: bool = False) -> str:
    """Clone ``url`` into ``dest``, or update the clone of the same URL already there; return HEAD's sha.

    Checks out ``ref`` (branch, tag, or a commit the server lets clients fetch)
    or the remote's default branch, fetching only that commit (depth 1). A
    ``dest`` holding anything else is replaced. ``url`` must already have
    passed ``validate_git_url``; ``allow_file`` lets git use its file transport
    as well, which only tests cloning local repositories need.
    """
    if ref is not None:
        validate_ref(ref)
    env = {
        "GIT_TERMINAL_PROMPT": "0",
        "GIT_ALLOW_PROTOCOL": ":".join(ALLOWED_SCHEMES + (("file",) if allow_file else ())),
        "GIT_LFS_SKIP_SMUDGE": "1",
    }
    shown = _printable(_strip_credentials(url))
    dest = Path(dest)
    repo = _existing_clone(dest, url)
    action = "clone" if repo is None else "update"
    try:
        if repo is None:
            if dest.exists():
                shutil.rmtree(dest)
            dest.parent.mkdir(parents=True, exist_ok=True)
            repo = git.Repo.clone_from(
                url, dest, env=env, depth=1, no_checkout=ref is not None,
                allow_unsafe_protocols=False, allow_unsafe_options=False,
            )
        else:
            repo.git.update_environment(**env)
        if ref is not None or action == "update":
            repo.git.fetch("--depth=1", "origin", ref or "HEAD")
            repo.git.checkout("--force", "--detach", "FETCH_HEAD")
        sha = repo.head.commit.hexsha
        repo.close()
        return sha
    except git.GitCommandError as exc:
        raise SourceError(f"could not {action} {shown}: {_git_error_line(exc)}") from None
    except (git.UnsafeProtocolError, git.UnsafeOptionError):
        raise SourceError(f"refusing unsafe git transport or option in {shown}") from None
    except (git.GitError, OSError) as exc:
        detail = next(iter(str(exc).strip().splitlines()), type(exc).__name__)
        raise SourceError(f"could not {action} {shown}: {detail}") from None


def _existing_clone(dest: Path, url: str) -> git.Repo | None:
    if not (dest / ".git").is_dir():
        return None
    try:
        repo = git.Repo(dest)
        origin = next((r.url for r in repo.remotes if r.name == "origin"), None)
    except (git.GitError, ValueError, OSError, configparser.Error):
        return None
    if origin != url:
        repo.close()
        return None
    return repo


def _local_git_info(root: Path) -> tuple[str | None, str | None, str]:
    """(origin URL without credentials, HEAD sha, root's path inside the work tree) of the work tree holding ``root``.

    Nones when ``root`` is in no work tree, or in one that ignores it (e.g. an interpreter installed
    under a tool's checkout): its files are not that repository's.
    """
    try:
        repo = git.Repo(root, search_parent_directories=True)
    except (git.GitError, OSError):
        return None, None, ""
    with repo:
        try:
            top = Path(repo.working_tree_dir).resolve()
            subdir = root.relative_to(top).as_posix() if root != top else ""
            if subdir and repo.ignored(subdir):
                return None, None, ""
        except (git.GitError, ValueError, TypeError):
            return None, None, ""
        try:
            commit = repo.head.commit.hexsha
        except (ValueError, git.GitError):  # no commit yet
            commit = None
        try:
            url = next((r.url for r in repo.remotes if r.name == "origin"), None)
        except (git.GitError, ValueError, configparser.Error):
            url = None
    return (_strip_credentials(url) if url else None), commit, subdir


def _printable(text: str) -> str:
    """``text`` itself, or its repr when it holds newlines or control characters."""
    return text if text.isprintable() else repr(text)


def _strip_credentials(url: str) -> str:
    """Drop ``user:password@`` from http(s) URLs and the password from ssh URLs."""
    if not _SCHEME_RE.match(url):
        return url
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    if "@" not in parts.netloc:
        return url
    userinfo, host = parts.netloc.rsplit("@", 1)
    keep = userinfo.split(":", 1)[0] + "@" if parts.scheme.lower() == "ssh" else ""
    return urlunsplit(parts._replace(netloc=keep + host))


def _repo_name(url: str) -> str:
    path = urlsplit(url).path if _SCHEME_RE.match(url) else url.split(":", 1)[1]
    last = path.rstrip("/").rsplit("/", 1)[-1]
    last = last[:-4] if last.endswith(".git") else last
    return re.sub(r"[^A-Za-z0-9._-]+", "-", last).strip(".-") or "repo"


def _git_error_line(exc: git.GitCommandError) -> str:
    """The meaningful line of git's stderr ("fatal: ..."), credentials removed."""
    text = str(exc.stderr or "").strip()
    if text.startswith("stderr: '"):
        text = text[len("stderr: '"):].rstrip("'")
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    line = next((ln for ln in reversed(lines) if ln.startswith(("fatal:", "error:"))), None)
    if line is not None:
        line = line.split(":", 1)[1].strip()
    else:
        line = lines[-1] if lines else f"git exited with status {exc.status}"
    return re.sub(r"(\w+://)[^/@\s]+@", r"\1", line)
