"""An on-disk cache of LLM responses (sqlite), so a rerun never pays for the same request twice."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from pathlib import Path


def request_key(model: str, messages: list[dict], temperature: float, max_tokens: int, attempt: int) -> str:
    payload = json.dumps([model, messages, temperature, max_tokens, attempt], sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


class ResponseCache:
    def __init__(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(directory / "responses.sqlite")
        self._db.execute("CREATE TABLE IF NOT EXISTS responses (key TEXT PRIMARY KEY, text TEXT NOT NULL)")
        self._db.commit()

    def get(self, key: str) -> str | None:
        row = self._db.execute("SELECT text FROM responses WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def put(self, key: str, text: str) -> None:
        self._db.execute("INSERT OR REPLACE INTO responses (key, text) VALUES (?, ?)", (key, text))
        self._db.commit()

    def close(self) -> None:
        self._db.close()
