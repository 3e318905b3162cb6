"""Mining speed on the Python standard library: pairs per second, against walking and chunking alone.

Baseline (same run, same files): `walk_repo` + `read_source` + `chunk_file`, the
work the indexer does before embedding. The mining run adds pair extraction,
filters, MinHash deduplication and the leakage guard.

Usage: python bench/mine_speed.py [--data ../shared/data] [--json FILE]
"""

from __future__ import annotations

import argparse
import json
import sysconfig
import tempfile
import time
from collections import Counter
from pathlib import Path

from indexer.chunker import chunk_file
from indexer.walker import read_source, walk_repo
from trainer.data.leakage import LeakageGuard
from trainer.data.mining import mine

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    stdlib = Path(sysconfig.get_paths()["stdlib"])
    guard = LeakageGuard.from_dirs([args.data])

    started = time.perf_counter()
    chunks = 0
    for file in walk_repo(stdlib).files:
        if not file.path.startswith("site-packages/"):
            chunks += len(chunk_file("stdlib", file.path, read_source(file)))
    baseline = time.perf_counter() - started

    with tempfile.TemporaryDirectory() as clones:
        report = mine([str(stdlib)], clones_dir=Path(clones), commits=False, guard=guard, skip=["site-packages/"])
    result = {
        "files": report.files,
        "chunks": chunks,
        "pairs": len(report.rows),
        "pairs_per_task": dict(Counter(r.task for r in report.rows)),
        "leakage_dropped": report.dropped["evaluation-set leakage"],
        "walk_chunk_seconds": round(baseline, 1),
        "mine_seconds": round(report.seconds, 1),
        "pairs_per_second": round(len(report.rows) / report.seconds),
        "mine_over_walk_chunk": round(report.seconds / baseline, 2),
    }
    print(json.dumps(result, indent=2))
    if args.json:
        args.json.write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
