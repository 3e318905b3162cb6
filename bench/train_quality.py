"""Does training help? nDCG@10 of the bundled MiniLM before and after `codesift train`, curriculum and flat.

Training data (never an evaluation set; the leakage guard checks every row against them):
  * pairs mined from the Python standard library and the installed site-packages, and from the JDK's
    src.zip when one is installed (`codesift data mine`);
  * ../shared/data/train/mbpp-train.jsonl (NL → Python) and java2cs-train.jsonl (Java → C#);
  * synthesized pairs (`codesift data synth`) when --synth FILE is given.
Every set gets hard negatives and difficulty labels from the base model (`codesift data negatives`).
Evaluation: cosqa-dev, humaneval, mbpp-test, concode-dev and java2cs-valid (`codesift eval`).

Steps, each skipped when its output already exists (an interrupted run resumes where it stopped):
  1. mine       → WORK/mined-python.jsonl, WORK/mined-java.jsonl
  2. sample     → WORK/sample-*.jsonl (fixed seed, sized to the training budget)
  3. negatives  → WORK/data/{mined,mbpp-train,java2cs-train}.jsonl
  4. train      → WORK/CONFIG/final for each config (trainer/configs/curriculum.yaml, flat.yaml)
  5. eval       → WORK/eval-CONFIG.json (+ .png), then WORK/train_quality.json
Commands run as `python -m cli` from this checkout.

Usage: python bench/train_quality.py [--data ../shared/data] [--work bench/results/train-quality]
                                     [--configs curriculum flat] [--synth FILE]
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import sysconfig
import time
import zipfile
from pathlib import Path

from trainer.data.leakage import LeakageGuard
from trainer.data.rows import TrainingRow, domain, read_rows, write_rows

EVAL_SETS = ["cosqa-dev", "humaneval", "mbpp-test", "concode-dev", "java2cs-valid"]
ROOT = Path(__file__).resolve().parent.parent
JDK_SOURCES = [Path("/usr/lib/jvm/openjdk-17/src.zip"), *sorted(Path("/usr/lib/jvm").glob("*/lib/src.zip"))]
JDK_MODULES = ("java.base/", "java.sql/", "java.logging/", "java.net.http/", "java.xml/", "java.desktop/")
# Rows drawn for training (the budget is steps, not rows: this is enough for every stage to sample from).
SAMPLE = {"text": 800, "python": 3000, "java": 1500, "java2cs": 1000}


def codesift(*args: str) -> float:
    """Run one codesift command from this checkout, streaming its output; returns its wall time in seconds."""
    print("$ codesift " + " ".join(args), flush=True)
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "cli", *args], check=True, cwd=ROOT)
    return time.perf_counter() - started


def draw(rows: list[TrainingRow], n: int, guard: LeakageGuard) -> list[TrainingRow]:
    clean = [row for row in rows if not guard.leaks(row)]
    random.Random(0).shuffle(clean)
    return clean[:n]


def jdk_sources(work: Path) -> Path | None:
    """The JDK's own sources, unpacked once (the modules most code uses), or None without a JDK."""
    archive = next((p for p in JDK_SOURCES if p.is_file()), None)
    if archive is None:
        return None
    target = work / "jdk-src"
    if not target.is_dir():
        with zipfile.ZipFile(archive) as zipped:
            zipped.extractall(target, [n for n in zipped.namelist() if n.startswith(JDK_MODULES) and n.endswith(".java")])
    return target


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--work", type=Path, default=ROOT / "bench" / "results" / "train-quality")
    parser.add_argument("--configs", nargs="+", default=["curriculum", "flat"])
    parser.add_argument("--synth", type=Path, help="synthesized pairs to add to the mined ones")
    args = parser.parse_args()
    work, data = args.work.resolve(), args.data.resolve()
    eval_dirs = [data / name for name in EVAL_SETS]
    excludes = [arg for d in eval_dirs for arg in ("--exclude", str(d))]
    (work / "data").mkdir(parents=True, exist_ok=True)
    timings: dict[str, float] = {}

    mined_python, mined_java = work / "mined-python.jsonl", work / "mined-java.jsonl"
    if not mined_python.exists():
        paths = sysconfig.get_paths()
        timings["mine:python"] = codesift(
            "data", "mine", paths["stdlib"], paths["purelib"], "-o", str(mined_python), "--no-commits",
            "--skip", "site-packages/", *excludes,  # the interpreter's own site-packages are machine-specific
        )
    jdk = jdk_sources(work)
    if jdk and not mined_java.exists():
        timings["mine:java"] = codesift("data", "mine", str(jdk), "-o", str(mined_java), "--no-commits", *excludes)

    guard = LeakageGuard.from_dirs(eval_dirs)
    prepared = {"mined": work / "sample-mined.jsonl", "mbpp": work / "sample-mbpp.jsonl", "java2cs": work / "sample-java2cs.jsonl"}
    if not prepared["mined"].exists():
        python = read_rows(mined_python) + (read_rows(args.synth) if args.synth else [])
        java = read_rows(mined_java) if mined_java.exists() else []
        text = [r for r in python + java if domain(r) == "text"]
        code_python = [r for r in python if domain(r) == "code"]
        code_java = [r for r in java if domain(r) == "code" and r.task == "nl2code"]
        rows = draw(text, SAMPLE["text"], guard) + draw(code_python, SAMPLE["python"], guard) + draw(code_java, SAMPLE["java"], guard)
        write_rows(prepared["mined"], rows)
    if not prepared["mbpp"].exists():
        write_rows(prepared["mbpp"], draw(read_rows(data / "train" / "mbpp-train.jsonl"), 10**9, guard))
    if not prepared["java2cs"].exists():
        write_rows(prepared["java2cs"], draw(read_rows(data / "train" / "java2cs-train.jsonl"), SAMPLE["java2cs"], guard))

    # A set the leakage guard emptied is left out (mbpp-train: every solution is also an mbpp-test document).
    prepared = {name: path for name, path in prepared.items() if path.stat().st_size}
    training_data = {name: work / "data" / f"{name}.jsonl" for name in prepared}
    for name, source in prepared.items():
        if not training_data[name].exists():
            timings[f"negatives:{name}"] = codesift("data", "negatives", str(source), "-o", str(training_data[name]))

    data_args = [arg for name, path in training_data.items() for arg in ("--data", f"{name}={path}")]
    eval_args = [arg for d in eval_dirs for arg in ("--data", str(d))]
    results = {}
    for config in args.configs:
        final = work / config / "final"
        if not final.exists():
            timings[f"train:{config}"] = codesift(
                "train", "--config", f"trainer/configs/{config}.yaml", "--output", str(work / config), *data_args
            )
        report = work / f"eval-{config}.json"
        if not report.exists():
            timings[f"eval:{config}"] = codesift(
                "eval", "--model", str(final), "--base", "minilm", *eval_args,
                "--json", str(report), "--plot", str(work / f"eval-{config}.png"),
            )
        results[config] = json.loads(report.read_text()) | {
            "training": json.loads((final / "codesift-training.json").read_text())["stages"]
        }
    (work / "train_quality.json").write_text(json.dumps({"timings": timings, "results": results}, indent=2))
    print(json.dumps(timings, indent=2))


if __name__ == "__main__":
    main()
