"""A tiny HTTP server on 127.0.0.1 for tests of fetching, feeds and ingest: routes set per test."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: LocalServer

    def do_GET(self) -> None:
        code, content_type, body = self.server.routes.get(self.path, (404, "text/plain", b"not here"))
        self.send_response(code)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


class LocalServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, default_type: str = "text/html; charset=utf-8") -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.routes: dict[str, tuple[int, str, bytes]] = {}
        self.default_type = default_type

    def serve(self, path: str, body: bytes, content_type: str | None = None) -> str:
        """Answer GET ``path`` with ``body``; returns its full URL."""
        self.routes[path] = (200, content_type or self.default_type, body)
        return self.url(path)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}{path}"


@contextmanager
def running(default_type: str = "text/html; charset=utf-8") -> Iterator[LocalServer]:
    server = LocalServer(default_type)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
