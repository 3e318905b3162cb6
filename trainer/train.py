"""`codesift train`: run a config's stages in order, with checkpoints and resume, and export the final model.

Each stage trains the same model (stage k starts from stage k-1's weights)
with its own data mixture, learning rate and steps, through the
sentence-transformers trainer: InfoNCE with in-batch and hard negatives
(`CachedMultipleNegativesRankingLoss`, scale = 1/temperature) inside
`MatryoshkaLoss`, no-duplicates batches drawn from one task at a time, and the
task prompts given to the trainer's `prompts`.

Layout of OUTPUT: `stage-N-NAME/` (checkpoints while the stage runs, then
only `model/`, usable on its own), `state.json` (finished stages),
`train_log.jsonl` (loss and learning rate), `final/` (the sentence-transformers
model with its prompts, LoRA merged, and `codesift-training.json`). Rerunning
the same command skips finished stages and resumes the interrupted one from
its last checkpoint. The trainer's bar shows steps and ETA.

Several GPUs: the Hugging Face trainer's own DDP, e.g.
  torchrun --nproc_per_node 4 -m trainer.train --config trainer/configs/decoder-lora.yaml
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import time
from dataclasses import asdict
from pathlib import Path

import torch
from transformers import TrainerCallback
from transformers.trainer_callback import PrinterCallback, ProgressCallback
from transformers.trainer_utils import get_last_checkpoint

from codesift.embedding.precision import cpu_capabilities, native_bf16
from codesift.errors import CodesiftError
from trainer.backbone import load_backbone, merged, save_model
from trainer.config import StageConfig, TrainConfig, load_config
from trainer.losses import build_loss
from trainer.mixture import load_data, stage_data

TRAINING_RECORD = "codesift-training.json"


class LogCallback(TrainerCallback):
    """Appends every logged loss / learning rate to train_log.jsonl and prints it."""

    def __init__(self, path: Path, stage: str, echo) -> None:
        self.path, self.stage, self.echo = path, stage, echo

    def on_log(self, args, state, control, logs=None, **kwargs):
        if not logs or "loss" not in logs or not state.is_world_process_zero:
            return
        entry = {"stage": self.stage, "step": state.global_step, "max_steps": state.max_steps, **logs}
        with self.path.open("a") as out:
            out.write(json.dumps(entry) + "\n")
        self.echo(f"[{self.stage}] step {state.global_step}/{state.max_steps} loss {logs['loss']:.4f} "
                  f"lr {logs.get('learning_rate', 0):.2e}")


class BarOnly(ProgressCallback):
    """The trainer's progress bar (steps, ETA) without its raw log dicts: LogCallback reports those."""

    def on_log(self, args, state, control, logs=None, **kwargs):
        pass


def _is_main_process() -> bool:
    """False on the other ranks of a torchrun / accelerate launch: only rank 0 writes models and state."""
    return not (torch.distributed.is_available() and torch.distributed.is_initialized()) or torch.distributed.get_rank() == 0


def _state(output: Path) -> dict:
    path = output / "state.json"
    return json.loads(path.read_text()) if path.is_file() else {"finished": {}}


def _save_state(output: Path, state: dict) -> None:
    (output / "state.json").write_text(json.dumps(state, indent=2))


def _stage_dir(output: Path, index: int, stage: StageConfig) -> Path:
    return output / f"stage-{index + 1}-{stage.name}"


def uses_bf16(config: TrainConfig) -> bool:
    """Whether training runs in bf16 mixed precision: forced, or `auto` where the device does bf16 natively."""
    if config.precision != "auto":
        return config.precision == "bf16"
    if torch.cuda.is_available():
        return torch.cuda.is_bf16_supported()
    return native_bf16(cpu_capabilities())


def _arguments(config: TrainConfig, stage: StageConfig, stage_dir: Path, prompts):
    from sentence_transformers import SentenceTransformerTrainingArguments
    from sentence_transformers.sentence_transformer.training_args import BatchSamplers, MultiDatasetBatchSamplers

    cuda = torch.cuda.is_available()
    bf16 = uses_bf16(config)
    return SentenceTransformerTrainingArguments(
        output_dir=str(stage_dir),
        max_steps=stage.max_steps or -1,
        num_train_epochs=stage.epochs or 1.0,
        per_device_train_batch_size=stage.batch_size,
        learning_rate=stage.learning_rate,
        warmup_steps=stage.warmup_ratio,  # a float below 1 is a share of the steps
        lr_scheduler_type="linear",
        batch_sampler=BatchSamplers.NO_DUPLICATES,
        multi_dataset_batch_sampler=MultiDatasetBatchSamplers.PROPORTIONAL,
        prompts=prompts or None,
        bf16=bf16,
        use_cpu=bf16 and not cuda,  # the trainer's CPU autocast
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
    output = config.output_dir
    output.mkdir(parents=True, exist_ok=True)
    loaded = load_data(config.data)
    state = _state(output)
    done = _finished_prefix(config, state)
    weights = _stage_dir(output, done - 1, config.stages[done - 1]) / "model" if done else None
    model, window = load_backbone(config, weights)
    precision = "bf16" if uses_bf16(config) else "fp32"
    echo(f"training in {precision}" + (" mixed precision (the device does bf16 natively)" if precision == "bf16" else ""))
    record = {"config": _jsonable(asdict(config)), "precision": precision, "stages": []}
    for index, stage in enumerate(config.stages):
        if index < done:
            echo(f"stage {index + 1} ({stage.name}) already finished"
                 + (": continuing from its weights" if index == done - 1 else ""))
        else:
            state["finished"][stage.name] = _run_stage(model, config, index, loaded, window, echo, callbacks)
            if _is_main_process():
                _save_state(output, state)
                for checkpoint in _stage_dir(output, index, stage).glob("checkpoint-*"):  # model/ supersedes them
                    shutil.rmtree(checkpoint)
        record["stages"].append(state["finished"][stage.name])
    return export(model, config, record, window)


def _run_stage(model, config: TrainConfig, index: int, loaded: dict, window: int, echo, callbacks) -> dict:
    """Train one stage (resuming from its last checkpoint if there is one) and save its model."""
    from sentence_transformers import SentenceTransformerTrainer

    stage = config.stages[index]
    stage_dir = _stage_dir(config.output_dir, index, stage)
    data = stage_data(stage, loaded, prompt_style=config.prompt_style, seed=config.seed)
    echo(f"stage {index + 1}/{len(config.stages)} ({stage.name}): {data.rows:,} rows "
         f"({', '.join(f'{k} {v:,}' for k, v in data.per_source.items())}), {_length(stage)}, "
         f"lr {stage.learning_rate:g}, batch {stage.batch_size}")
    small = [task for task, rows in data.groups.items() if len(rows) < stage.batch_size]
    if small:
        echo(f"[yellow]stage {stage.name!r}: {', '.join(small)} has fewer rows than the batch size "
             f"{stage.batch_size}, so gives no batches[/]")
    unused = [name for name in stage.mixture if not data.per_source.get(name)]
    if unused:
        echo(f"[yellow]stage {stage.name!r} draws no rows from {', '.join(unused)}: "
             f"not given (optional), empty, or no row passes the stage's filter[/]")
    trainer = SentenceTransformerTrainer(
        model=model,
        args=_arguments(config, stage, stage_dir, data.prompts),
        train_dataset=data.datasets(stage.negatives),
        loss=build_loss(model, config),
        callbacks=[LogCallback(config.output_dir / "train_log.jsonl", stage.name, echo), *callbacks],
    )
    trainer.remove_callback(ProgressCallback)
    trainer.remove_callback(PrinterCallback)
    trainer.add_callback(BarOnly())
    started = time.perf_counter()
    trainer.train(resume_from_checkpoint=get_last_checkpoint(str(stage_dir)) if stage_dir.is_dir() else None)
    steps = trainer.state.global_step
    if stage.max_steps and steps < stage.max_steps:
        echo(f"[yellow]stage {stage.name!r} ran {steps} of {stage.max_steps} steps: its tasks have too few "
             f"distinct rows for batch size {stage.batch_size}[/]")
    if _is_main_process():
        save_model(model, stage_dir / "model", window, config)
    return {"name": stage.name, "rows": data.rows, "per_source": dict(data.per_source),
            "steps": steps, "seconds": round(time.perf_counter() - started, 1)}


def _length(stage: StageConfig) -> str:
    return f"{stage.max_steps} steps" if stage.max_steps else f"{stage.epochs:g} epochs"


def _finished_prefix(config: TrainConfig, state: dict) -> int:
    """How many leading stages are finished (with their model saved)."""
    done = 0
    for index, stage in enumerate(config.stages):
        if stage.name not in state["finished"] or not (_stage_dir(config.output_dir, index, stage) / "model").is_dir():
            break
        done += 1
    return done


def export(model, config: TrainConfig, record: dict, window: int) -> Path:
    final = config.output_dir / "final"
    if not _is_main_process():
        return final
    save_model(merged(model, config), final, window, config, model_card=True)
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
    try:
        overrides = dict(name_and_path(item) for item in args.data)
        config = load_config(args.config, data_overrides=overrides, output_dir=args.output, max_steps=args.max_steps)
        print(train(config))
    except CodesiftError as exc:
        sys.exit(f"error: {exc}")


def name_and_path(item: str) -> tuple[str, str]:
    name, sep, path = item.partition("=")
    if not sep or not name or not path:
        raise CodesiftError(f"--data takes NAME=PATH, got {item!r}")
    return name, path


if __name__ == "__main__":
    main()
