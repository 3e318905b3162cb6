"""What keeping an index fresh costs a search: the stat walk, and the refresh before a search, on large trees.

Two trees, both in a temporary directory (one file of each is edited): a copy of the standard library and a
synthetic tree of 20,000 small Python files in 400 directories. For each:

- stat walk: `indexer.walker.stat_walk` (size and mtime of every candidate file, none opened), median of
  --rounds; per file, the figure `indexer.refresh.STAT_SECONDS_PER_FILE` seeds its estimate with;
- the indexer's walk (`walk_repo`: ignore rules, each file's head read for the binary and secret checks),
  the larger part of the first check a new process makes (`FIRST_CHECK_SECONDS_PER_FILE`);
- the refresh a search runs first (`Freshness.refresh`) when nothing changed, and when one file was edited
  (walk, compare, re-embed that file, write);
- the baseline, measured in the same run on the same index: one hybrid `Searcher.search` (query embedding
  included), so that the refresh reads as a fraction of a search.

The index holds a sample of each tree (--sample files, embedded with the bundled MiniLM) and the refresh
tracker a snapshot of the whole tree: a refresh walks and compares every file exactly as on a fully indexed
tree; only the one edited file is re-embedded either way.

Usage: python bench/freshness.py [--rounds 5] [--sample 200] [--json FILE]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import sysconfig
import tempfile
import time
from pathlib import Path

from codesift.embedding import load_embedder
from codesift.store.edge import EdgeStore
from indexer.pipeline import Indexer
from indexer.refresh import Freshness
from indexer.sources import resolve_source
from indexer.walker import stat_walk, walk_repo
from retriever.search import Searcher

QUERY = "parse a date string into a datetime object"
SYNTHETIC_FILES = 20_000
SYNTHETIC_DIRS = 400


def synthetic_tree(root: Path) -> Path:
    """20,000 small Python modules, 50 to a directory, each a few functions of a kilobyte or so."""
    for n in range(SYNTHETIC_FILES):
        directory = root / f"pkg_{n % SYNTHETIC_DIRS:03d}"
        directory.mkdir(parents=True, exist_ok=True)
        (directory / f"module_{n:05d}.py").write_text(
            "".join(
                f'def handler_{n}_{k}(event, context):\n    """Handle event {k} of module {n}."""\n'
                f"    total = sum(item['amount'] for item in event['items'])\n    return {{'total': total, 'k': {k}}}\n\n\n"
                for k in range(4)
            )
        )
    return root


def median_seconds(action, rounds: int) -> float:
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def measure(name: str, root: Path, embedder, work: Path, rounds: int, sample: int) -> dict:
    stats = stat_walk(root)
    walk = median_seconds(lambda: stat_walk(root), rounds)
    full_walk = median_seconds(lambda: walk_repo(root), rounds)
    with EdgeStore(work / f"index-{name}", "bench") as store:
        indexer = Indexer(embedder, store)
        source = resolve_source(str(root), clones_dir=work / "clones")
        sampled = sorted(p for p in stats if p.endswith(".py"))[:sample]
        indexer.index(source, name=name, paths=sampled)
        fresh = Freshness(store, work / "clones", lambda progress: Indexer(embedder, store, progress=progress), budget=600.0,
                          background=False)
        tracker = fresh.tracker(name, store.repo(name))
        tracker.snapshot, tracker.walk_seconds = stats, walk
        searcher = Searcher(embedder, store)
        searcher.search(QUERY, k=10)  # warm: the first forward pass pays one-off costs
        search = median_seconds(lambda: searcher.search(QUERY, k=10), rounds)
        unchanged = median_seconds(lambda: fresh.refresh([name]), rounds)
        edited = root / sampled[0]
        original = edited.read_text()
        edits = []
        try:
            for round_ in range(rounds):
                edited.write_text(original + f"\n\ndef added_in_round_{round_}():\n    return {round_}\n")
                started = time.perf_counter()
                [note] = fresh.refresh([name])
                edits.append(time.perf_counter() - started)
                assert note.files_indexed == 1, note.line()
        finally:
            edited.write_text(original)
        one_edit = statistics.median(edits)
    return {
        "tree": name,
        "files": len(stats),
        "stat_walk_s": walk,
        "stat_walk_us_per_file": walk / len(stats) * 1e6,
        "full_walk_us_per_file": full_walk / len(stats) * 1e6,
        "refresh_unchanged_s": unchanged,
        "refresh_one_edit_s": one_edit,
        "search_s": search,
        "unchanged_per_search": unchanged / search,
        "one_edit_per_search": one_edit / search,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--sample", type=int, default=200, help="files of each tree in the index")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    embedder = load_embedder("minilm", precision="auto")  # as the apps load it
    rows = []
    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch)
        stdlib = shutil.copytree(sysconfig.get_paths()["stdlib"], work / "stdlib", symlinks=True,
                                 ignore=shutil.ignore_patterns("__pycache__", "site-packages", "dist-packages"))
        rows.append(measure("stdlib", stdlib, embedder, work, args.rounds, args.sample))
        rows.append(measure("synthetic-20k", synthetic_tree(work / "synthetic"), embedder, work, args.rounds, args.sample))
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, precision {embedder.precision}")
    print("| tree | files | stat walk | per file | indexer's walk, per file | refresh, nothing changed | refresh, one file edited "
          "| search (baseline) |")
    print("|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['tree']} | {r['files']:,} | {r['stat_walk_s'] * 1000:.0f} ms | {r['stat_walk_us_per_file']:.1f} µs | {r['full_walk_us_per_file']:.0f} µs "
              f"| {r['refresh_unchanged_s'] * 1000:.0f} ms ({r['unchanged_per_search']:.2f}× a search) "
              f"| {r['refresh_one_edit_s'] * 1000:.0f} ms ({r['one_edit_per_search']:.2f}×) | {r['search_s'] * 1000:.0f} ms |")
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2))


if __name__ == "__main__":
    main()
