"""Serve the workbench on a local address with uvicorn."""

from __future__ import annotations

import socket
import webbrowser
from collections.abc import Callable

import uvicorn

from taiyaku.errors import TaiyakuError
from taiyaku.review.app import create_app
from taiyaku.review.workbench import Workbench

LOCAL_HOSTS = ("127.0.0.1", "localhost")


def bind(host: str, port: int) -> socket.socket:
    """A listening socket on ``host:port`` (port 0: a free port), or one line saying why not."""
    try:
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        sock = socket.socket(family, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        sock.listen(64)
    except OSError as exc:
        raise TaiyakuError(f"{host}:{port}", f"cannot listen here: {exc.strerror or exc}") from None
    return sock


def allowed_hosts(host: str, port: int) -> frozenset[str]:
    """The ``Host`` headers this server answers: its own address (and ``localhost`` for the loopback)."""
    names = {host, *LOCAL_HOSTS} if host in LOCAL_HOSTS else {host}
    return frozenset(f"[{name}]:{port}" if ":" in name else f"{name}:{port}" for name in names)


def server_for(workbench: Workbench, sock: socket.socket) -> tuple[uvicorn.Server, str]:
    """A uvicorn server for ``workbench`` on the bound ``sock``, and its URL."""
    host, port = sock.getsockname()[:2]
    app = create_app(workbench, allowed_hosts(host, port))
    config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="off")
    shown = f"[{host}]" if ":" in host else host
    return uvicorn.Server(config), f"http://{shown}:{port}/"


def serve(
    workbench: Workbench,
    host: str = "127.0.0.1",
    port: int = 0,
    *,
    open_browser: bool = True,
    announce: Callable[[str], None] = lambda line: print(line, flush=True),
) -> None:
    """Serve until interrupted (Ctrl-C)."""
    sock = bind(host, port)
    server, url = server_for(workbench, sock)
    announce(f"{workbench.statement.id}: review workbench at {url} (Ctrl-C to stop)")
    if open_browser:
        webbrowser.open(url)
    server.run(sockets=[sock])
