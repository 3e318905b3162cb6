"""`codesift mcp`: serve the index to coding agents over MCP, on stdio (default) or streamable HTTP on 127.0.0.1.

On stdio, stdout carries only the protocol; everything else (model loading, logs) goes to stderr.
"""

from __future__ import annotations

from pathlib import Path

import typer

from cli import options
from cli.context import console, settings_from


def mcp(
    http: int = typer.Option(None, "--http", metavar="PORT", help="Serve streamable HTTP on http://127.0.0.1:PORT/mcp instead of stdio."),
    max_hit_bytes: int = typer.Option(4_000, "--max-hit-bytes", help="Code of one search hit is cut to this many bytes."),
    max_result_bytes: int = typer.Option(
        20_000, "--max-result-bytes", help="Bytes of code in one search result; of text in one file range or answer."
    ),
    model: str = options.Model,
    precision: str = options.Precision,
    home: Path = options.Home,
    qdrant_url: str = options.QdrantUrl,
    collection: str = options.Collection,
) -> None:
    """Serve the index to coding agents as MCP tools: search_code, find_similar, get_file_range, list_repos,
    index_repo, and ask when an LLM is configured (CODESIFT_LLM_BASE_URL, CODESIFT_LLM_MODEL)."""
    from codesift.llm import LLMSettings
    from mcp_server.bounds import Limits
    from mcp_server.index import ServedIndex
    from mcp_server.server import build_server

    index = ServedIndex(settings_from(home, qdrant_url, collection, model, precision), model)
    server = build_server(index, Limits(max_hit_bytes, max_result_bytes), LLMSettings())
    try:
        if http is None:
            server.run("stdio")
        else:
            console.print(f"codesift MCP server on http://127.0.0.1:{http}/mcp (Ctrl+C to stop)")
            server.run("streamable-http", host="127.0.0.1", port=http)
    finally:
        index.close()
