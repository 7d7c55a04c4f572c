"""A misbehaving HTTP server on 127.0.0.1: FeedServer plus faults a scripted Route cannot express.

    with FaultServer() as server:
        server.reset("/reset")                 # TCP RST right after the request
        server.stream("/huge", 200 * MB)       # a body generated on the fly, never held whole
        server.gzip_bomb("/bomb", 2 * 10**9)   # gzip of zeros streamed as it is compressed
        server.route("/feed.xml", Route(...))  # everything FeedServer already does

Special paths are answered by their own handler; every other path goes to FeedServer's.
"""

from __future__ import annotations

import contextlib
import socket
import struct
import zlib
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler
from typing import Any

from support.feedserver import FeedServer, Recorded

MB = 1024 * 1024
Special = Callable[[BaseHTTPRequestHandler], None]
CLIENT_GONE = (BrokenPipeError, ConnectionResetError, ConnectionAbortedError)


class FaultServer(FeedServer):
    """FeedServer whose handler first looks up special (non-HTTP-conforming) behaviours."""

    def __init__(self, host: str = "127.0.0.1") -> None:
        super().__init__(host)
        # socketserver listens with a backlog of 5: a run opening dozens of connections at once
        # would see dropped SYNs (connect timeouts) that are the test server's fault, not a feed's
        self._httpd.socket.listen(256)
        self.specials: dict[str, Special] = {}
        base = self._httpd.RequestHandlerClass
        server = self

        class Handler(base):  # type: ignore[valid-type, misc]
            def do_GET(self) -> None:
                path = self.path.split("?", 1)[0]
                special = server.specials.get(path)
                if special is None:
                    super().do_GET()
                    return
                headers = {k.lower(): v for k, v in self.headers.items()}
                server.record(Recorded("GET", path, headers))
                # the client giving up is what these faults are for
                with contextlib.suppress(*CLIENT_GONE):
                    special(self)

        # the handler class is looked up per request, so swapping it on a running server is safe
        self._httpd.RequestHandlerClass = Handler

    def special(self, path: str, answer: Special) -> str:
        self.specials[path] = answer
        return self.url(path)

    def reset(self, path: str, after_headers: bool = False) -> str:
        """Close with a TCP RST (SO_LINGER 0), before the status line or after the headers."""

        def answer(handler: BaseHTTPRequestHandler) -> None:
            if after_headers:
                handler.send_response(200)
                handler.send_header("Content-Type", "application/rss+xml")
                handler.send_header("Content-Length", "100000")
                handler.end_headers()
                handler.wfile.write(b"<?xml version='1.0'?><rss><channel><item><title>cut")
                handler.wfile.flush()
            _abort(handler)

        return self.special(path, answer)

    def stream(
        self,
        path: str,
        size: int,
        declare_length: bool = True,
        content_type: str = "application/rss+xml",
    ) -> str:
        """A body of `size` bytes made of 1 MB blocks, written as they are made."""
        block = (b"<!-- " + b"x" * (MB - 9) + b" -->\n")[:MB]

        def answer(handler: BaseHTTPRequestHandler) -> None:
            handler.send_response(200)
            handler.send_header("Content-Type", content_type)
            if declare_length:
                handler.send_header("Content-Length", str(size))
            handler.send_header("Connection", "close")
            handler.close_connection = True
            handler.end_headers()
            handler.wfile.write(b"<?xml version='1.0'?>\n<rss version='2.0'><channel>\n")
            sent = 0
            while sent < size and not self.stopping.is_set():
                piece = block[: min(MB, size - sent)]
                handler.wfile.write(piece)
                sent += len(piece)

        return self.special(path, answer)

    def gzip_bomb(self, path: str, expanded: int) -> str:
        """Content-Encoding: gzip over `expanded` zero bytes, compressed while being sent."""

        def answer(handler: BaseHTTPRequestHandler) -> None:
            handler.send_response(200)
            handler.send_header("Content-Type", "application/rss+xml")
            handler.send_header("Content-Encoding", "gzip")
            handler.send_header("Connection", "close")
            handler.close_connection = True
            handler.end_headers()
            compressor = zlib.compressobj(9, zlib.DEFLATED, zlib.MAX_WBITS | 16)
            zeros = bytes(MB)
            for _ in range(expanded // MB):
                if self.stopping.is_set():
                    return
                handler.wfile.write(compressor.compress(zeros))
            handler.wfile.write(compressor.flush())

        return self.special(path, answer)

    def requests_seen(self) -> list[Recorded]:
        with self._lock:
            return list(self.requests)

    def __enter__(self) -> FaultServer:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


def _abort(handler: BaseHTTPRequestHandler) -> None:
    """Reset the connection: SO_LINGER with a zero timeout makes close() send RST."""
    connection: socket.socket = handler.connection
    connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    handler.close_connection = True
    connection.close()
