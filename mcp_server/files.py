"""Line ranges of repository files, read only from inside the repository.

`relative_path` refuses what could name a file elsewhere (absolute paths, `..`) before anything is looked
up; `read_lines` refuses a path that resolves, through symlinks, outside the repository root. Which files
may be read at all (only indexed ones) is the served index's decision.
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath, PureWindowsPath

from codesift.errors import CodesiftError


def relative_path(path: str) -> str:
    """`path` normalised (`./a//b` → `a/b`), or refused when it is empty, absolute or climbs with `..`."""
    if not path.strip() or "\x00" in path:
        raise CodesiftError("path must name a file relative to the repository root")
    posix = PurePosixPath(path)
    if posix.is_absolute() or PureWindowsPath(path).is_absolute() or PureWindowsPath(path).drive:
        raise CodesiftError(f"path {path!r} is absolute: give it relative to the repository root, as search hits do")
    if ".." in posix.parts or ".." in PureWindowsPath(path).parts:
        raise CodesiftError(f"path {path!r} climbs out with '..': give it relative to the repository root, as search hits do")
    return posix.as_posix()


def read_lines(root: Path, path: str, start_line: int, end_line: int) -> tuple[list[str], int]:
    """Lines start_line..end_line (1-based, inclusive; end clamped to the file's end) and the file's line count."""
    if end_line < start_line:
        raise CodesiftError(f"end_line {end_line} is before start_line {start_line}")
    base = root.resolve()
    try:
        target = (base / path).resolve(strict=True)
    except (FileNotFoundError, NotADirectoryError):
        raise CodesiftError(f"{path} is no longer on disk under {base}: index the repository again") from None
    if not target.is_relative_to(base):
        raise CodesiftError(f"{path} resolves outside its repository (a symlink leaving {base}): refused")
    if not target.is_file():
        raise CodesiftError(f"{path} is not a regular file")
    # Numbered as the indexer numbers them: UTF-8 (BOM dropped), lines split at "\n" only.
    lines = [line.removesuffix("\r") for line in target.read_bytes().decode("utf-8-sig", errors="replace").split("\n")]
    if lines[-1] == "":
        lines.pop()
    if start_line > len(lines):
        raise CodesiftError(f"{path} has {len(lines)} lines: start_line {start_line} is past its end")
    return lines[start_line - 1 : end_line], len(lines)
