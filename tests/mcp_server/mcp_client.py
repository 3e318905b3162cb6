"""A `codesift mcp` process driven by the MCP SDK's own client over stdio, callable from synchronous tests.

The SDK client is async and its context managers must be entered and left by one task, so the session lives
in a thread with its own event loop for as long as a fixture holds it; tests call through `list_tools` and
`call`. The server runs as `python -m cli mcp …` from this working tree, with a minimal environment
(the SDK's defaults plus what the test passes) and its stderr in a log file.
"""

from __future__ import annotations

import asyncio
import json
import sys
import threading
from concurrent.futures import Future
from pathlib import Path

from mcp import ClientSession, StdioServerParameters, stdio_client
from mcp.types import CallToolResult, Tool

REPO_ROOT = Path(__file__).resolve().parents[2]
TIMEOUT = 180  # seconds for one call: the first search loads the model on a busy machine
QUIET_ENV = {"OMP_NUM_THREADS": "1", "TOKENIZERS_PARALLELISM": "false", "HF_HUB_OFFLINE": "1"}


def server_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "cli", "mcp", *args]


class McpProcess:
    def __init__(self, *args: str, env: dict[str, str], stderr_log: Path):
        command = server_command(*args)
        self.params = StdioServerParameters(command=command[0], args=command[1:], env=QUIET_ENV | env, cwd=REPO_ROOT)
        self.stderr_log = stderr_log
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._ready: Future = Future()

    def __enter__(self) -> McpProcess:
        self._thread.start()
        self._main = asyncio.run_coroutine_threadsafe(self._hold_session(), self._loop)
        self.session, self._stop = self._ready.result(timeout=TIMEOUT)
        return self

    def __exit__(self, *exc) -> None:
        self._loop.call_soon_threadsafe(self._stop.set)
        try:
            self._main.result(timeout=30)
        finally:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(timeout=10)

    async def _hold_session(self) -> None:
        try:
            with self.stderr_log.open("w") as errlog:
                async with stdio_client(self.params, errlog=errlog) as (read, write), ClientSession(read, write) as session:
                    await session.initialize()
                    stop = asyncio.Event()
                    self._ready.set_result((session, stop))
                    await stop.wait()
        except BaseException as exc:
            if not self._ready.done():
                self._ready.set_exception(exc)
            raise

    def _run(self, coroutine):
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result(timeout=TIMEOUT)

    def list_tools(self) -> dict[str, Tool]:
        return {tool.name: tool for tool in self._run(self.session.list_tools()).tools}

    def call(self, name: str, arguments: dict | None = None, progress: list | None = None) -> CallToolResult:
        """Call a tool; with `progress`, every progress notification is appended to it as (progress, total, message)."""

        async def record(value: float, total: float | None, message: str | None) -> None:
            progress.append((value, total, message))

        return self._run(self.session.call_tool(name, arguments or {}, progress_callback=record if progress is not None else None))


def structured(result: CallToolResult) -> dict:
    """A successful tool result's structured content, checked to equal the JSON in its text content."""
    assert not result.is_error, error_text(result)
    assert json.loads(result.content[0].text) == result.structured_content
    return result.structured_content


def error_text(result: CallToolResult) -> str:
    return " ".join(block.text for block in result.content if block.type == "text")
