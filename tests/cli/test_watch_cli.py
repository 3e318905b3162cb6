"""`codesift watch` as a user runs it: a process that indexes a directory, prints a line per refresh and stops
cleanly on Ctrl-C (SIGINT), leaving an index the next command opens and searches."""

from __future__ import annotations

import json
import os
import queue
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from test_cli import codesift

STARTUP = 240  # seconds: the model loads and the directory is indexed on a busy machine


def lines(stream, into: queue.Queue) -> None:
    for line in stream:
        into.put(line.rstrip("\n"))


def expect(found: queue.Queue, text: str, seconds: float) -> str:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            line = found.get(timeout=max(0.0, deadline - time.monotonic()))
        except queue.Empty:
            break
        if text in line:
            return line
    raise AssertionError(f"no line with {text!r} within {seconds} s")


def test_watch_indexes_refreshes_and_stops_on_ctrl_c(tmp_path):
    home = tmp_path / "home"
    root = tmp_path / "geo"
    (root / "geo").mkdir(parents=True)
    (root / "geo" / "units.py").write_text('def km_to_miles(km):\n    """Kilometres to miles."""\n    return km * 0.621371\n')
    env = dict(os.environ, CODESIFT_HOME=str(home), COLUMNS="200")
    env.pop("CODESIFT_QDRANT_URL", None)
    process = subprocess.Popen(
        [str(Path(sys.executable).parent / "codesift"), "watch", str(root)],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    out, err = queue.Queue(), queue.Queue()
    for stream, into in ((process.stdout, out), (process.stderr, err)):
        threading.Thread(target=lines, args=(stream, into), daemon=True).start()
    try:
        assert "geo: 1 file (1 new or changed, 0 removed), 1 chunk written" in expect(out, "geo:", STARTUP)
        expect(err, "watching geo", 60)
        (root / "geo" / "angles.py").write_text('def degrees_to_radians(deg):\n    return deg * 3.141592653589793 / 180\n')
        assert "geo: 1 file (1 new or changed, 0 removed)" in expect(out, "geo:", 30)
        process.send_signal(signal.SIGINT)
        assert process.wait(60) == 0
        expect(err, "stopped; the index holds every refresh that finished", 5)
    finally:
        if process.poll() is None:
            process.kill()
    found = codesift("search", "degrees_to_radians", "--json", "-k", "1", home=home)
    assert found.returncode == 0, found.stderr
    assert json.loads(found.stdout)[0]["symbol"] == "degrees_to_radians"


def test_watch_refuses_what_it_cannot_watch(tmp_path):
    result = codesift("watch", str(tmp_path / "nowhere"), home=tmp_path / "home")
    assert result.returncode == 1
    assert "'" + str(tmp_path / "nowhere") + "' is neither an indexed repository nor a directory" in result.stderr
