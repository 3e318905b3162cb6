"""Walk a local repository and decide which files are worth indexing.

Every file or pruned directory that is left out is recorded under one short,
stable reason (see ``REASONS``); the rules behind each reason are data below.

Choices worth knowing:

* ``.gitignore`` files at every level, ``.git/info/exclude`` and a root
  ``.codesiftignore`` are honoured with git's semantics (deeper files win,
  ``!`` negation works, nothing inside an excluded directory comes back).
  The user's global ``core.excludesFile`` and ignore files above ``root`` are
  not read, and files git tracks despite an ignore rule are still skipped.
* A pruned directory (ignored, vendored, virtualenv, unreadable) counts as one
  entry, listed in ``skipped_files`` with a trailing ``/``; its files are not
  visited. ``.git``, ``.hg``, ``.svn`` and ``.bzr`` are pruned silently.
* A directory named ``venv``/``env`` is vendored only when it is a virtualenv
  (contains ``pyvenv.cfg`` or ``conda-meta``), which keeps the stdlib's own
  ``venv`` package; any directory holding those markers is vendored.
* Symlinks are never followed as directories. A file symlink whose target is a
  regular file inside the root is indexed under the link's path, reading the
  resolved target (``abs_path``); the target's name must pass the name rules too.
* ``.env.example``, ``.env.sample`` and ``.env.template`` are kept: they are
  meant to be committed. ``secrets``/``credentials`` are secrets only with a
  data extension (``secrets.yaml``), not as code modules (``secrets.py``).
* Only the first 8 KiB of a file is read here. Text that is not valid UTF-8 is
  kept (decoded with replacement by ``read_source``); a NUL byte means binary,
  which also drops UTF-16 text.
* ``walk_repo(root, only=paths)`` applies the same rules to those paths alone,
  descending only into the directories that lead to them (a refresh of a few
  changed files). ``stat_walk`` reads no file at all: the size and mtime of every
  file that passes the ignore and name rules, which is what tells a refresh that
  something changed (a file skipped for its content is listed too, so that an
  empty file that gets content is noticed).
"""

from __future__ import annotations

import collections
import errno
import fnmatch
import os
import re
import stat
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from pathspec import GitIgnoreSpec

from codesift.errors import SourceError

HEAD_BYTES = 8192
GENERATED_HEAD_LINES = 5
MAX_LINE_BYTES = 5_000
MAX_AVG_LINE_BYTES = 500
MIN_AVG_SAMPLE_BYTES = 2048  # a short file with one long line is not "minified"

SILENT_DIRS = frozenset({".git", ".hg", ".svn", ".bzr"})
VENDORED_DIRS = frozenset({
    "node_modules", "bower_components", "jspm_packages", "vendor", "third_party",
    "dist", "build", "out", "target", ".venv", "site-packages", "dist-packages",
    "__pycache__", ".tox", ".nox", ".mypy_cache", ".pytest_cache", ".ruff_cache",
    ".hypothesis", ".eggs", ".next", ".nuxt", ".svelte-kit", ".parcel-cache",
    ".turbo", ".gradle", ".idea", ".vscode", ".terraform", "Pods", ".cache",
    "htmlcov", "coverage", ".coverage_html",
})
VENDORED_DIR_GLOBS = ("*.egg-info",)
VIRTUALENV_MARKERS = frozenset({"pyvenv.cfg", "conda-meta"})

# Name rules, first match wins. Globs are matched against the lower-cased name.
NAME_RULES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("secret", (
        ".env", ".env.*", "*.env", "*.pem", "*.key", "*.p12", "*.pfx", "*.jks",
        "*.keystore", "id_rsa*", "id_dsa*", "id_ecdsa*", "id_ed25519*",
        ".npmrc", ".pypirc", ".netrc", "_netrc", ".pgpass", ".git-credentials",
        ".htpasswd", ".dockercfg", "*.kdbx", "*.tfstate", "*.tfstate.*",
        "credentials", "secrets",
        *(f"{stem}.{ext}" for stem in ("credentials", "secrets", "secret")
          for ext in ("json", "yaml", "yml", "toml", "ini", "cfg", "conf", "txt",
                      "env", "xml", "properties", "csv")),
    )),
    ("lockfile", (
        "package-lock.json", "npm-shrinkwrap.json", "yarn.lock", "pnpm-lock.yaml",
        "bun.lockb", "bun.lock", "deno.lock", "poetry.lock", "pipfile.lock", "pdm.lock",
        "uv.lock", "cargo.lock", "gemfile.lock", "composer.lock", "go.sum",
        "mix.lock", "podfile.lock", "pubspec.lock", "packages.lock.json",
        "flake.lock", "gradle.lockfile", "cartfile.resolved", "package.resolved",
    )),
    ("binary", tuple(f"*.{ext}" for ext in (
        "png", "jpg", "jpeg", "gif", "bmp", "ico", "icns", "tif", "tiff", "webp",
        "psd", "heic", "avif", "xcf", "zip", "tar", "gz", "tgz", "bz2", "xz", "7z",
        "rar", "zst", "lz4", "jar", "war", "ear", "whl", "egg", "apk", "ipa", "deb",
        "rpm", "dmg", "iso", "msi", "cab", "so", "dll", "dylib", "exe", "o", "a",
        "obj", "lib", "ko", "pyc", "pyo", "pyd", "class", "dex", "wasm", "bin",
        "pdf", "doc", "docx", "xls", "xlsx", "ppt", "pptx", "odt", "ods", "odp",
        "ttf", "otf", "woff", "woff2", "eot", "mp3", "mp4", "m4a", "wav", "ogg",
        "flac", "aac", "avi", "mov", "mkv", "webm", "wmv", "swf", "sqlite",
        "sqlite3", "db", "mdb", "npy", "npz", "pkl", "pickle", "h5", "hdf5",
        "parquet", "feather", "arrow", "onnx", "pt", "pth", "ckpt", "safetensors",
        "tflite", "blend", "fbx", "glb",
    )) + (".ds_store",)),
    ("minified", ("*.min.js", "*.min.mjs", "*.min.cjs", "*.min.css", "*-min.js", "*.min.map")),
    ("generated", (
        "*_pb2.py", "*_pb2.pyi", "*_pb2_grpc.py", "*.pb.go", "*.pb.gw.go",
        "*.pb.cc", "*.pb.h", "*.generated.*", "*.g.dart", "*.freezed.dart",
    )),
)
KEPT_NAMES = frozenset({".env.example", ".env.sample", ".env.template"})
GENERATED_MARKER = re.compile(rb"DO NOT EDIT|@generated\b|(?i:\bauto-?generated\b)")

REASONS = (
    "gitignored", "codesiftignore", "vendored", "secret", "lockfile", "binary",
    "minified", "generated", "too-large", "empty", "unreadable", "special",
    "bad-filename", "symlink-outside", "symlink-loop", "symlink-dir", "broken-symlink",
)


def _glob_regex(globs: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile("|".join(fnmatch.translate(g) for g in globs))


_NAME_RULES = tuple((reason, _glob_regex(globs)) for reason, globs in NAME_RULES)
_VENDORED_DIR_RE = _glob_regex(VENDORED_DIR_GLOBS)
Specs = tuple[tuple[str, GitIgnoreSpec], ...]  # (dir prefix, spec) from the root down


@dataclass(frozen=True)
class SourceFile:
    path: str  # repo-relative, POSIX separators
    abs_path: Path
    size: int
    mtime_ns: int


@dataclass
class WalkResult:
    files: list[SourceFile]  # sorted by path
    skipped: collections.Counter[str]  # reason -> count
    skipped_files: list[tuple[str, str]]  # (path, reason), sorted; pruned directories end in "/"


def read_source(file: SourceFile) -> str:
    """Return the file's text, decoding UTF-8 with U+FFFD for bad bytes (a BOM is dropped).

    Raises ``OSError`` (``PermissionError``, ``FileNotFoundError``, ...) when the
    file cannot be read any more, e.g. it vanished since the walk; callers count it.
    """
    return file.abs_path.read_bytes().decode("utf-8-sig", errors="replace")


def walk_repo(root: Path, *, max_file_bytes: int = 1_000_000, only: Collection[str] | None = None) -> WalkResult:
    """List the files under ``root`` worth indexing and why the others were skipped.

    With ``only`` (repository-relative file paths), just those paths are considered: the others are
    neither listed nor counted as skipped.
    """
    walk = _Walk(_existing_dir(root), max_file_bytes, only=only)
    walk.run()
    return WalkResult(
        files=sorted(walk.files, key=lambda f: f.path),
        skipped=collections.Counter(reason for _, reason in walk.skipped_files),
        skipped_files=sorted(walk.skipped_files),
    )


def stat_walk(root: Path) -> dict[str, tuple[int, int]]:
    """Path → (size, mtime_ns) of every file under ``root`` that the ignore and name rules let through.

    No file is opened, so this is the cheap check of whether anything changed since the last walk.
    """
    walk = _Walk(_existing_dir(root), max_file_bytes=0, read_heads=False)
    walk.run()
    return {f.path: (f.size, f.mtime_ns) for f in walk.files}


def _existing_dir(root: Path) -> Path:
    root = Path(root)
    if not root.is_dir():
        raise SourceError(f"no such directory: {root}")
    return root.resolve()


def _leading_dirs(paths: Collection[str]) -> frozenset[str]:
    """Every directory (``a/``, ``a/b/``) on the way to one of ``paths``."""
    return frozenset(f"{parent}/" for path in paths for parent in PurePosixPath(path).parents if str(parent) != ".")


def _load_ignore(path: Path) -> GitIgnoreSpec | None:
    try:
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return None
    return GitIgnoreSpec.from_lines(lines)


def _name_reason(name: str) -> str | None:
    lowered = name.lower()
    if lowered in KEPT_NAMES:
        return None
    for reason, regex in _NAME_RULES:
        if regex.match(lowered):
            return reason
    return None


def _head_reason(head: bytes, size: int) -> str | None:
    if b"\0" in head:
        return "binary"
    if size <= len(head) and not head.strip():
        return "empty"
    lines = head.split(b"\n")
    if max(map(len, lines)) > MAX_LINE_BYTES or (
        len(head) >= MIN_AVG_SAMPLE_BYTES and len(head) / len(lines) > MAX_AVG_LINE_BYTES
    ):
        return "minified"
    if GENERATED_MARKER.search(b"\n".join(lines[:GENERATED_HEAD_LINES])):
        return "generated"
    return None


class _Walk:
    def __init__(self, root: Path, max_file_bytes: int, *, only: Collection[str] | None = None, read_heads: bool = True) -> None:
        self.root = root
        self.root_str = str(root)
        self.max_file_bytes = max_file_bytes
        self.only = None if only is None else frozenset(only)
        self.only_dirs = None if only is None else _leading_dirs(only)
        self.read_heads = read_heads
        self.files: list[SourceFile] = []
        self.skipped_files: list[tuple[str, str]] = []
        self.codesiftignore = _load_ignore(root / ".codesiftignore")

    def skip(self, rel: str, reason: str) -> None:
        self.skipped_files.append((rel, reason))

    def run(self) -> None:
        base: Specs = ()
        exclude = _load_ignore(self.root / ".git" / "info" / "exclude")
        if exclude is not None:
            base = (("", exclude),)
        stack = [("", self.root_str, base)]
        while stack:
            rel_dir, abs_dir, specs = stack.pop()
            try:
                with os.scandir(abs_dir) as it:
                    entries = list(it)
            except OSError as exc:
                if not rel_dir:
                    raise SourceError(f"cannot read directory {abs_dir}: {exc.strerror}") from None
                self.skip(rel_dir, "unreadable")
                continue
            if rel_dir and VIRTUALENV_MARKERS.intersection(e.name for e in entries):
                self.skip(rel_dir, "vendored")
                continue
            gitignore = _load_ignore(Path(abs_dir, ".gitignore")) if any(
                e.name == ".gitignore" for e in entries) else None
            if gitignore is not None:
                specs = specs + ((rel_dir, gitignore),)
            for entry in entries:
                subdir = self.visit(entry, rel_dir + entry.name, specs)
                if subdir is not None:
                    stack.append((subdir, entry.path, specs))

    def ignore_reason(self, rel: str, specs: Specs) -> str | None:
        for prefix, spec in reversed(specs):
            include = spec.check_file(rel[len(prefix):]).include
            if include is not None:
                if include:
                    return "gitignored"
                break
        if self.codesiftignore is not None and self.codesiftignore.match_file(rel):
            return "codesiftignore"
        return None

    def visit(self, entry: os.DirEntry, rel: str, specs: Specs) -> str | None:
        """Classify one directory entry; return its ``rel/`` prefix if it should be walked."""
        name = entry.name
        if name in SILENT_DIRS or not self.wanted(entry, rel):
            return None
        try:
            name.encode("utf-8")
        except UnicodeEncodeError:
            self.skip(rel, "bad-filename")
            return None
        try:
            if entry.is_symlink():
                self.visit_symlink(entry, rel, specs)
            elif entry.is_dir(follow_symlinks=False):
                reason = self.ignore_reason(rel + "/", specs)
                if reason is None and (name in VENDORED_DIRS or _VENDORED_DIR_RE.match(name)):
                    reason = "vendored"
                if reason is None:
                    return rel + "/"
                self.skip(rel + "/", reason)
            elif entry.is_file(follow_symlinks=False):
                reason = self.ignore_reason(rel, specs) or _name_reason(name)
                if reason is None:
                    self.visit_file(rel, entry.path, entry.stat(follow_symlinks=False))
                else:
                    self.skip(rel, reason)
            else:
                self.skip(rel, "special")
        except OSError:
            self.skip(rel, "unreadable")
        return None

    def wanted(self, entry: os.DirEntry, rel: str) -> bool:
        """False for an entry that neither is one of the ``only`` paths nor leads to one."""
        if self.only is None or rel in self.only:
            return True
        try:
            return entry.is_dir(follow_symlinks=False) and rel + "/" in self.only_dirs
        except OSError:
            return False

    def visit_symlink(self, entry: os.DirEntry, rel: str, specs: Specs) -> None:
        reason = self.ignore_reason(rel, specs) or _name_reason(entry.name)
        if reason is not None:
            self.skip(rel, reason)
            return
        target = os.path.realpath(entry.path)
        if os.path.commonpath((self.root_str, target)) != self.root_str:
            self.skip(rel, "symlink-outside")
            return
        try:
            st = os.stat(target)
        except OSError as exc:
            self.skip(rel, "symlink-loop" if exc.errno == errno.ELOOP else "broken-symlink")
            return
        if stat.S_ISDIR(st.st_mode):
            parent = os.path.dirname(entry.path)
            loops = os.path.commonpath((parent, target)) == target
            self.skip(rel, "symlink-loop" if loops else "symlink-dir")
        elif not stat.S_ISREG(st.st_mode):
            self.skip(rel, "special")
        else:
            reason = _name_reason(os.path.basename(target))
            if reason is None:
                self.visit_file(rel, target, st)
            else:
                self.skip(rel, reason)

    def visit_file(self, rel: str, abs_path: str, st: os.stat_result) -> None:
        if not self.read_heads:
            self.files.append(SourceFile(rel, Path(abs_path), st.st_size, st.st_mtime_ns))
            return
        if st.st_size == 0:
            self.skip(rel, "empty")
            return
        if st.st_size > self.max_file_bytes:
            self.skip(rel, "too-large")
            return
        try:
            with open(abs_path, "rb") as fh:
                head = fh.read(HEAD_BYTES)
        except OSError:
            self.skip(rel, "unreadable")
            return
        reason = _head_reason(head, st.st_size)
        if reason is None:
            self.files.append(SourceFile(rel, Path(abs_path), st.st_size, st.st_mtime_ns))
        else:
            self.skip(rel, reason)
