"""Training configuration: a YAML file → `TrainConfig`, validated, with one-line errors naming the bad key.

A config names the backbone (with `static`, the teacher distilled into a static token bag that is trained
instead), the loss settings, the data sets (name → JSONL
path; an empty path marks an optional set, used once `--data NAME=PATH` gives
it) and the stages. Each stage has its own data mixture and filter, learning
rate, steps and batch size; stages run in order on the same model (CodeR's
annealing: text-only → text + code → code-only, medium/hard).
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from pathlib import Path

import yaml

from codesift.embedding.tasks import STYLES, TASKS
from codesift.errors import CodesiftError
from trainer.data.rows import DIFFICULTIES
from trainer.static import StaticInit

DOMAINS = ("text", "code")

TRAIN_PRECISIONS = ("auto", "fp32", "bf16")


@dataclass(frozen=True)
class StageFilter:
    domain: tuple[str, ...] = ()  # empty: any
    tasks: tuple[str, ...] = ()
    difficulty: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()


@dataclass(frozen=True)
class StageConfig:
    name: str
    mixture: dict[str, float]  # data-set name → weight
    max_steps: int | None = None  # exactly one of max_steps and epochs
    epochs: float | None = None
    learning_rate: float = 2e-5
    batch_size: int = 32
    warmup_ratio: float = 0.1
    max_rows: int | None = None  # rows drawn for this stage (after filtering), split by the mixture weights
    negatives: int = 0  # hard negatives per row used as extra columns; rows with fewer are left out
    filter: StageFilter = field(default_factory=StageFilter)


@dataclass(frozen=True)
class LoraConfig:
    r: int = 32
    alpha: int = 64
    dropout: float = 0.05
    target_modules: tuple[str, ...] = ("q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj")


@dataclass(frozen=True)
class TrainConfig:
    model: str
    stages: tuple[StageConfig, ...]
    data: dict[str, Path | None]  # None: an optional data set not given
    output_dir: Path
    prompt_style: str = "jina"
    pooling: str | None = None  # None: keep the model's (decoders load with last-token)
    max_seq_length: int | None = None  # training window (shorter is faster); the exported model keeps the backbone's
    temperature: float = 0.05  # InfoNCE; the loss scale is 1 / temperature
    matryoshka_dims: tuple[int, ...] = ()  # empty: no Matryoshka; else must start with the full dimension
    mini_batch_size: int = 32  # CachedMultipleNegativesRankingLoss chunk size
    lora: LoraConfig | None = None
    static: StaticInit | None = None  # set: the backbone is `model` distilled into a static token bag, then trained
    gradient_checkpointing: bool = False
    precision: str = "auto"  # auto: bf16 mixed precision where the device does it natively (a GPU that supports it, a
    # CPU with AMX or AVX512-BF16), else fp32; fp32; bf16 (forced, even where emulated)
    seed: int = 42
    save_steps: int = 50
    logging_steps: int = 10


def load_config(path: Path | str, *, data_overrides: dict[str, str] | None = None, output_dir: Path | None = None,
                max_steps: int | None = None, precision: str | None = None) -> TrainConfig:
    path = Path(path)
    try:
        raw = yaml.safe_load(path.read_text())
    except OSError as exc:
        raise CodesiftError(f"cannot read training config {path}: {exc.strerror or exc}") from None
    except yaml.YAMLError as exc:
        raise CodesiftError(f"{path} is not valid YAML: {str(exc).splitlines()[0]}") from None
    if not isinstance(raw, dict):
        raise CodesiftError(f"{path}: expected a mapping at the top level")
    try:
        return _build(raw | ({"precision": precision} if precision else {}), data_overrides or {}, output_dir, max_steps)
    except (TypeError, ValueError, KeyError) as exc:
        raise CodesiftError(f"{path}: {exc}") from None


def _known(raw: dict, cls, where: str) -> dict:
    names = {f.name for f in fields(cls)}
    unknown = sorted(set(raw) - names)
    if unknown:
        raise ValueError(f"unknown key {where}{unknown[0]!r} (known: {', '.join(sorted(names))})")
    return dict(raw)


def _numbers(raw: dict, where: str, ints: tuple[str, ...] = (), floats: tuple[str, ...] = ()) -> dict:
    """Check integer keys and read float keys (YAML reads `5e-5` as a string) in place."""
    for key in ints:
        value = raw.get(key)
        if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
            raise ValueError(f"{where}{key} must be an integer, got {value!r}")
    for key in floats:
        value = raw.get(key)
        if value is not None:
            try:
                raw[key] = float(value)
            except (TypeError, ValueError):
                raise ValueError(f"{where}{key} must be a number, got {value!r}") from None
    return raw


def _build(raw: dict, data_overrides: dict[str, str], output_dir: Path | None, max_steps: int | None) -> TrainConfig:
    raw = _numbers(_known(raw, TrainConfig, ""), "", ("max_seq_length", "mini_batch_size", "seed", "save_steps",
                                                      "logging_steps"), ("temperature",))
    for key in ("model", "stages", "data"):
        if key not in raw:
            raise ValueError(f"missing key {key!r}")
    if not all(isinstance(d, int) and d > 0 for d in raw.get("matryoshka_dims") or ()):
        raise ValueError(f"matryoshka_dims must be a list of positive integers, got {raw['matryoshka_dims']!r}")
    data = {name: Path(p) if p else None for name, p in {**(raw.pop("data") or {}), **data_overrides}.items()}
    stages = tuple(_stage(s, i, data, max_steps) for i, s in enumerate(raw.pop("stages")))
    if not stages:
        raise ValueError("'stages' is empty")
    lora = raw.pop("lora", None)
    static = raw.pop("static", None)
    config = TrainConfig(
        **{k: v for k, v in raw.items() if k != "output_dir"},
        stages=stages,
        data=data,
        output_dir=Path(output_dir or raw.get("output_dir") or "runs/train"),
        lora=LoraConfig(**_numbers(_known(lora, LoraConfig, "lora."), "lora.", ("r", "alpha"), ("dropout",))) if lora else None,
        static=StaticInit(**_numbers(_known(static, StaticInit, "static."), "static.", ("dims",), ("sif_coefficient",)))
        if static is not None else None,
    )
    if config.static and config.lora:
        raise ValueError("a static backbone has no transformer to put LoRA adapters on: give 'static' or 'lora', not both")
    object.__setattr__(config, "matryoshka_dims", tuple(config.matryoshka_dims))
    if config.lora:
        object.__setattr__(config.lora, "target_modules", tuple(config.lora.target_modules))
    if config.precision not in TRAIN_PRECISIONS:
        raise ValueError(f"precision {config.precision!r} is not one of {', '.join(TRAIN_PRECISIONS)}")
    if config.prompt_style not in STYLES:
        raise ValueError(f"prompt_style {config.prompt_style!r} is not one of {', '.join(STYLES)}")
    if not 0 < config.temperature <= 1:
        raise ValueError(f"temperature must be in (0, 1], got {config.temperature}")
    if sorted(config.matryoshka_dims, reverse=True) != list(config.matryoshka_dims):
        raise ValueError("matryoshka_dims must be in decreasing order, starting with the full dimension")
    return config


def _stage(raw: dict, index: int, data: dict[str, Path | None], max_steps: int | None) -> StageConfig:
    where = f"stages[{index}]."
    raw = _numbers(_known(raw, StageConfig, where), where, ("max_steps", "batch_size", "max_rows", "negatives"),
                   ("learning_rate", "warmup_ratio", "epochs"))
    for key in ("name", "mixture"):
        if key not in raw:
            raise ValueError(f"missing key {where}{key}")
    if ("max_steps" in raw) == ("epochs" in raw):
        raise ValueError(f"{where[:-1]}: give exactly one of max_steps and epochs")
    if not all(isinstance(w, (int, float)) and w > 0 for w in raw["mixture"].values()):
        raise ValueError(f"{where}mixture weights must be positive numbers")
    missing = sorted(set(raw["mixture"]) - set(data))
    if missing:
        raise ValueError(f"{where}mixture names data set {missing[0]!r}, which 'data' does not define")
    stage_filter = StageFilter(**{k: tuple(v) for k, v in _known(raw.pop("filter", {}) or {}, StageFilter, f"{where}filter.").items()})
    for values, allowed, key in (
        (stage_filter.domain, DOMAINS, "domain"),
        (stage_filter.tasks, TASKS, "tasks"),
        (stage_filter.difficulty, DIFFICULTIES[1:], "difficulty"),
    ):
        bad = [v for v in values if v not in allowed]
        if bad:
            raise ValueError(f"{where}filter.{key}: {bad[0]!r} is not one of {', '.join(allowed)}")
    stage = StageConfig(**raw, filter=stage_filter)
    if max_steps is not None:
        stage = StageConfig(**{**stage.__dict__, "max_steps": min(stage.max_steps or max_steps, max_steps), "epochs": None})
    if (stage.max_steps or 1) < 1 or (stage.epochs or 1) <= 0 or stage.batch_size < 2:
        raise ValueError(f"{where}max_steps / epochs must be positive and batch_size ≥ 2")
    return stage
