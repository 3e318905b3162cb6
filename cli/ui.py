"""`codesift ui`: serve the Streamlit app on 127.0.0.1 (by default) over the same index the CLI uses."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import typer

from cli import options
from cli.context import console, settings_from


def ui(
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on; anything but localhost exposes the index."),
    port: int = typer.Option(8501, "--port", help="Port to listen on."),
    model: str = options.Model,
    precision: str = options.Precision,
    home: Path = options.Home,
    qdrant_url: str = options.QdrantUrl,
    collection: str = options.Collection,
) -> None:
    """Open the web UI: search, chat and index management."""
    import ui

    settings_from(home, qdrant_url, collection, model, precision)  # a bad value is refused here, not in the browser
    settings = {
        "CODESIFT_HOME": home, "CODESIFT_QDRANT_URL": qdrant_url, "CODESIFT_COLLECTION": collection, "CODESIFT_MODEL": model,
        "CODESIFT_PRECISION": precision,
    }
    env = os.environ | {name: str(value) for name, value in settings.items() if value}
    app = Path(ui.__file__).parent / "app.py"
    console.print(f"codesift UI on http://{host}:{port} (Ctrl+C to stop)")
    command = [
        sys.executable, "-m", "streamlit", "run", str(app),
        "--server.address", host, "--server.port", str(port), "--server.headless", "true",
        "--browser.gatherUsageStats", "false", "--client.showErrorDetails", "none", "--client.toolbarMode", "minimal",
    ]
    sys.stdout.flush()
    sys.stderr.flush()
    os.execve(sys.executable, command, env)  # become the server: signals reach it, nothing is left behind
