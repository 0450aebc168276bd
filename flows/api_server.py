"""Prefect's ephemeral API for one taiyaku command, served from a child process of that command.

    python -m flows.api_server LISTEN_FD READY_FD PARENT_PID      (standard input: a pipe from the command)

Started by :func:`flows.start_ephemeral_api`, which binds the listening socket (``LISTEN_FD``, inherited)
and waits for one line on the pipe ``READY_FD`` once uvicorn is serving.  The child boots (importing
Prefect's server takes about 3 s) on the machine's other core while the command loads its own imports and
models.

The child never outlives the command.  Its standard input is a pipe whose other end only the command
holds: when the command ends, however it ends (``kill -9`` included), the pipe reads end-of-file and the
API shuts down gracefully, which lets Prefect's services write what they still hold (the task-run
recorder writes task runs from their events every few seconds: killed before that, the last task runs of
a flow would stay "Running" in the UI).  It also ends if its parent process is gone.  It ignores SIGINT and
SIGTERM: a terminal's Ctrl-C reaches the whole process group, and the command, which handles the interrupt,
still has to report its crashed flow run to this API.
"""

from __future__ import annotations

import http.client
import os
import select
import signal
import socket
import sys
import threading
import time
from typing import Any

# How often the child looks at its standard input and its parent.
POLL_SECONDS = 0.05
# At most this long for the graceful shutdown (Prefect's services writing their last batch).
SHUTDOWN_SECONDS = 20.0
# Before it: quiet (no connection, no request, no undelivered event) for QUIET_POLLS polls in a row.
QUIET_POLL_SECONDS = 0.01
QUIET_POLLS = 5
QUIET_WAIT_SECONDS = 5.0
# At most this long for the API's answer to its own first request (it builds its routes: 0.3 s).
FIRST_REQUEST_SECONDS = 20.0


def serve(listen_fd: int, ready_fd: int, parent_pid: int) -> int:
    """Serve the API on the inherited socket until the command is gone; 1 if uvicorn stops by itself."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    import uvicorn
    from prefect.server.api.server import create_app

    listener = socket.socket(fileno=listen_fd)
    # ephemeral: no UI, and only the services an ephemeral API runs (the task-run recorder, the event
    # persister...), as in Prefect's own ephemeral server.
    config = uvicorn.Config(create_app(ephemeral=True, final=True), log_level="error", access_log=False)
    server = uvicorn.Server(config)
    # uvicorn serves from a thread so that this main thread can watch the command; off the main thread,
    # uvicorn installs no signal handlers of its own.
    thread = threading.Thread(target=server.run, kwargs={"sockets": [listener]}, name="prefect-api", daemon=True)
    thread.start()
    ready = False
    while os.getppid() == parent_pid:
        if not thread.is_alive():
            return 1  # uvicorn could not start (its error is on stderr) or stopped: the parent sees EOF
        if not ready and server.started:
            _first_request(listener.getsockname())
            os.write(ready_fd, b"ready\n")
            os.close(ready_fd)
            ready = True
        if select.select([sys.stdin], [], [], POLL_SECONDS)[0] and not os.read(sys.stdin.fileno(), 1):
            break  # end of file: the command has ended
    _wait_until_quiet(server)
    server.should_exit = True
    thread.join(SHUTDOWN_SECONDS)
    return 0


def _first_request(address: tuple[str, int]) -> None:
    """Ask the API for its version (the command's first request) before the command may: FastAPI builds
    the routes of Prefect's API on the first request (0.3 s), and this way it builds them while the command
    may still be loading its models, instead of while the command waits for an answer.  Only a head start:
    should it fail or time out (a machine too busy), the command's own first request builds them."""
    connection = http.client.HTTPConnection(*address, timeout=FIRST_REQUEST_SECONDS)
    try:
        connection.request("GET", "/api/admin/version")
        connection.getresponse().read()
    except (OSError, http.client.HTTPException):
        pass
    finally:
        connection.close()


def _wait_until_quiet(server: Any) -> None:
    """Wait (at most :data:`QUIET_WAIT_SECONDS`) until the command's connections are closed and Prefect's
    in-memory message broker has handed every event to its consumers.

    uvicorn's graceful shutdown finishes the open requests, then stops Prefect's services; an event still
    queued for the task-run recorder at that moment is lost (the last task runs of a flow stayed "Running").
    The command has sent its last events and closed its connections before it closed our standard input.
    """
    deadline = time.monotonic() + QUIET_WAIT_SECONDS
    quiet_polls = 0
    while quiet_polls < QUIET_POLLS and time.monotonic() < deadline:
        busy = len(server.server_state.connections) + len(server.server_state.tasks) + _undelivered_messages()
        quiet_polls = 0 if busy else quiet_polls + 1
        time.sleep(QUIET_POLL_SECONDS)


def _undelivered_messages() -> int:
    """Messages Prefect's in-memory broker (an ephemeral API's) holds for its consumers.  Read from its
    internals: should they change, 0, and the shutdown is as it would be without this wait."""
    from prefect.server.utilities.messaging import memory

    try:
        return sum(
            subscription._queue.qsize() + subscription._retry.qsize()
            for topic in list(memory.Topic._topics.values())
            for subscription in list(topic._subscriptions)
        )
    except AttributeError:
        return 0


if __name__ == "__main__":
    listen, ready_pipe, parent = (int(arg) for arg in sys.argv[1:4])
    os._exit(serve(listen, ready_pipe, parent))  # no interpreter teardown waiting on uvicorn's thread
