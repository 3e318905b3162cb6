"""Curriculum vs flat on held-out training pairs: the CodeR ablation without touching an evaluation set.

A fixed share of the code rows of every data set is held out; curriculum.yaml
and flat.yaml train on the rest from the same base model; base, curriculum and
flat are then scored (exact dense nDCG@10 / MRR@10 / Recall@10) on one
retrieval set per task built from the held-out pairs (each query against all
held-out positives of its task). Runs wherever torch finds a device (the
configs run in fp32 so a GPU computes what the CPU would).

Usage: python bench/curriculum_ablation.py --data NAME=PATH ... [--model minilm] [--share 0.1] [--json FILE]
"""

from __future__ import annotations

import argparse
import json
import random
import tempfile
from pathlib import Path

import yaml

from codesift.embedding import load_embedder
from codesift.evaluation import BeirSet, evaluate_rankings
from trainer.config import load_config
from trainer.data.rows import TrainingRow, domain, read_rows, write_rows
from trainer.evaluate import dense_rankings
from trainer.train import train

ROOT = Path(__file__).resolve().parent.parent
CONFIGS = ("curriculum", "flat")


def held_out_sets(rows: list[TrainingRow]) -> list[BeirSet]:
    sets = []
    for task in sorted({r.task for r in rows}):
        members = [r for r in rows if r.task == task]
        corpus = {f"d{i}": r.positive for i, r in enumerate(members)}
        queries = {f"q{i}": r.query for i, r in enumerate(members)}
        qrels = {f"q{i}": {f"d{i}": 1} for i in range(len(members))}
        sets.append(BeirSet(f"held-out {task}", task, corpus, queries, qrels))
    return sets


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", action="append", required=True, help="NAME=PATH, the configs' data sets")
    parser.add_argument("--model", default="minilm")
    parser.add_argument("--share", type=float, default=0.1)
    parser.add_argument("--work", type=Path, default=Path(tempfile.mkdtemp(prefix="ablation-")))
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    rng = random.Random(7)
    train_paths, held_out = {}, []
    for name, path in (item.split("=", 1) for item in args.data):
        rows = read_rows(path)
        code = [r for r in rows if domain(r) == "code"]
        rng.shuffle(code)
        cut = int(len(code) * args.share)
        held_out += code[:cut]
        train_paths[name] = args.work / f"{name}.jsonl"
        write_rows(train_paths[name], [r for r in rows if domain(r) == "text"] + code[cut:])
    models = {"base": args.model}
    for name in CONFIGS:
        raw = yaml.safe_load((ROOT / "trainer" / "configs" / f"{name}.yaml").read_text()) | {"model": args.model, "precision": "fp32"}
        config_path = args.work / f"{name}.yaml"
        config_path.write_text(yaml.safe_dump(raw))
        config = load_config(config_path, data_overrides={k: str(v) for k, v in train_paths.items()},
                             output_dir=args.work / name)
        models[name] = str(train(config))
    results = {}
    for beir in held_out_sets(held_out):
        results[beir.name] = {
            name: evaluate_rankings(dense_rankings(load_embedder(model), beir), beir.qrels) for name, model in models.items()
        }
        print(beir.name, {n: round(m["ndcg@10"], 2) for n, m in results[beir.name].items()}, flush=True)
    summary = {"held_out_pairs": len(held_out), "results": results}
    print(json.dumps(summary, indent=2))
    if args.json:
        args.json.write_text(json.dumps(summary, indent=2))


if __name__ == "__main__":
    main()
