"""How well each language is chunked: files, chunks, share of chunks with a symbol, chunking time.

For every checkout given, the files codesift would index (`walk_repo`: the same ignore, vendored and
size rules) are chunked with `chunk_file`, timed per file (reading excluded), and counted per language:
  * chunks (windows of a long definition counted one by one, as the index stores them);
  * with symbol: the share of chunks that carry a symbol (functions, methods, classes, doc sections);
  * in definitions: the share of a file's non-blank lines inside a function, method or class chunk;
  * ms/file and total seconds of chunking (the first file of a language includes loading its grammar).
A language chunked by line windows (no grammar) shows 0 % in both shares.

With --repos DIR every subdirectory is a checkout; one named in the repobench repos.json is read
from its `benchmark_root` (as bench/repo_search.py indexes it). Plain paths are read whole.

Usage: python bench/chunk_languages.py (--repos DIR [--names zls ecto …] | PATH …) [--json FILE]
"""

from __future__ import annotations

import argparse
import collections
import json
import platform
import sys
import time
from pathlib import Path

from codesift.chunks import DEFINITION_KINDS
from indexer.chunker import chunk_file
from indexer.walker import read_source, walk_repo

ROOT = Path(__file__).resolve().parents[1]
REPOS_JSON = ROOT.parent / "shared" / "data" / "repobench" / "repos.json"


def checkouts(args) -> list[tuple[str, Path]]:
    """(name, directory to walk) for each checkout asked for."""
    if not args.repos:
        return [(Path(p).resolve().name, Path(p)) for p in args.paths]
    roots = {}
    if REPOS_JSON.exists():
        roots = {r["name"]: r.get("benchmark_root") or "" for r in json.loads(REPOS_JSON.read_text())}
    names = args.names or sorted(p.name for p in Path(args.repos).iterdir() if p.is_dir())
    return [(name, Path(args.repos) / name / roots.get(name, "")) for name in names]


def measure(name: str, root: Path, totals: dict[str, collections.Counter]) -> None:
    if not root.is_dir():
        print(f"{name}: {root} is missing, left out", file=sys.stderr)
        return
    for file in walk_repo(root).files:
        try:
            text = read_source(file)
        except OSError:
            continue
        started = time.perf_counter()
        chunks = chunk_file(name, file.path, text)
        seconds = time.perf_counter() - started
        if not chunks:
            continue
        lines = text.split("\n")
        defined = {n for c in chunks if c.kind in DEFINITION_KINDS for n in range(c.start_line, c.end_line + 1)}
        count = totals[chunks[0].language]
        count["files"] += 1
        count["chunks"] += len(chunks)
        count["with_symbol"] += sum(bool(c.symbol) for c in chunks)
        count["lines"] += sum(bool(line.strip()) for line in lines)
        count["defined_lines"] += sum(bool(lines[n - 1].strip()) for n in defined if n <= len(lines))
        count["seconds"] += seconds


def report(totals: dict[str, collections.Counter]) -> list[dict]:
    rows = []
    for language, c in sorted(totals.items(), key=lambda kv: -kv[1]["chunks"]):
        rows.append(
            dict(
                language=language,
                files=c["files"],
                chunks=c["chunks"],
                with_symbol=round(c["with_symbol"] / max(c["chunks"], 1), 3),
                in_definitions=round(c["defined_lines"] / max(c["lines"], 1), 3),
                ms_per_file=round(1000 * c["seconds"] / max(c["files"], 1), 2),
                seconds=round(c["seconds"], 2),
            )
        )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("paths", nargs="*", help="checkouts to read whole")
    parser.add_argument("--repos", help="a directory of checkouts, one per subdirectory")
    parser.add_argument("--names", nargs="+", help="with --repos: only these checkouts")
    parser.add_argument("--json", help="also write the rows here")
    args = parser.parse_args()
    if not args.repos and not args.paths:
        parser.error("give --repos DIR or one or more checkout paths")

    totals: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
    for name, root in checkouts(args):
        measure(name, root, totals)
    rows = report(totals)
    print(f"# {platform.machine()}, Python {platform.python_version()}, {len(rows)} languages")
    print(f"{'language':<12} {'files':>6} {'chunks':>7} {'symbol':>7} {'in defs':>8} {'ms/file':>8} {'s':>7}")
    for r in rows:
        print(
            f"{r['language']:<12} {r['files']:>6} {r['chunks']:>7} {r['with_symbol']:>7.1%} "
            f"{r['in_definitions']:>8.1%} {r['ms_per_file']:>8.2f} {r['seconds']:>7.2f}"
        )
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=1) + "\n")


if __name__ == "__main__":
    main()
