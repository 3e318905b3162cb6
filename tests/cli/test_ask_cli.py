"""`codesift ask` and `codesift chat` as real processes against local OpenAI-compatible servers.

Every process loads the embedding model (seconds of imports), so all runs start together in one
module fixture, each with its own server and its own copy of the index; the tests check their results.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from llm_server import FakeLLMServer, Reply

QUESTION = "how is the total price of the cart computed?"
TOTAL_PRICE = "shop/cart.py:L11-L13"
CHECKOUT = "shop/checkout.py:L4-L8"
ANSWER = f"`Cart.total_price` adds up the prices [1] ({TOTAL_PRICE}); taxes are in [9]."
CONDENSED = "Which function calls Cart.total_price to charge the customer?"


@dataclass(frozen=True)
class Run:
    args: tuple[str, ...]
    replies: tuple[Reply, ...] = ()
    env: dict[str, str] = field(default_factory=dict)
    stdin: str = ""
    llm: str = "up"  # "up", "down" (the server is stopped) or "none" (no LLM configured)


RUNS = {
    "answer": Run(("ask", QUESTION, "-k", "3"), (Reply(text=ANSWER),)),
    "invented-only": Run(("ask", QUESTION, "-k", "3"), (Reply(text="It is computed in [7] and shop/tax.py:L1-L9."),)),
    "no-llm": Run(("ask", QUESTION, "-k", "3"), llm="none"),
    "down": Run(("ask", QUESTION), llm="down"),
    "401": Run(("ask", QUESTION), (Reply(status=401),), {"CODESIFT_LLM_MAX_RETRIES": "2"}),
    "429": Run(("ask", QUESTION), (Reply(status=429),) * 3, {"CODESIFT_LLM_MAX_RETRIES": "2"}),
    "timeout": Run(("ask", QUESTION), (Reply(delay=4),), {"CODESIFT_LLM_TIMEOUT": "0.5"}),
    "chat": Run(
        ("chat", "-k", "3"),
        (
            Reply(text="Cart.total_price sums the prices [2]."),
            Reply(text=CONDENSED),  # the condensed follow-up
            Reply(text="checkout calls it [1]."),
            Reply(text="Where are taxes added to the cart total?"),
            Reply(text="Taxes are added by splitting the total at the first comma."),  # cites nothing
        ),
        stdin="how does the cart add up its prices?\nand where is it called?\nand the taxes?\nexit\nnot read\n",
    ),
}


@dataclass
class Ran:
    result: subprocess.CompletedProcess
    url: str
    requests: list[dict]

    @property
    def stderr_lines(self) -> list[str]:
        return [line for line in self.result.stderr.splitlines() if line.strip()]


def launch(run: Run, home: Path, url: str) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CODESIFT_", "OPENAI_"))}
    env |= {"CODESIFT_HOME": str(home), "COLUMNS": "200", "CODESIFT_LLM_TIMEOUT": "5", "CODESIFT_LLM_MAX_RETRIES": "0"}
    if run.llm != "none":
        env |= {"CODESIFT_LLM_BASE_URL": url, "CODESIFT_LLM_MODEL": "fake-coder"}
    questions = home.parent / "stdin.txt"
    questions.write_text(run.stdin)
    with questions.open() as stdin:
        return subprocess.Popen(
            [str(Path(sys.executable).parent / "codesift"), *run.args],
            env=env | run.env,
            stdin=stdin,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )


@pytest.fixture(scope="module")
def ran(indexed_home, tmp_path_factory) -> dict[str, Ran]:
    servers = {name: FakeLLMServer().start() for name in RUNS}
    processes: dict[str, subprocess.Popen] = {}
    try:
        for name, run in RUNS.items():
            servers[name].script(*run.replies)
            if run.llm == "down":
                servers[name].stop()
            home = shutil.copytree(indexed_home, tmp_path_factory.mktemp(name) / "home")
            processes[name] = launch(run, home, servers[name].base_url)
        results = {}
        for name, process in processes.items():
            stdout, stderr = process.communicate(timeout=180)  # retries and timeouts are bounded: every run ends
            result = subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr)
            results[name] = Ran(result, servers[name].base_url, servers[name].requests)
        return results
    finally:
        for process in processes.values():
            if process.poll() is None:
                process.kill()
        for server in servers.values():
            server.stop()


def test_ask_streams_an_answer_then_its_sources(ran):
    run = ran["answer"]
    assert run.result.returncode == 0, run.result.stderr
    assert run.result.stdout.startswith(ANSWER + "\n")
    assert f"] {TOTAL_PRICE}  Cart.total_price" in run.result.stdout  # the numbered source list
    warnings = [line for line in run.stderr_lines if "warning" in line]
    assert len(warnings) == 1 and "[9]" in warnings[0] and TOTAL_PRICE not in warnings[0] and "[1]" not in warnings[0]
    (request,) = run.requests
    assert request["stream"] is True and "return sum(price for _, price in self.items)" in request["messages"][-1]["content"]


def test_ask_flags_an_answer_whose_every_citation_is_invented(ran):
    run = ran["invented-only"]
    assert run.result.returncode == 0, run.result.stderr
    assert f"] {TOTAL_PRICE}  Cart.total_price" in run.result.stdout
    (warning,) = run.stderr_lines
    assert warning.startswith("warning: every citation in this answer is invented ([7], shop/tax.py:L1-L9)")


def test_ask_without_an_llm_prints_sources_and_how_to_configure(ran):
    run = ran["no-llm"]
    assert run.result.returncode == 0, run.result.stderr
    assert f"] {TOTAL_PRICE}  Cart.total_price" in run.result.stdout
    (hint,) = run.stderr_lines
    assert "no LLM configured" in hint and "CODESIFT_LLM_BASE_URL=http://localhost:11434/v1" in hint


@pytest.mark.parametrize(
    "name,requests,message",
    [
        ("down", 0, "is not reachable (connection refused): start it or set CODESIFT_LLM_BASE_URL"),
        ("401", 1, "rejected the API key (401): set OPENAI_API_KEY"),  # not retried
        ("429", 3, "is rate-limiting (429) after 3 attempts: try again later"),  # retried twice, with backoff
        ("timeout", 1, "timed out after 0.5s (1 attempt)"),
    ],
)
def test_ask_endpoint_failures_are_one_line(ran, name, requests, message):
    run = ran[name]
    assert run.result.returncode == 1
    assert "Traceback" not in run.result.stderr
    (error,) = run.stderr_lines
    assert error.startswith(f"error: LLM endpoint {run.url} {message}")
    assert len(run.requests) == requests


def test_chat_keeps_the_conversation(ran):
    run = ran["chat"]
    assert run.result.returncode == 0, run.result.stderr
    first, rest = run.result.stdout.split("checkout calls it [1].")
    second = rest.split("Taxes are added")[0]
    assert first.startswith("Cart.total_price sums the prices [2].") and f"[1] {CHECKOUT}" not in first
    assert f"] {CHECKOUT}  checkout" in second  # retrieved for the condensed question
    assert f"searched for: {CONDENSED}" in run.result.stderr
    assert len(run.requests) == 5 and "how does the cart add up its prices?" in run.requests[1]["messages"][-1]["content"]
    warnings = [line for line in run.stderr_lines if line.startswith("warning:")]
    assert warnings == [warnings[0]] and "cites no source" in warnings[0]  # only the third, uncited answer
    assert run.result.stderr.index("cites no source") > run.result.stderr.index("Where are taxes added")
