"""Prefect's ephemeral API for one taiyaku command, served from a child process of that command.

    python -m flows.api_server LISTEN_FD READY_FD PARENT_PID

Started by :func:`flows.start_ephemeral_api`, which binds the listening socket (``LISTEN_FD``, inherited)
and waits for one line on the pipe ``READY_FD`` once uvicorn is serving.  The child boots (importing
Prefect's server takes about 3 s) on the machine's other core while the command loads its own imports and
models.

The child never outlives the command: it ends as soon as its parent is gone, however the parent ended
(``kill -9`` included: it watches its parent process id, which changes when the parent dies), and the
command kills it at exit.  It ignores SIGINT and SIGTERM: a terminal's Ctrl-C reaches the whole process
group, and the command, which handles the interrupt, still has to report its crashed flow run to this API.
"""

from __future__ import annotations

import os
import signal
import socket
import sys
import threading
import time

# How often the child looks whether its parent is still there: after a kill -9 of the command, the API
# is gone within this.
PARENT_POLL_SECONDS = 0.05


def serve(listen_fd: int, ready_fd: int, parent_pid: int) -> int:
    """Serve the API on the inherited socket until the parent is gone; 1 if uvicorn stops by itself."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    import uvicorn
    from prefect.server.api.server import create_app

    listener = socket.socket(fileno=listen_fd)
    # ephemeral: no UI and no background services, as in Prefect's own ephemeral server.
    config = uvicorn.Config(create_app(ephemeral=True, final=True), log_level="error", access_log=False)
    server = uvicorn.Server(config)
    # uvicorn serves from a thread so that this main thread can watch the parent; off the main thread,
    # uvicorn installs no signal handlers of its own.
    thread = threading.Thread(target=server.run, kwargs={"sockets": [listener]}, name="prefect-api", daemon=True)
    thread.start()
    ready = False
    while os.getppid() == parent_pid:
        if not thread.is_alive():
            return 1  # uvicorn could not start (its error is on stderr) or stopped: the parent sees EOF
        if not ready and server.started:
            os.write(ready_fd, b"ready\n")
            os.close(ready_fd)
            ready = True
        time.sleep(PARENT_POLL_SECONDS)
    # The parent is gone: nobody is left to answer.  Every write the API acknowledged is in the database
    # already (SQLite keeps it consistent whenever the process ends), so no graceful shutdown is waited for.
    return 0


if __name__ == "__main__":
    listen, ready_pipe, parent = (int(arg) for arg in sys.argv[1:4])
    os._exit(serve(listen, ready_pipe, parent))  # no interpreter teardown waiting on uvicorn's thread
