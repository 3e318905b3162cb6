"""`codesift mcp` as its users start it: over streamable HTTP on an index built by `codesift index`, and over
stdio read byte for byte (only JSON-RPC on stdout, even while a model loads and a tool fails)."""

from __future__ import annotations

import asyncio
import json
import os
import queue
import shutil
import socket
import subprocess
import sys
import threading
import time

from mcp import ClientSession
from mcp.client.streamable_http import streamable_http_client
from mcp.types.version import LATEST_HANDSHAKE_VERSION
from mcp_client import QUIET_ENV, REPO_ROOT, TIMEOUT, server_command, structured
from shop_repo import write_shop


def environment(home) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CODESIFT_", "QDRANT_"))}
    return env | QUIET_ENV | {"CODESIFT_HOME": str(home)}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_port(port: int, process: subprocess.Popen, timeout: float = TIMEOUT) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert process.poll() is None, "the server exited"
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise TimeoutError(f"nothing listens on port {port}")


async def search_over_http(url: str) -> tuple[set[str], dict]:
    async with streamable_http_client(url) as (read, write), ClientSession(read, write) as session:
        await session.initialize()
        tools = {tool.name for tool in (await session.list_tools()).tools}
        result = await session.call_tool("search_code", {"query": "send the customer a receipt by e-mail", "k": 2})
        return tools, structured(result)


def test_http_serves_an_index_built_by_codesift_index(tmp_path):
    root = write_shop(tmp_path / "src" / "shop")
    home = tmp_path / "home"
    command = [sys.executable, "-m", "cli", "index", str(root), "--name", "shop"]
    subprocess.run(command, cwd=REPO_ROOT, env=environment(home), check=True, capture_output=True, timeout=TIMEOUT)
    port = free_port()
    with (tmp_path / "server.stderr").open("w") as log:
        server = subprocess.Popen(
            server_command("--http", str(port), "--home", str(home)), cwd=REPO_ROOT, env=environment(tmp_path / "elsewhere"),
            stdout=subprocess.DEVNULL, stderr=log,
        )
        try:
            wait_for_port(port, server)
            tools, result = asyncio.run(search_over_http(f"http://127.0.0.1:{port}/mcp"))
        finally:
            server.terminate()
            server.wait(timeout=30)
    assert {"search_code", "find_similar", "get_file_range", "list_repos", "index_repo"} == tools
    top = result["hits"][0]
    assert (top["repo"], top["path"], top["symbol"]) == ("shop", "shop/mail.py", "send_receipt")


class RawStdio:
    """JSON-RPC lines to a server's stdin; every line of its stdout kept, and parsed as it arrives."""

    def __init__(self, process: subprocess.Popen):
        self.process = process
        self.lines: queue.Queue[str] = queue.Queue()
        self.seen: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.process.stdout:
            self.lines.put(line)

    def send(self, message: dict) -> None:
        self.process.stdin.write(json.dumps({"jsonrpc": "2.0", **message}) + "\n")
        self.process.stdin.flush()

    def response(self, request_id: int) -> dict:
        deadline = time.monotonic() + TIMEOUT
        while True:
            line = self.lines.get(timeout=max(0.0, deadline - time.monotonic()))
            self.seen.append(line)
            message = json.loads(line)
            if message.get("id") == request_id:
                return message


def test_stdio_carries_only_protocol_and_a_model_mismatch_is_a_tool_error(indexed_home, tiny_decoder_dir, tmp_path):
    home = tmp_path / "home"
    shutil.copytree(indexed_home, home)
    with (tmp_path / "server.stderr").open("w") as log:
        process = subprocess.Popen(
            server_command("--model", str(tiny_decoder_dir)), cwd=REPO_ROOT, env=environment(home),
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=log, text=True,
        )
        wire = RawStdio(process)
        initialize = {"protocolVersion": LATEST_HANDSHAKE_VERSION, "capabilities": {}, "clientInfo": {"name": "raw", "version": "0"}}
        wire.send({"id": 1, "method": "initialize", "params": initialize})
        assert wire.response(1)["result"]["serverInfo"]["name"] == "codesift"
        wire.send({"method": "notifications/initialized"})
        wire.send({"id": 2, "method": "tools/call", "params": {"name": "search_code", "arguments": {"query": "cart"}}})
        mismatch = wire.response(2)["result"]
        wire.send({"id": 3, "method": "tools/call", "params": {"name": "list_repos", "arguments": {}}})
        still_serving = wire.response(3)["result"]
        process.stdin.close()
        assert process.wait(timeout=30) == 0
    time.sleep(0.2)  # let the reader drain what was written before exit
    while not wire.lines.empty():
        wire.seen.append(wire.lines.get())
    assert all(json.loads(line)["jsonrpc"] == "2.0" for line in wire.seen)
    text = " ".join(block["text"] for block in mismatch["content"])
    assert mismatch["isError"] is True
    assert "index 'codesift' was built with model 'minilm'" in text and "\n" not in text
    assert not still_serving.get("isError") and still_serving["structuredContent"]["repos"][0]["name"] == "shop"
