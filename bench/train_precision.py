"""Training steps/s per precision: fp32 against bf16 mixed precision, same rows, same seed, one run.

Mines nl2code pairs from a few standard-library packages (`codesift data mine`, the leakage guard over
--data), then trains the bundled MiniLM for --steps steps of one flat stage per precision through
`codesift train --precision` (CachedMultipleNegativesRankingLoss inside Matryoshka, as curriculum.yaml),
each from the same weights, seed and row order. Prints steps/s, the ratio to fp32, and how far the bf16
loss curve is from the fp32 one (mean |Δ loss| per step) beside the fp32 curve's own step-to-step change.

Usage: python bench/train_precision.py [--steps 50] [--batch 32] [--precisions fp32 bf16] [--json FILE]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sysconfig
import tempfile
from pathlib import Path

from train_runs import flat_config
from train_runs import run as codesift

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("email", "json", "http", "logging", "urllib", "asyncio")


def run(rows: Path, precision: str, steps: int, batch: int, work: Path) -> dict:
    output = work / precision
    config = flat_config(rows, output, steps=steps, batch=batch, max_seq_length=128, logging_steps=1,
                         name="flat", filter={"tasks": ["nl2code"]})  # fmt: skip
    codesift("train", "--config", str(config), "--precision", precision)
    record = json.loads((output / "final" / "codesift-training.json").read_text())
    losses = [json.loads(line)["loss"] for line in (output / "train_log.jsonl").read_text().splitlines() if '"loss"' in line]
    seconds = record["stages"][0]["seconds"]
    return {"precision": record["precision"], "steps": record["stages"][0]["steps"], "seconds": seconds,
            "steps_per_s": round(record["stages"][0]["steps"] / seconds, 4), "losses": losses}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=50)
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--precisions", nargs="+", default=["fp32", "bf16"])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data", help="evaluation sets the guard holds out")
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()

    stdlib = Path(sysconfig.get_paths()["stdlib"])
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        rows = work / "mined.jsonl"
        codesift("data", "mine", *(str(stdlib / p) for p in PACKAGES), "-o", str(rows), "--no-commits",
                 "--task", "nl2code", "--exclude", str(args.data), "--home", str(work / "home"))  # fmt: skip
        count = sum(1 for _ in rows.open())
        runs = {p: run(rows, p, args.steps, args.batch, work) for p in args.precisions}

    base = runs[args.precisions[0]]
    noise = statistics.mean(abs(a - b) for a, b in zip(base["losses"], base["losses"][1:]))
    print(f"{count:,} mined nl2code rows; {args.steps} steps of batch {args.batch}, MiniLM, max_seq_length 128\n")
    print("| precision | steps/s | × " + args.precisions[0] + " | mean loss, first 10 / last 10 steps | mean |Δ loss| to " + args.precisions[0] + " |")
    print("|---|---|---|---|---|")
    for name, result in runs.items():
        losses = result["losses"]
        gap = statistics.mean(abs(a - b) for a, b in zip(losses, base["losses"]))
        print(f"| {name} ({result['precision']}) | {result['steps_per_s']:.3f} | {result['steps_per_s'] / base['steps_per_s']:.2f}× | "
              f"{statistics.mean(losses[:10]):.3f} / {statistics.mean(losses[-10:]):.3f} | {gap:.3f} |")
    print(f"\nthe {args.precisions[0]} curve's own mean step-to-step change: {noise:.3f}")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps({"rows": count, "steps": args.steps, "batch": args.batch, "runs": runs, "noise": noise}, indent=1))


if __name__ == "__main__":
    main()
