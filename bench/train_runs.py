"""What the training benches share: a `codesift` call that stops the bench when it fails, and a one-stage config.

Used by bench/train_precision.py and bench/repo_adaptation.py.
"""

from __future__ import annotations

from pathlib import Path

import yaml
from repo_search import codesift


def run(*args: str) -> None:
    """`codesift ARGS…` in a subprocess; a failure ends the bench with the end of its stderr."""
    done = codesift(*args)
    if done.returncode != 0:
        raise SystemExit(f"codesift {' '.join(args[:2])} failed: {done.stderr.strip()[-800:]}")


def flat_config(rows: Path, output: Path, *, steps: int, batch: int, max_seq_length: int, logging_steps: int, **stage) -> Path:
    """A YAML config next to `output`: MiniLM, one stage of `steps` over `rows` (CachedMNRL inside Matryoshka)."""
    raw = {
        "model": "minilm", "prompt_style": "jina", "max_seq_length": max_seq_length, "temperature": 0.05,
        "matryoshka_dims": [384, 256, 128, 64], "mini_batch_size": 32, "seed": 42,
        "save_steps": 10 * steps, "logging_steps": logging_steps, "output_dir": str(output),
        "data": {"mined": str(rows)},
        "stages": [{"mixture": {"mined": 1.0}, "max_steps": steps, "batch_size": batch, "learning_rate": 2.0e-5, **stage}],
    }  # fmt: skip
    path = output.with_suffix(".yaml")
    path.write_text(yaml.safe_dump(raw))
    return path
