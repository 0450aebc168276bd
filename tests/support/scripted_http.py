"""A real HTTP/1.1 server on 127.0.0.1 for the pull tests, scripted per path.

Each path plays a list of replies in order (the last one repeats), so "503 twice, then 200" is
``server.route("/doc", Reply(503), Reply(503), Reply(200, body))``.  A reply can also misbehave the way
real servers do: stall before the body, trickle it, announce more bytes than it sends, or redirect.  A
callable reply sees the request (for conditional requests).  Every request is recorded.
"""

from __future__ import annotations

import contextlib
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass(frozen=True)
class Reply:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    content_length: int | None = None  # announce this instead of len(body) (a body cut short)
    omit_content_length: bool = False  # close-delimited body, as HTTP/1.0 servers send
    stall: float = 0.0  # seconds of silence after the headers, before the body
    trickle: float = 0.0  # seconds between bytes of the body


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    headers: dict[str, str]  # lower-case names


Script = Reply | Callable[[Request], Reply]


class ScriptedServer:
    def __init__(self) -> None:
        self.routes: dict[str, list[Script]] = {}
        self.requests: list[Request] = []
        self.stopping = threading.Event()
        self._lock = threading.Lock()
        self.errors: list[BaseException] = []  # exceptions in handler threads, other than clients hanging up
        self._httpd = _QuietServer(("127.0.0.1", 0), _handler_for(self))
        self._httpd.errors = self.errors
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, name="scripted-http", daemon=True
        )

    def __enter__(self) -> ScriptedServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stopping.set()  # wakes stalled replies
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)

    def url(self, path: str) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}{path}"

    def route(self, path: str, *replies: Script) -> str:
        """Script ``path``; returns its URL."""
        with self._lock:
            self.routes[path] = list(replies)
        return self.url(path)

    def hits(self, path: str) -> int:
        return sum(1 for request in self.requests if request.path == path)

    def next_reply(self, request: Request) -> Reply:
        with self._lock:
            self.requests.append(request)
            script = self.routes.get(request.path)
            if not script:
                return Reply(404, b"not found", {"Content-Type": "text/plain"})
            step = script.pop(0) if len(script) > 1 else script[0]
        return step(request) if callable(step) else step


class _QuietServer(ThreadingHTTPServer):
    """Keeps handler errors instead of printing them; a client hanging up is routine in these tests."""

    errors: list[BaseException]

    def handle_error(self, request: object, client_address: object) -> None:
        error = sys.exc_info()[1]
        if error is not None and not isinstance(error, (BrokenPipeError, ConnectionResetError, TimeoutError)):
            self.errors.append(error)


def _handler_for(server: ScriptedServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            request = Request("GET", self.path, {k.lower(): v for k, v in self.headers.items()})
            reply = server.next_reply(request)
            # The client may have given up already (a timeout test): nothing to clean up then.
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                self._send(reply)

        def _send(self, reply: Reply) -> None:
            self.send_response(reply.status)
            for name, value in reply.headers.items():
                self.send_header(name, value)
            if reply.omit_content_length:
                self.send_header("Connection", "close")
                self.close_connection = True
            else:
                length = len(reply.body) if reply.content_length is None else reply.content_length
                self.send_header("Content-Length", str(length))
                if length != len(reply.body):
                    self.send_header("Connection", "close")
                    self.close_connection = True
            self.end_headers()
            self.wfile.flush()
            if reply.stall and server.stopping.wait(reply.stall):
                return
            if reply.trickle:
                for byte in reply.body:
                    if server.stopping.wait(reply.trickle):
                        return
                    self.wfile.write(bytes([byte]))
                    self.wfile.flush()
            else:
                self.wfile.write(reply.body)
                self.wfile.flush()

        def log_message(self, format: str, *args: object) -> None:
            pass  # keep test output clean

    return Handler
