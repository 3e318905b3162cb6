"""`codesift train`: run a config's stages in order, with checkpoints and resume, and export the final model.

Each stage trains the same model (stage k starts from stage k-1's weights)
with its own data mixture, learning rate and steps, through the
sentence-transformers trainer: InfoNCE with in-batch and hard negatives
(`CachedMultipleNegativesRankingLoss`, scale = 1/temperature) inside
`MatryoshkaLoss`, no-duplicates batches drawn from one task at a time, and the
task prompts given to the trainer's `prompts`.

Layout of OUTPUT: `stage-N-NAME/` (checkpoints, then `model/` when the stage
is done), `state.json` (finished stages), `train_log.jsonl` (loss and learning
rate), `final/` (the sentence-transformers model with its prompts, LoRA merged,
and `codesift-training.json`). Rerunning the same command skips finished
stages and resumes the interrupted one from its last checkpoint.

Several GPUs: the Hugging Face trainer's own DDP, e.g.
  torchrun --nproc_per_node 4 -m trainer.train --config trainer/configs/decoder-lora.yaml
"""

from __future__ import annotations

import argparse
import json
import time
from dataclasses import asdict
from pathlib import Path

import torch
from transformers import TrainerCallback
from transformers.trainer_utils import get_last_checkpoint

from codesift.embedding.tasks import prompt_set
from trainer.backbone import load_backbone, merged
from trainer.config import StageConfig, TrainConfig, load_config
from trainer.losses import build_loss
from trainer.mixture import load_data, stage_data

TRAINING_RECORD = "codesift-training.json"


class LogCallback(TrainerCallback):
    """Appends every logged loss / learning rate to train_log.jsonl and prints it."""

    def __init__(self, path: Path, stage: str, echo) -> None:
        self.path, self.stage, self.echo = path, stage, echo

    def on_log(self, args, state, control, logs=None, **kwargs):
        if not logs or "loss" not in logs:
            return
        entry = {"stage": self.stage, "step": state.global_step, "max_steps": state.max_steps, **logs}
        with self.path.open("a") as out:
            out.write(json.dumps(entry) + "\n")
        self.echo(f"[{self.stage}] step {state.global_step}/{state.max_steps} loss {logs['loss']:.4f} "
                  f"lr {logs.get('learning_rate', 0):.2e}")


def _state(output: Path) -> dict:
    path = output / "state.json"
    return json.loads(path.read_text()) if path.is_file() else {"finished": {}}


def _save_state(output: Path, state: dict) -> None:
    (output / "state.json").write_text(json.dumps(state, indent=2))


def _stage_dir(output: Path, index: int, stage: StageConfig) -> Path:
    return output / f"stage-{index + 1}-{stage.name}"


def _arguments(config: TrainConfig, stage: StageConfig, stage_dir: Path, prompts):
    from sentence_transformers import SentenceTransformerTrainingArguments
    from sentence_transformers.training_args import BatchSamplers, MultiDatasetBatchSamplers

    cuda = torch.cuda.is_available()
    return SentenceTransformerTrainingArguments(
        output_dir=str(stage_dir),
        max_steps=stage.max_steps,
        per_device_train_batch_size=stage.batch_size,
        learning_rate=stage.learning_rate,
        warmup_steps=stage.warmup_ratio,  # a float below 1 is a share of the steps
        lr_scheduler_type="linear",
        batch_sampler=BatchSamplers.NO_DUPLICATES,
        multi_dataset_batch_sampler=MultiDatasetBatchSamplers.PROPORTIONAL,
        prompts=prompts or None,
        bf16=bool(cuda and config.bf16 and torch.cuda.is_bf16_supported()),
        **({"gradient_checkpointing": True} if config.gradient_checkpointing and cuda else {}),
        dataloader_pin_memory=cuda,
        save_strategy="steps",
        save_steps=config.save_steps,
        save_total_limit=1,
        logging_steps=config.logging_steps,
        logging_first_step=True,
        report_to="none",
        seed=config.seed,
        dataloader_drop_last=True,
    )


def train(config: TrainConfig, echo=print, callbacks=()) -> Path:
    """Run every stage not yet finished; returns the final model directory."""
    from sentence_transformers import SentenceTransformer, SentenceTransformerTrainer

    output = config.output_dir
    output.mkdir(parents=True, exist_ok=True)
    loaded = load_data(config.data)
    state = _state(output)
    model, window = load_backbone(config)  # the exported model keeps the backbone's window
    record = {"config": _jsonable(asdict(config)), "stages": []}
    for index, stage in enumerate(config.stages):
        stage_dir = _stage_dir(output, index, stage)
        finished = state["finished"].get(stage.name)
        if finished:
            echo(f"stage {index + 1} ({stage.name}) already finished: loading its weights")
            model = SentenceTransformer(str(stage_dir / "model"), device="cpu")
            record["stages"].append(finished)
            continue
        data = stage_data(stage, loaded, prompt_style=config.prompt_style, seed=config.seed)
        echo(f"stage {index + 1}/{len(config.stages)} ({stage.name}): {data.rows:,} rows "
             f"({', '.join(f'{k} {v:,}' for k, v in data.per_source.items())}), {stage.max_steps} steps, "
             f"lr {stage.learning_rate:g}, batch {stage.batch_size}")
        trainer = SentenceTransformerTrainer(
            model=model,
            args=_arguments(config, stage, stage_dir, data.prompts),
            train_dataset=data.datasets(stage.negatives),
            loss=build_loss(model, config),
            callbacks=[LogCallback(output / "train_log.jsonl", stage.name, echo), *callbacks],
        )
        started = time.perf_counter()
        trainer.train(resume_from_checkpoint=get_last_checkpoint(str(stage_dir)) if stage_dir.is_dir() else None)
        steps = trainer.state.global_step
        if steps < stage.max_steps:
            echo(f"[yellow]stage {stage.name!r} ran {steps} of {stage.max_steps} steps: its tasks have too few "
                 f"distinct rows for batch size {stage.batch_size}[/]")
        model.save(str(stage_dir / "model"))
        finished = {"name": stage.name, "rows": data.rows, "per_source": dict(data.per_source),
                    "steps": steps, "seconds": round(time.perf_counter() - started, 1)}
        state["finished"][stage.name] = finished
        _save_state(output, state)
        record["stages"].append(finished)
    return export(model, config, record, window)


def export(model, config: TrainConfig, record: dict, window: int) -> Path:
    final = config.output_dir / "final"
    model = merged(model, config)
    model.max_seq_length = window
    model.prompts = prompt_set(config.prompt_style).to_st_prompts()
    model.default_prompt_name = None
    model.save(str(final))
    record["seconds"] = round(sum(s["seconds"] for s in record["stages"]), 1)
    (final / TRAINING_RECORD).write_text(json.dumps(record, indent=2))
    return final


def _jsonable(value):
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    return str(value) if isinstance(value, Path) else value


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Train a code embedder from a codesift training config.")
    parser.add_argument("--config", required=True, type=Path)
    parser.add_argument("--data", action="append", default=[], help="NAME=PATH, overriding the config's data set")
    parser.add_argument("--output", type=Path)
    parser.add_argument("--max-steps", type=int)
    args = parser.parse_args(argv)
    overrides = dict(item.split("=", 1) for item in args.data)
    config = load_config(args.config, data_overrides=overrides, output_dir=args.output, max_steps=args.max_steps)
    print(train(config))


if __name__ == "__main__":
    main()
