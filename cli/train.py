"""`codesift train --config FILE`: run a training config (curriculum or flat) and export the model."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from cli.context import console, stdout


def train(
    config: Path = typer.Option(..., "--config", help="Training config (YAML), e.g. trainer/configs/curriculum.yaml."),
    data: list[str] = typer.Option(None, "--data", help="NAME=PATH: use this JSONL for the config's data set NAME (repeatable)."),
    output: Path = typer.Option(None, "--output", help="Run directory (default: the config's output_dir)."),
    max_steps: int = typer.Option(None, "--max-steps", help="Cap every stage at this many steps (quick checks)."),
    precision: str = typer.Option(
        None, "--precision",
        help="auto: bf16 where the GPU or CPU does it natively, else fp32; fp32; bf16 (forced, even where emulated). "
        "Default: the config's precision.",
    ),
) -> None:
    """Train an embedder: stages in order, checkpoints, resume on rerun, final model with its prompts."""
    from trainer.config import load_config
    from trainer.train import TRAINING_RECORD, name_and_path
    from trainer.train import train as run_training

    overrides = dict(name_and_path(item) for item in data or ())
    settings = load_config(config, data_overrides=overrides, output_dir=output, max_steps=max_steps, precision=precision)
    try:
        final = run_training(settings, echo=console.print)
    except KeyboardInterrupt:
        console.print(f"checkpoints are kept in {settings.output_dir}: run the same command again to resume")
        raise
    for number, stage in enumerate(json.loads((final / TRAINING_RECORD).read_text())["stages"], 1):
        console.print(f"stage {number} {stage['name']}: {stage['rows']:,} rows, {stage['steps']} steps, {stage['seconds']:.0f} s")
    stdout.print(str(final), highlight=False, soft_wrap=True)
    console.print(f"[green]use it:[/] codesift index PATH --model {final}", highlight=False, soft_wrap=True)
