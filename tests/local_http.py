"""A threaded HTTP server on 127.0.0.1 in a background thread: the base of the tests' fake endpoints."""

from __future__ import annotations

import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address) -> None:
        if not isinstance(sys.exc_info()[1], ConnectionError):  # a client that timed out and hung up is expected
            super().handle_error(request, client_address)


class LocalHTTPServer:
    """Serves `handler` on a free loopback port; `start()` and `stop()` (which closes the port)."""

    def __init__(self, handler: type[BaseHTTPRequestHandler]):
        self._httpd = _Server(("127.0.0.1", 0), handler)
        self._thread = threading.Thread(target=self._httpd.serve_forever, args=(0.05,), daemon=True)

    @property
    def origin(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}"

    def start(self):
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._thread.is_alive():
            self._httpd.shutdown()
        self._httpd.server_close()
