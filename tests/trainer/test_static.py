"""The static tier: a transformer distilled into a token bag, trained by the curriculum, built as the `static` preset."""

from __future__ import annotations

import json

import numpy as np
import pytest
import yaml
from typer.testing import CliRunner

import trainer.static_preset as static_preset
from cli.main import cli
from codesift.embedding import load_embedder
from codesift.embedding.presets import built_model_dir
from codesift.errors import CodesiftError, ModelNotBuiltError
from trainer.config import load_config
from trainer.static import StaticInit, distill_static
from trainer.static_preset import build_static
from trainer.train import TRAINING_RECORD


def tiny_config(tmp_path, teacher, name="static.yaml", **changes) -> str:
    raw = {
        "model": str(teacher),
        "static": {"dims": 8},
        "prompt_style": "none",
        "temperature": 0.05,
        "matryoshka_dims": [8, 4],
        "save_steps": 100,
        "logging_steps": 1,
        "data": {"mined": None, "synth": None},
        "stages": [
            {"name": "text", "mixture": {"mined": 1.0}, "filter": {"domain": ["text"]}, "max_steps": 1, "batch_size": 2,
             "learning_rate": 0.05},
            {"name": "code", "mixture": {"mined": 1.0, "synth": 1.0}, "filter": {"domain": ["code"]}, "max_steps": 2,
             "batch_size": 2, "learning_rate": 0.05},
        ],
    } | changes
    path = tmp_path / name
    path.write_text(yaml.safe_dump(raw))
    return path


def test_distillation_embeds_every_teacher_token_reduced_and_is_deterministic(tiny_decoder_dir):
    first = distill_static(str(tiny_decoder_dir), StaticInit(dims=8))
    second = distill_static(str(tiny_decoder_dir), StaticInit(dims=8))
    table = first[0].embedding.weight.detach().numpy()
    assert table.shape == (first[0].tokenizer.get_vocab_size(), 8) and table.dtype == np.float32
    assert np.array_equal(table, second[0].embedding.weight.detach().numpy())
    assert np.abs(table).sum(axis=1).min() > 0  # no token left at zero


def test_a_teacher_without_a_transformer_or_too_many_dims_is_refused(tiny_static_dir, tiny_decoder_dir):
    with pytest.raises(CodesiftError, match="needs a transformer teacher"):
        distill_static(str(tiny_static_dir), StaticInit(dims=8))
    with pytest.raises(CodesiftError, match="between 1 and the teacher's dimension 32"):
        distill_static(str(tiny_decoder_dir), StaticInit(dims=64))


def test_static_config_errors_are_one_line(tmp_path, tiny_decoder_dir):
    with pytest.raises(CodesiftError, match="not both"):
        load_config(tiny_config(tmp_path, tiny_decoder_dir, lora={"r": 4}))
    with pytest.raises(CodesiftError, match=r"static\.dims must be an integer"):
        load_config(tiny_config(tmp_path, tiny_decoder_dir, static={"dims": "wide"}))
    with pytest.raises(CodesiftError, match=r"unknown key static\.'width'"):
        load_config(tiny_config(tmp_path, tiny_decoder_dir, static={"width": 8}))


def test_the_static_preset_says_how_to_build_it(tmp_path):
    with pytest.raises(ModelNotBuiltError, match="codesift model build static"):
        load_embedder("static", home=tmp_path)


def test_build_mines_distils_trains_and_installs_the_preset(tmp_path, sample_repo, tiny_decoder_dir):
    home, said = tmp_path / "home", []
    path = build_static(home, sources=[str(sample_repo)], config=tiny_config(tmp_path, tiny_decoder_dir), echo=said.append)
    assert path == built_model_dir(home, "static") and not path.with_name("static.build").exists()
    stages = json.loads((path / TRAINING_RECORD).read_text())["stages"]
    assert [s["name"] for s in stages] == ["text", "code"] and all(s["steps"] > 0 for s in stages)
    assert any(line.startswith("mined ") for line in said)
    embedder = load_embedder("static", home=home)
    assert embedder.static and embedder.dim == 8 and embedder.name == "static"
    distilled = distill_static(str(tiny_decoder_dir), StaticInit(dims=8))[0].embedding.weight.detach().numpy()
    assert not np.allclose(embedder.model.weights, distilled)  # training moved it
    vectors = embedder.encode_documents(["def parse_config(path): ...", "read a settings file"])
    assert vectors.shape == (2, 8) and np.allclose(np.linalg.norm(vectors, axis=1), 1, atol=1e-5)


def test_an_interrupted_build_reuses_what_it_mined(tmp_path, sample_repo, tiny_decoder_dir):
    home, said = tmp_path / "home", []
    config = tiny_config(tmp_path, tiny_decoder_dir)
    work = built_model_dir(home, "static").with_name("static.build")
    with pytest.raises(CodesiftError):  # the stages fail after mining: a config naming no usable data
        build_static(home, sources=[str(sample_repo)], config=tiny_config(tmp_path, tiny_decoder_dir, "bad.yaml", data={"other": "x"}))
    assert (work / "mined.jsonl").is_file()
    build_static(home, sources=[str(tmp_path / "nowhere")], config=config, echo=said.append)
    assert said[0].startswith("reusing ") and load_embedder("static", home=home).static


def test_index_with_the_static_preset_builds_it_first(tmp_path, sample_repo, tiny_decoder_dir, monkeypatch):
    monkeypatch.setattr(static_preset, "STATIC_CONFIG", tiny_config(tmp_path, tiny_decoder_dir))
    monkeypatch.setattr(static_preset, "python_sources", lambda: [str(sample_repo)])
    home, runner = tmp_path / "home", CliRunner()
    first = runner.invoke(cli, ["index", str(sample_repo), "--model", "static", "--home", str(home)])
    assert first.exit_code == 0, first.output
    assert "building the static model" in first.stderr and "indexed 'shop' with static" in first.stderr
    again = runner.invoke(cli, ["index", str(sample_repo), "--home", str(home)])
    assert again.exit_code == 0 and "building" not in again.stderr
    found = runner.invoke(cli, ["search", "parse a configuration file", "--home", str(home), "--json", "-k", "3"])
    assert found.exit_code == 0 and json.loads(found.stdout)
