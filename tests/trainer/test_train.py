"""Training: the smoke curriculum on MiniLM, the decoder + LoRA path, resume, guards, and using the result."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest
import torch
import yaml
from transformers import TrainerCallback
from typer.testing import CliRunner

from cli.main import cli
from codesift.embedding import load_embedder
from codesift.errors import CodesiftError
from trainer.backbone import load_backbone, trainable_parameters
from trainer.config import load_config
from trainer.losses import build_loss
from trainer.mixture import load_data, stage_data
from trainer.train import train

ROOT = Path(__file__).resolve().parents[2]
SMOKE = ROOT / "trainer" / "configs" / "smoke.yaml"
SMOKE_DATA = {"smoke": str(ROOT / "trainer" / "configs" / "smoke.jsonl")}


@pytest.fixture(scope="module", autouse=True)
def one_thread():
    """These steps are tiny: one thread avoids oversubscribed cores when other jobs share the CPU (much faster then)."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


def smoke_config(tmp_path, **changes):
    raw = yaml.safe_load(SMOKE.read_text()) | changes
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump(raw))
    return load_config(path, data_overrides=SMOKE_DATA, output_dir=tmp_path / "run")


@pytest.fixture(scope="module")
def smoke_model(tmp_path_factory):
    """`codesift train` on the smoke config; the final model directory."""
    run = tmp_path_factory.mktemp("smoke") / "run"
    result = CliRunner().invoke(
        cli, ["train", "--config", str(SMOKE), "--data", f"smoke={SMOKE_DATA['smoke']}", "--output", str(run)]
    )
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == str(run / "final")
    assert "stage 3 code-hard: 21 rows, 2 steps" in result.stderr
    return run / "final"


def test_smoke_curriculum_exports_a_loadable_model_with_prompts(smoke_model, minilm):
    record = json.loads((smoke_model / "codesift-training.json").read_text())
    assert [s["name"] for s in record["stages"]] == ["text", "mixed", "code-hard"]
    assert record["stages"][0]["rows"] == 9  # the text-only (Markdown / doc body) rows of smoke.jsonl
    trained = load_embedder(str(smoke_model))
    assert trained.dim == 384
    assert trained.prompts.query_prefix("nl2code").startswith("Find the most relevant code snippet")
    text = ["def add(a, b):\n    return a + b"]
    assert not np.allclose(trained.model.encode(text), minilm.model.encode(text), atol=1e-4)
    log = [json.loads(line) for line in (smoke_model.parent / "train_log.jsonl").read_text().splitlines()]
    assert {entry["stage"] for entry in log} == {"text", "mixed", "code-hard"}
    assert all("loss" in entry and "learning_rate" in entry for entry in log)


def test_forced_bf16_trains_in_mixed_precision_and_exports_fp32_weights(tmp_path):
    run = tmp_path / "run"
    args = ["train", "--config", str(SMOKE), "--data", f"smoke={SMOKE_DATA['smoke']}", "--output", str(run), "--max-steps", "1"]
    result = CliRunner().invoke(cli, [*args, "--precision", "bf16"])
    assert result.exit_code == 0, result.output
    assert "training in bf16" in result.stderr
    assert json.loads((run / "final" / "codesift-training.json").read_text())["precision"] == "bf16"
    weights = load_embedder(str(run / "final")).model[0].auto_model.embeddings.word_embeddings.weight
    assert weights.dtype == torch.float32  # autocast computes in bf16; the weights stay fp32
    result = CliRunner().invoke(cli, [*args, "--precision", "int8"])
    assert result.exit_code != 0 and "precision 'int8' is not one of auto, fp32, bf16" in str(result.exception)


def test_index_and_search_with_the_trained_model(smoke_model, tmp_path, codesift_home):
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "calc.py").write_text("def add(a, b):\n    return a + b\n\n\ndef scale(v, k):\n    return [x * k for x in v]\n")
    runner = CliRunner()
    indexed = runner.invoke(cli, ["index", str(repo), "--model", str(smoke_model)])
    assert indexed.exit_code == 0, indexed.output
    found = runner.invoke(cli, ["search", "multiply every element by a factor", "--json", "-k", "1"])
    assert found.exit_code == 0, found.output
    assert json.loads(found.stdout)[0]["symbol"] == "scale"


def test_decoder_lora_trains_only_adapters_and_exports_merged_last_token_model(tiny_decoder_dir, tmp_path):
    config = smoke_config(
        tmp_path,
        model=str(tiny_decoder_dir),
        max_seq_length=64,
        matryoshka_dims=[32, 16],
        temperature=0.02,
        mini_batch_size=4,
        lora={"r": 4, "alpha": 8, "dropout": 0.0, "target_modules": ["q_proj", "v_proj"]},
    )
    model, _ = load_backbone(config)
    trainable, total = trainable_parameters(model)
    assert 0 < trainable < total / 10
    assert all("lora_" in name for name, p in model.named_parameters() if p.requires_grad)
    assert all(not p.any() for name, p in model.named_parameters() if "lora_B" in name)  # fresh adapters
    final = train(config)
    assert not list(final.rglob("adapter_config.json"))
    resumed, _ = load_backbone(config, final.parent / "stage-3-code-hard" / "model")  # how a rerun continues
    lora_b = [p for name, p in resumed.named_parameters() if "lora_B" in name]
    assert lora_b and all(p.requires_grad for p in lora_b) and any(p.any() for p in lora_b)
    trained = load_embedder(str(final))
    assert trained.dim == 32 and trained.model[1].pooling_mode == "lasttoken"
    assert trained.tokenizer.padding_side == "left"
    base = load_embedder(str(tiny_decoder_dir))
    text = ["def add(a, b): return a + b"]
    assert not np.allclose(trained.encode_documents(text), base.encode_documents(text), atol=1e-5)


class StopAfter(TrainerCallback):
    def __init__(self, step):
        self.step = step

    def on_step_end(self, args, state, control, **kwargs):
        if state.global_step == self.step:
            raise KeyboardInterrupt


def test_an_interrupted_run_resumes_from_its_checkpoint(tmp_path):
    raw = yaml.safe_load(SMOKE.read_text())
    raw["stages"][1]["max_steps"] = 4
    config = smoke_config(tmp_path, stages=raw["stages"], save_steps=2)
    with pytest.raises(KeyboardInterrupt):
        train(config, callbacks=[StopAfter(3)])  # stage 1 has 2 steps; stage 2 stops at its step 3
    state = json.loads((tmp_path / "run" / "state.json").read_text())
    assert list(state["finished"]) == ["text"]
    assert (tmp_path / "run" / "stage-2-mixed" / "checkpoint-2").is_dir()
    messages = []
    final = train(config, echo=messages.append)
    assert any("stage 1 (text) already finished" in m for m in messages)
    steps = [json.loads(line)["step"] for line in (tmp_path / "run" / "train_log.jsonl").read_text().splitlines()
             if json.loads(line)["stage"] == "mixed"]
    assert steps[-1] == 4 and 3 in steps  # steps 3 and 4 of the resumed stage, not a restart from 1
    assert json.loads((final / "codesift-training.json").read_text())["stages"][1]["steps"] == 4
    assert not list((tmp_path / "run").glob("stage-*/checkpoint-*"))  # finished stages keep only model/


def test_evaluation_folders_are_refused_as_training_data(tmp_path):
    beir = tmp_path / "cosqa"
    beir.mkdir()
    for name in ("corpus.jsonl", "qrels.tsv", "queries.jsonl"):
        (beir / name).write_text("")
    shutil.copy(SMOKE_DATA["smoke"], beir / "pairs.jsonl")
    config = load_config(SMOKE, data_overrides={"smoke": str(beir / "pairs.jsonl")}, output_dir=tmp_path / "run")
    with pytest.raises(CodesiftError, match="inside the evaluation set"):
        train(config)


def test_config_errors_are_one_line(tmp_path, minilm):
    bad = tmp_path / "bad.yaml"
    cases = {
        "model: minilm\ndata: {a: x.jsonl}\nstages:\n  - {name: s, mixture: {b: 1}, max_steps: 1}\n":
            "mixture names data set 'b'",
        "model: minilm\nlearning_rat: 1\ndata: {}\nstages: []\n": "unknown key 'learning_rat'",
        "model: minilm\ndata: {a: x.jsonl}\nstages:\n  - {name: s, mixture: {a: 1}, max_steps: ten}\n":
            r"stages\[0\]\.max_steps must be an integer",
        "model: minilm\ndata: {a: x.jsonl}\nstages:\n  - {name: s, mixture: {a: 1}}\n": "exactly one of max_steps and epochs",
        "model: minilm\nprecision: int8\ndata: {a: x.jsonl}\nstages:\n  - {name: s, mixture: {a: 1}, max_steps: 1}\n":
            "precision 'int8' is not one of auto, fp32, bf16",
    }
    for text, message in cases.items():
        bad.write_text(text)
        with pytest.raises(CodesiftError, match=message):
            load_config(bad)
    bad.write_text("model: minilm\ndata: {a: x.jsonl}\nstages:\n  - {name: s, mixture: {a: 1}, epochs: 1, learning_rate: 5e-5}\n")
    assert load_config(bad, max_steps=3).stages[0].learning_rate == 5e-5  # YAML reads 5e-5 as a string
    assert load_config(bad, max_steps=3).stages[0].max_steps == 3
    assert load_config(bad, precision="fp32").precision == "fp32" and load_config(bad).precision == "auto"
    with pytest.raises(CodesiftError, match="must start with the model's dimension 384"):
        build_loss(minilm.model, smoke_config(tmp_path, matryoshka_dims=[512, 256]))


def test_stage_data_is_filtered_grouped_by_task_and_prompted(tmp_path):
    config = load_config(SMOKE, data_overrides=SMOKE_DATA, output_dir=tmp_path)
    loaded = load_data(config.data)
    text, _, hard = (stage_data(stage, loaded, prompt_style="jina", seed=1) for stage in config.stages)
    assert set(text.groups) == {"techqa"}
    assert text.prompts["techqa"]["anchor"].startswith("Find the most relevant answer")
    assert all(r.difficulty in ("medium", "hard") and r.negatives for rows in hard.groups.values() for r in rows)
    assert all(r.task == task for task, rows in hard.groups.items() for r in rows)
    assert list(hard.datasets(1)["nl2code"].column_names) == ["anchor", "positive", "negative_1"]
    coder = stage_data(config.stages[2], loaded, prompt_style="coder", seed=1)
    row = coder.groups["nl2code"][0]
    assert coder.datasets(1)["nl2code"][0]["anchor"] == f"<instruct>{row.instruction}\n<query>{row.query}"
    assert "anchor" not in coder.prompts.get("nl2code", {})


def test_an_optional_data_set_is_used_only_when_given(tmp_path):
    raw = yaml.safe_load(SMOKE.read_text())
    raw["data"]["synth"] = None
    raw["stages"][1]["mixture"] = {"smoke": 1.0, "synth": 1.0}
    (tmp_path / "config.yaml").write_text(yaml.safe_dump(raw))
    without = load_config(tmp_path / "config.yaml", data_overrides=SMOKE_DATA)
    data = stage_data(without.stages[1], load_data(without.data), prompt_style="none", seed=1)
    assert dict(data.per_source) == {"smoke": 47}
    given = load_config(tmp_path / "config.yaml", data_overrides={**SMOKE_DATA, "synth": SMOKE_DATA["smoke"]})
    data = stage_data(given.stages[1], load_data(given.data), prompt_style="none", seed=1)
    assert dict(data.per_source) == {"smoke": 47, "synth": 47}
