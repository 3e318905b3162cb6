"""A small OpenAI-compatible chat endpoint for tests, on 127.0.0.1 in a background thread.

`POST /v1/chat/completions`, streamed (SSE chunks in OpenAI's format, then `data: [DONE]`) or not (with
`usage`: words counted as tokens).
Every request body is recorded in `requests`. Replies are scripted: `script(Reply(...), …)` answers the
next requests in order, then `responder(body)` (when set) or the `default` reply answers the rest. A `Reply` can be text, an HTTP error
status with an OpenAI error body (and a Retry-After header), a delay before the response (timeouts), a stall after the first
chunk, or a malformed body; `stop()` closes the port so that connections are refused.
"""

from __future__ import annotations

import json
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler

from local_http import LocalHTTPServer

ERROR_TYPES = {401: "invalid_api_key", 403: "permission_denied", 404: "model_not_found", 429: "rate_limit_exceeded"}


@dataclass(frozen=True)
class Reply:
    text: str = "It is in [1]."
    status: int = 200
    delay: float = 0.0  # seconds before anything is sent
    stall: float = 0.0  # seconds of silence after the first chunk of a stream
    malformed: str = ""  # "html": a web page instead of the API; "json": a body or event that is not JSON
    retry_after: str = ""  # a Retry-After header on an error status


class FakeLLMServer(LocalHTTPServer):
    def __init__(self, model: str = "fake-coder"):
        super().__init__(_handler_for(self))
        self.model = model
        self.requests: list[dict] = []
        self.default = Reply()
        self.responder: Callable[[dict], Reply] | None = None
        self._script: deque[Reply] = deque()

    @property
    def base_url(self) -> str:
        return f"{self.origin}/v1"

    def script(self, *replies: Reply) -> None:
        self._script.extend(replies)

    def next_reply(self, body: dict) -> Reply:
        self.requests.append(body)
        if self._script:
            return self._script.popleft()
        return self.responder(body) if self.responder else self.default

    def user_prompts(self) -> list[str]:
        """The last user message of every request received, in order."""
        return [[m for m in body["messages"] if m["role"] == "user"][-1]["content"] for body in self.requests]


def _handler_for(server: FakeLLMServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args) -> None:
            pass

        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
            if self.path.rstrip("/") != "/v1/chat/completions":
                return self._json(404, _error(404, f"no route {self.path}"))
            reply = server.next_reply(body)
            time.sleep(reply.delay)
            if reply.status != 200:
                headers = {"Retry-After": reply.retry_after} if reply.retry_after else {}
                return self._json(reply.status, _error(reply.status, f"scripted HTTP {reply.status}"), headers)
            if reply.malformed == "html":
                return self._raw(200, "text/html", b"<html>not an API</html>")
            if body.get("stream"):
                return self._stream(reply, body.get("model", server.model))
            if reply.malformed == "json":
                return self._raw(200, "application/json", b"{this is not json")
            return self._json(200, _completion(reply.text, body.get("model", server.model), body["messages"]))

        def _stream(self, reply: Reply, model: str) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Cache-Control", "no-cache")
            self.end_headers()
            if reply.malformed == "json":
                self._event("{this is not json")
                return
            for i, piece in enumerate(_pieces(reply.text)):
                self._event(json.dumps(_chunk(model, {"role": "assistant", "content": piece} if i == 0 else {"content": piece})))
                if i == 0:
                    time.sleep(reply.stall)
            self._event(json.dumps(_chunk(model, {}, finish_reason="stop")))
            self._event("[DONE]")

        def _event(self, data: str) -> None:
            self.wfile.write(f"data: {data}\n\n".encode())
            self.wfile.flush()

        def _json(self, status: int, payload: dict, headers: dict[str, str] | None = None) -> None:
            self._raw(status, "application/json", json.dumps(payload).encode(), headers)

        def _raw(self, status: int, content_type: str, data: bytes, headers: dict[str, str] | None = None) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    return Handler


def _pieces(text: str, size: int = 8) -> list[str]:
    return [text[i : i + size] for i in range(0, len(text), size)] or [""]


def _chunk(model: str, delta: dict, finish_reason: str | None = None) -> dict:
    return {
        "id": "chatcmpl-fake",
        "object": "chat.completion.chunk",
        "created": int(time.time()),
        "model": model,
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish_reason, "logprobs": None}],
    }


def _completion(text: str, model: str, messages: list[dict]) -> dict:
    """A non-streamed completion; its usage counts words (of the request's messages, of the reply) as tokens."""
    prompt_tokens = sum(len(str(m.get("content", "")).split()) for m in messages)
    completion_tokens = len(text.split())
    return {
        "id": "chatcmpl-fake",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "choices": [{"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": "stop", "logprobs": None}],
        "usage": {"prompt_tokens": prompt_tokens, "completion_tokens": completion_tokens, "total_tokens": prompt_tokens + completion_tokens},
    }


def _error(status: int, message: str) -> dict:
    return {"error": {"message": message, "type": ERROR_TYPES.get(status, "server_error"), "code": status}}
