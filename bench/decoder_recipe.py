"""The decoder recipe (LoRA + last-token pooling + bf16 + gradient checkpointing) on whatever GPU is at hand.

With --tiny it builds the random 2-layer Qwen2 the tests use (no download), so
the CUDA code path — bf16, gradient checkpointing, LoRA, merge at export — can
be checked on a machine that cannot reach the hub; without it, it trains the
config's real backbone (Qwen/Qwen2.5-Coder-0.5B by default). Prints steps/s,
peak GPU memory and a sanity check of the exported model.

Usage: python bench/decoder_recipe.py [--config trainer/configs/decoder-lora.yaml] [--tiny] [--steps 30]
                                      [--data NAME=PATH ...] [--output DIR]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import torch
import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from codesift.embedding import load_embedder  # noqa: E402
from trainer.config import load_config  # noqa: E402
from trainer.train import train  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--config", type=Path, default=ROOT / "trainer" / "configs" / "decoder-lora.yaml")
    parser.add_argument("--tiny", action="store_true", help="a random tiny Qwen2 instead of the config's backbone")
    parser.add_argument("--steps", type=int, default=30, help="steps per stage")
    parser.add_argument("--data", action="append", default=[], help="NAME=PATH (default: the smoke set for every name)")
    parser.add_argument("--output", type=Path, default=Path(tempfile.mkdtemp(prefix="decoder-recipe-")))
    args = parser.parse_args()
    raw = yaml.safe_load(args.config.read_text())
    overrides = {name: str(ROOT / "trainer" / "configs" / "smoke.jsonl") for name in raw["data"]}
    overrides |= dict(item.split("=", 1) for item in args.data)
    if args.tiny:
        from conftest import build_tiny_decoder

        tiny = args.output / "tiny-qwen2"
        build_tiny_decoder(tiny)
        raw |= {"model": str(tiny), "matryoshka_dims": [32, 16], "max_seq_length": 128}
        for stage in raw["stages"]:
            stage["batch_size"] = 8
            stage["negatives"] = min(stage.get("negatives", 0), 1)  # the smoke set has one negative per row
    config_path = args.output / "config.yaml"
    config_path.write_text(yaml.safe_dump(raw))
    config = load_config(config_path, data_overrides=overrides, output_dir=args.output / "run", max_steps=args.steps)
    if torch.cuda.is_available():
        torch.cuda.reset_peak_memory_stats()
    started = time.perf_counter()
    final = train(config)
    seconds = time.perf_counter() - started
    steps = sum(stage.max_steps for stage in config.stages)
    embedder = load_embedder(str(final))
    vectors = embedder.encode_queries(["parse a json file", "sort a list"], task="nl2code")
    report = {
        "device": torch.cuda.get_device_name() if torch.cuda.is_available() else "cpu",
        "model": raw["model"],
        "steps": steps,
        "seconds": round(seconds, 1),
        "steps_per_second": round(steps / seconds, 2),
        "peak_gpu_memory_gib": round(torch.cuda.max_memory_allocated() / 2**30, 2) if torch.cuda.is_available() else None,
        "exported_without_adapters": not list(final.rglob("adapter_config.json")),
        "pooling": embedder.model[1].pooling_mode,
        "finite_unit_vectors": bool(np.isfinite(vectors).all() and np.allclose(np.linalg.norm(vectors, axis=1), 1, atol=1e-3)),
    }
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
