"""A real HTTP server on 127.0.0.1 for tests: per-path scripted responses, requests recorded.

    with FeedServer() as server:
        server.serve_file("/feed.xml", path, etag='"v1"')
        server.route("/busy", Route(status=503, headers={"Retry-After": "120"}))
        server.url("/feed.xml")  # http://127.0.0.1:PORT/feed.xml

A path may have several routes: they answer in turn and the last one repeats (e.g. 503 then
200 for retry tests). Routes can delay before answering (never-answering servers), trickle the
body (slow servers), lie about Content-Length (truncated bodies), gzip, or redirect.

Benchmarks serve their feeds from a process of their own (`in_own_process` runs a script that
ends in `serve_until_stdin_closes`), as remote publishers do: a server thread inside the measured
process would spend that process's CPU and take its GIL.
"""

from __future__ import annotations

import contextlib
import gzip
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Route:
    """One scripted answer."""

    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str | None = "application/rss+xml; charset=utf-8"
    etag: str | None = None  # answer 304 when If-None-Match matches
    last_modified: str | None = None  # answer 304 when If-Modified-Since matches
    delay: float = 0.0  # seconds before the status line (past the read timeout = never answers)
    trickle: float = 0.0  # seconds between body chunks
    chunk_size: int = 1024
    gzip: bool = False
    content_length: int | None = None  # override: larger truncates the body, -1 omits it


@dataclass(frozen=True)
class Recorded:
    method: str
    path: str
    headers: dict[str, str]


class _QuietServer(ThreadingHTTPServer):
    """Clients that hang up mid-response (timeouts, size caps) are what the tests provoke."""

    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        error = sys.exc_info()[1]
        if not isinstance(error, ConnectionError | TimeoutError):
            super().handle_error(request, client_address)  # type: ignore[arg-type]


class FeedServer:
    """ThreadingHTTPServer on 127.0.0.1 in a daemon thread; use as a context manager."""

    def __init__(self, host: str = "127.0.0.1") -> None:
        self.routes: dict[str, list[Route]] = {}
        self.requests: list[Recorded] = []
        self.in_flight = 0
        self.max_in_flight = 0  # most requests being answered at once (concurrency tests)
        self.stopping = threading.Event()
        self._lock = threading.Lock()
        self._httpd = _QuietServer((host, 0), _handler_for(self))
        self._httpd.daemon_threads = True
        self._httpd.block_on_close = False
        self._thread = threading.Thread(target=self._httpd.serve_forever, args=(0.05,), daemon=True)
        self._thread.start()

    @property
    def base(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host!s}:{port}"

    def url(self, path: str) -> str:
        return self.base + path

    def route(self, path: str, *routes: Route) -> str:
        """Script the answers for path; returns its URL."""
        with self._lock:
            self.routes[path] = list(routes)
        return self.url(path)

    def serve_file(self, path: str, file: str | Path, **options: Any) -> str:
        return self.route(path, Route(body=Path(file).read_bytes(), **options))

    def redirect(self, path: str, to: str, status: int = 302) -> str:
        return self.route(path, Route(status=status, headers={"Location": to}, content_type=None))

    def requests_to(self, path: str) -> list[Recorded]:
        with self._lock:
            return [r for r in self.requests if r.path == path]

    def next_route(self, path: str) -> Route | None:
        with self._lock:
            routes = self.routes.get(path)
            if not routes:
                return None
            return routes.pop(0) if len(routes) > 1 else routes[0]

    def record(self, request: Recorded) -> None:
        with self._lock:
            self.requests.append(request)

    def enter(self) -> None:
        with self._lock:
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)

    def leave(self) -> None:
        with self._lock:
            self.in_flight -= 1

    def close(self) -> None:
        self.stopping.set()
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> FeedServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _handler_for(server: FeedServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        # headers and body go out in two writes: with Nagle on, the body waits for the client's
        # delayed ACK (~40 ms on Linux), an artifact no production server shows
        disable_nagle_algorithm = True

        def log_message(self, format: str, *args: Any) -> None:  # quiet test output
            pass

        def do_GET(self) -> None:
            path = self.path.split("?", 1)[0]
            headers = {k.lower(): v for k, v in self.headers.items()}
            server.record(Recorded("GET", path, headers))
            server.enter()
            try:
                self._respond(path, headers)
            finally:
                server.leave()

        def _respond(self, path: str, headers: dict[str, str]) -> None:
            route = server.next_route(path)
            if route is None:
                route = Route(status=404, body=b"not found", content_type="text/plain")
            if route.delay and server.stopping.wait(route.delay):
                return
            if _not_modified(route, headers):
                self._answer(Route(status=304, content_type=None, etag=route.etag), b"")
                return
            body = route.body
            if route.gzip and "gzip" in headers.get("accept-encoding", ""):
                body = gzip.compress(body)
            self._answer(route, body)

        def _answer(self, route: Route, body: bytes) -> None:
            try:
                self.send_response(route.status)
                if route.content_type:
                    self.send_header("Content-Type", route.content_type)
                if route.gzip:
                    self.send_header("Content-Encoding", "gzip")
                if route.etag:
                    self.send_header("ETag", route.etag)
                if route.last_modified:
                    self.send_header("Last-Modified", route.last_modified)
                for name, value in route.headers.items():
                    self.send_header(name, value)
                length = route.content_length if route.content_length is not None else len(body)
                if route.status != 304 and length >= 0:
                    self.send_header("Content-Length", str(length))
                if route.content_length is not None or route.trickle:
                    self.send_header("Connection", "close")
                    self.close_connection = True
                self.end_headers()
                self._write_body(route, body)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up, which is what several tests want

        def _write_body(self, route: Route, body: bytes) -> None:
            if not route.trickle:
                self.wfile.write(body)
                return
            for start in range(0, len(body), route.chunk_size):
                if server.stopping.is_set():
                    return
                self.wfile.write(body[start : start + route.chunk_size])
                self.wfile.flush()
                time.sleep(route.trickle)

    return Handler


def _not_modified(route: Route, headers: dict[str, str]) -> bool:
    if route.status != 200:
        return False
    if route.etag and headers.get("if-none-match") == route.etag:
        return True
    return bool(route.last_modified and headers.get("if-modified-since") == route.last_modified)


def serve_until_stdin_closes(server: FeedServer) -> None:
    """The serving process's last step: print the base URL, then serve until stdin closes."""
    server._httpd.socket.listen(1024)  # many connections at once: drop no SYNs
    print(server.base, flush=True)
    sys.stdin.read()
    server.close()


@contextlib.contextmanager
def in_own_process(command: list[str]) -> Iterator[tuple[str, int]]:
    """Run `command` (a script ending in `serve_until_stdin_closes`); yield (base URL, pid)."""
    server = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert server.stdin is not None and server.stdout is not None
    try:
        base = server.stdout.readline().strip()
        if not base:
            raise RuntimeError(f"the feed server {command[:3]} exited before serving")
        yield base, server.pid
    finally:
        server.stdin.close()
        server.wait(timeout=30)
