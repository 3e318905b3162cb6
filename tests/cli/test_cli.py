"""The `codesift` command line end to end: index, repos, search --json, remove, and its one-line errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from codesift.store.edge import EdgeStore

HIT_KEYS = {"repo", "path", "start_line", "end_line", "symbol", "language", "kind", "score", "code", "signals"}


def codesift(*args: str, home: Path, timeout: int = 300) -> subprocess.CompletedProcess:
    env = dict(os.environ, CODESIFT_HOME=str(home), COLUMNS="200")
    env.pop("CODESIFT_QDRANT_URL", None)
    return subprocess.run(
        [str(Path(sys.executable).parent / "codesift"), *args], env=env, capture_output=True, text=True, timeout=timeout
    )


@pytest.fixture(scope="module")
def indexed(tmp_path_factory):
    """A small real repository, indexed once through the CLI."""
    root = tmp_path_factory.mktemp("repo") / "geo"
    (root / "geo").mkdir(parents=True)
    (root / "geo" / "distance.py").write_text(textwrap.dedent('''
        import math


        def haversine(lat1, lon1, lat2, lon2):
            """Great-circle distance in kilometres between two points on Earth."""
            dlat = math.radians(lat2 - lat1)
            dlon = math.radians(lon2 - lon1)
            a = math.sin(dlat / 2) ** 2 + math.cos(math.radians(lat1)) * math.cos(math.radians(lat2)) * math.sin(dlon / 2) ** 2
            return 6371 * 2 * math.asin(math.sqrt(a))


        def parse_coordinates(text):
            """Read 'lat,lon' into a pair of floats."""
            lat, lon = text.split(",")
            return float(lat), float(lon)
        ''').lstrip())
    (root / "web").mkdir()
    (root / "web" / "server.go").write_text(textwrap.dedent('''
        package web

        import "net/http"

        // Health answers liveness probes with 200 OK.
        func Health(w http.ResponseWriter, r *http.Request) {
            w.WriteHeader(http.StatusOK)
        }
        ''').lstrip())
    (root / ".env").write_text("API_KEY=secret\n")
    (root / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    home = tmp_path_factory.mktemp("home")
    result = codesift("index", str(root), "--explain", home=home)
    assert result.returncode == 0, result.stderr
    return root, home, result


def test_index_summary_counts_files_and_skips(indexed):
    _, _, result = indexed
    out = result.stderr + result.stdout
    assert "files walked" in out and "secret" in out and "binary" in out
    assert ".env" in out and "logo.png" in out  # --explain lists them


def test_search_json_has_the_contract_shape(indexed):
    _, home, _ = indexed
    result = codesift("search", "distance between two places on the globe", "--json", "-k", "3", home=home)
    assert result.returncode == 0, result.stderr
    hits = json.loads(result.stdout)
    assert hits and all(set(h) == HIT_KEYS for h in hits)
    top = hits[0]
    assert (top["repo"], top["path"], top["symbol"], top["language"]) == ("geo", "geo/distance.py", "haversine", "python")
    assert (top["start_line"], top["end_line"]) == (4, 9)
    assert "6371" in top["code"]


def test_search_filters_by_language_and_path(indexed):
    _, home, _ = indexed
    go = json.loads(codesift("search", "health check endpoint", "--json", "--lang", "go", home=home).stdout)
    assert go and {h["language"] for h in go} == {"go"} and go[0]["symbol"] == "Health"
    under_geo = json.loads(codesift("search", "health check endpoint", "--json", "--path", "geo/**", home=home).stdout)
    assert under_geo and all(h["path"].startswith("geo/") for h in under_geo)


def test_repos_lists_and_remove_deletes(tmp_path, indexed):
    root, _, _ = indexed
    home = tmp_path / "home"
    made = codesift("index", str(root), "--name", "first", "--precision", "fp32", home=home)
    assert made.returncode == 0 and "with minilm (fp32)" in made.stderr
    listing = codesift("repos", home=home)
    assert "first" in listing.stdout and "minilm" in listing.stdout and "fp32" in listing.stdout
    found = json.loads(codesift("search", "great-circle distance", "--json", "--precision", "bf16", home=home).stdout)
    assert found[0]["symbol"] == "haversine"  # bf16 queries search an fp32 index
    assert codesift("remove", "first", home=home).returncode == 0
    assert "first" not in codesift("repos", home=home).stdout
    assert json.loads(codesift("search", "distance", "--json", home=home).stdout) == []


@pytest.mark.parametrize(
    "args,expected",
    [
        (["index", "/no/such/dir"], "no such directory"),
        (["index", "ext::sh -c touch% /tmp/codesift-pwned"], "refusing"),
        (["index", "--", "--upload-pack=touch /tmp/codesift-pwned"], "refusing"),
        (["index", "https://example.invalid/x.git", "--ref", "--output=/tmp/codesift-pwned"], "ref"),
        (["search", "anything"], "codesift index"),
        (["search"], "give one query"),
        (["remove", "nope"], "no repository"),
        (["index", ".", "--model", "./no/such/model"], "model directory not found"),
        (["index", ".", "--precision", "fp16"], "unknown precision 'fp16': use one of auto, fp32, bf16, int8"),
    ],
)
def test_bad_input_is_one_clear_line(tmp_path, args, expected):
    result = codesift(*args, home=tmp_path / "home")
    assert result.returncode == 1
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and expected in lines[0], result.stderr
    assert "Traceback" not in result.stderr
    assert not Path("/tmp/codesift-pwned").exists()


@pytest.mark.parametrize(
    "args,expected",
    [
        (["x", "--task", "sql"], "unknown task 'sql'"),
        (["x", "--repo", "nosuch"], "no repository 'nosuch' in index 'codesift' (indexed: geo)"),
        (["x", "--lang", "klingon"], "unknown language 'klingon' in the index: use one of go, python"),
        (["x", "--lang", "pyhton", "--repo", "geo"], "did you mean 'python'?"),
        (["x", "--kind", "klass"], "did you mean 'class'?"),
        (["   "], "empty query"),
        (["x", "-k", "0"], "k must be between 1 and 100, not 0"),
        (["x", "-k", "101"], "k must be between 1 and 100, not 101"),
        (["def f(): pass", "--task", "code2code", "--files"], "not for code2code"),
    ],
)
def test_a_search_that_cannot_mean_what_was_typed_is_refused_not_answered_with_nothing(indexed, args, expected):
    _, home, _ = indexed
    result = codesift("search", *args, home=home)
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert result.returncode == 1 and len(lines) == 1 and expected in lines[0], result.stderr


def test_files_view_lists_ranked_files_with_their_best_chunks(indexed):
    _, home, _ = indexed
    result = codesift("search", "distance between two coordinates", "--files", "--json", home=home)
    files = json.loads(result.stdout)
    assert files[0]["path"] == "geo/distance.py" and len({f["path"] for f in files}) == len(files)
    assert files[0]["hits"] and all(set(h) == HIT_KEYS and h["path"] == "geo/distance.py" for h in files[0]["hits"])
    table = codesift("search", "distance between two coordinates", "--files", home=home).stdout
    assert "1. geo:geo/distance.py" in table and "haversine" in table


def test_a_batch_of_queries_runs_in_one_process_and_a_bad_line_gets_its_own_error(indexed, tmp_path):
    _, home, _ = indexed
    lines = [json.dumps({"query": f"great-circle distance number {n}", "k": 2}) for n in range(100)]
    lines[10] = "{not json"
    lines[20] = json.dumps({"query": "health", "repo": "nosuch"})
    lines[30] = json.dumps({"query": "health", "task": "techqa", "lang": "go", "k": 1})
    lines[40] = json.dumps({"query": "distance", "files": True})
    lines[50] = json.dumps({"query": "x", "k": "many"})
    batch = tmp_path / "queries.jsonl"
    batch.write_text("\n".join(lines) + "\n\n")
    result = codesift("search", "--queries", str(batch), "--json", home=home)
    assert result.returncode == 0, result.stderr
    answers = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(answers) == 100
    assert answers[0]["query"] == "great-circle distance number 0" and len(answers[0]["hits"]) == 2
    assert set(answers[0]["hits"][0]) == HIT_KEYS and answers[0]["hits"][0]["symbol"] == "haversine"
    assert answers[10] == {"line": 11, "error": answers[10]["error"]} and answers[10]["error"].startswith("not JSON")
    assert answers[20]["line"] == 21 and "no repository 'nosuch'" in answers[20]["error"]
    assert [h["symbol"] for h in answers[30]["hits"]] == ["Health"]
    assert answers[40]["files"][0]["path"] == "geo/distance.py"
    assert answers[50] == {"line": 51, "error": 'k must be a whole number, not "many"'}
    assert result.stderr.count("loading embedding model") <= 1  # one process, one model load


def test_search_with_another_model_is_refused(indexed, tiny_decoder_dir):
    _, home, _ = indexed
    result = codesift("search", "distance", "--model", str(tiny_decoder_dir), home=home)
    assert result.returncode == 1 and "built with model 'minilm'" in result.stderr


def test_busy_index_gets_a_clear_message(indexed):
    _, home, _ = indexed
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys, time; from codesift.store.edge import EdgeStore; "
         "s = EdgeStore(sys.argv[1], 'codesift'); print('open', flush=True); time.sleep(60)", str(home / "indexes" / "codesift")],
        stdout=subprocess.PIPE, text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "open"
        result = codesift("search", "distance", home=home)
        assert result.returncode == 1 and "busy" in result.stderr and "Traceback" not in result.stderr
    finally:
        holder.kill()
        holder.wait()
    started = time.monotonic()
    with EdgeStore(home / "indexes" / "codesift", "codesift") as store:  # nothing was damaged
        assert store.count() > 0
    assert time.monotonic() - started < 10
