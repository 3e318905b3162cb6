"""Hostile input end to end: one generated repository with every kind of file that should not hurt, indexed for real.

The real `Indexer` with MiniLM and the embedded engine runs over it; every case
ends up either indexed or counted under its skip reason, and nothing crashes.
The 10,000 tiny files are empty (the walker skips them unread as `empty`), so the
run stays quick and only the few real source files are embedded. Hostile git
URLs (``ext::``, option injection, ``file://``) are covered, with a sentinel file
that must never appear, in tests/indexer/test_sources.py.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from codesift.store import SearchFilter
from codesift.store.edge import EdgeStore
from indexer.pipeline import Indexer
from indexer.sources import resolve_source

TINY_FILES = 10_000
DEPTH = 60
MAX_FILE_BYTES = 2_000_000  # above the 1 MB one-line file, so that one is judged by its content


def _write(path: Path, data: bytes | str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data.encode() if isinstance(data, str) else data)


def make_hostile_repo(root: Path, outside: Path) -> None:
    _write(root / "app/main.py", 'def greet(name):\n    """Say hello to someone by name."""\n    return f"hello {name}"\n')
    _write(root / "app/latin1.py", b"# caf\xe9 \xff\xfe\ndef price_in_euro(amount):\n    return amount * 0.9\n")  # invalid UTF-8
    _write(root / "app/tool.zig", 'const std = @import("std");\npub fn main() void {\n    std.debug.print("hi", .{});\n}\n')
    _write(root / "app/notes.unknownext", "plain notes in a format no parser knows\nsecond line\n")
    _write(root / "/".join(["deep"] * DEPTH) / "bottom.py", "def at_the_bottom():\n    return 'deep'\n")

    _write(root / "assets/logo.png", b"\x89PNG\r\n\x1a\n" + os.urandom(2048))  # binary by name
    _write(root / "data/blob.dat", b"header" + bytes(range(256)) * 8)  # binary by content
    _write(root / "data/nul.txt", "looks like text\n\0 but has a NUL byte\n")  # binary by content
    with open(root / "huge.py", "wb") as sparse:  # 50 MB without writing 50 MB
        sparse.truncate(50 * 1024 * 1024)
    _write(root / "web/app.min.js", "var a=1;")  # minified by name
    _write(root / "web/bundle.js", ";".join(f"var v{i}={i}" for i in range(3000)))  # minified by content
    _write(root / "one_line.txt", "x" * (1024 * 1024))  # a 1 MB single line
    for i in range(TINY_FILES):
        _write(root / f"tiny/{i // 1000}/t{i}.py", b"")

    (root / "loop").symlink_to(".")  # directory symlink back up
    (root / "ping").symlink_to("pong")  # two links pointing at each other
    (root / "pong").symlink_to("ping")
    _write(outside / "stolen.py", "SECRET = 'outside the repository'\n")
    (root / "escape.py").symlink_to(outside / "stolen.py")
    (root / "escape_dir").symlink_to(outside)

    _write(root / ".env", "API_KEY=hunter2\n")
    _write(root / "deploy/id_rsa", "-----BEGIN OPENSSH PRIVATE KEY-----\n")
    _write(root / "config/secrets.yaml", "password: hunter2\n")
    _write(root / "certs/server.pem", "-----BEGIN CERTIFICATE-----\n")


EXPECTED_SKIPS = {
    "binary": 3,  # logo.png, blob.dat, nul.txt
    "too-large": 1,  # huge.py
    "minified": 3,  # app.min.js, bundle.js, one_line.txt
    "empty": TINY_FILES,
    "symlink-loop": 3,  # loop, ping, pong
    "symlink-outside": 2,  # escape.py, escape_dir
    "secret": 4,  # .env, id_rsa, secrets.yaml, server.pem
}
INDEXED = {"app/main.py", "app/latin1.py", "app/tool.zig", "app/notes.unknownext", "/".join(["deep"] * DEPTH) + "/bottom.py"}


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    base = tmp_path_factory.mktemp("hostile")
    make_hostile_repo(base / "repo", base / "outside")
    return base


def test_every_hostile_file_is_indexed_or_counted_and_nothing_crashes(minilm, hostile):
    root = hostile / "repo"
    started = time.monotonic()
    with EdgeStore(hostile / "idx", "c") as store:
        report = Indexer(minilm, store).index(
            resolve_source(str(root), clones_dir=hostile / "clones"), name="hostile", max_file_bytes=MAX_FILE_BYTES
        )
        seconds = time.monotonic() - started
        payloads = [p for _, p in store.scroll(SearchFilter(repo="hostile"), ["path", "code", "language"])]
        recorded = store.meta()["repos"]["hostile"]["skipped"]

    assert dict(report.skipped) == EXPECTED_SKIPS
    assert recorded == EXPECTED_SKIPS  # the summary kept with the index says the same
    assert report.files_seen == report.files_indexed == len(INDEXED)
    assert {p["path"] for p in payloads} == INDEXED
    assert all("outside the repository" not in p["code"] for p in payloads)
    latin1 = next(p["code"] for p in payloads if p["path"] == "app/latin1.py")
    assert "caf\ufffd" in latin1 and "price_in_euro" in latin1
    assert report.chunks_written == report.chunks_total == len(payloads) < 20
    assert seconds < 120, f"indexing the hostile repository took {seconds:.0f} s"

    with EdgeStore(hostile / "idx", "c") as store:  # and again: nothing changed, nothing re-read, same counts
        again = Indexer(minilm, store).index(
            resolve_source(str(root), clones_dir=hostile / "clones"), name="hostile", max_file_bytes=MAX_FILE_BYTES
        )
    assert dict(again.skipped) == EXPECTED_SKIPS and again.chunks_written == 0 and again.files_unchanged == len(INDEXED)
