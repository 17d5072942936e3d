"""The web server of `grader serve`: waitress on a socket the supervisor opened, as an
unprivileged user, answering the API's errors in JSON even when waitress answers them itself.

Run by `serve.py` as `python -m grader.service.webserver --fd N --threads T`. waitress refuses a
body larger than `api_errors.max_body_bytes()` as soon as its Content-Length says so (or, for a
chunked body, as soon as that many bytes arrive), before the application or the disk sees it.
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import socket
from types import FrameType

from waitress.channel import HTTPChannel
from waitress.server import BaseWSGIServer, create_server
from waitress.task import ErrorTask

from grader.service import lifecycle

log = logging.getLogger(__name__)

STOP_GRACE_SECONDS = 2.0
"""Time requests in progress get to finish when the server is told to stop."""
IDENT = "academy"


class JsonErrorTask(ErrorTask):
    """waitress's own error answers (413, 400, 431, 500) as the API's JSON under /api/."""

    def execute(self) -> None:
        # Imported here: they need Django set up, which `main` does after this module loads.
        from grader.service import api_errors
        from grader.service.security import PERMISSIONS_POLICY, SERVICE_CSP

        path = getattr(self.request, "path", "") or ""
        if not api_errors.is_api(path):
            super().execute()
            return
        error = self.request.error
        body = api_errors.server_error_body(error.code, self.request.content_length or None)
        self.status = f"{error.code} {error.reason}"
        self.response_headers.extend([
            ("Content-Type", api_errors.JSON_TYPE),
            ("Content-Security-Policy", SERVICE_CSP),
            ("X-Content-Type-Options", "nosniff"),
            ("Permissions-Policy", PERMISSIONS_POLICY),
        ])
        self.set_close_on_finish()
        self.content_length = len(body)
        self.write(body)


class JsonErrorChannel(HTTPChannel):
    error_task_class = JsonErrorTask


def create(application: object, sock: socket.socket, *, threads: int,
           max_body: int) -> BaseWSGIServer:
    server = create_server(application, sockets=[sock], threads=threads,
                           max_request_body_size=max_body, ident=IDENT)
    assert isinstance(server, BaseWSGIServer), "one socket gives one server"
    server.channel_class = JsonErrorChannel
    return server


def run(server: BaseWSGIServer) -> None:
    """Serve until SIGTERM or SIGINT; then give requests in progress a moment and return."""

    def stop(signum: int, frame: FrameType | None) -> None:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    try:
        server.asyncore.loop(timeout=server.adj.asyncore_loop_timeout, map=server._map,
                             use_poll=server.adj.asyncore_use_poll)
    except KeyboardInterrupt:
        log.info("web server stopping")
    finally:
        server.task_dispatcher.shutdown(timeout=STOP_GRACE_SECONDS)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--fd", type=int, required=True, help="listening socket to serve")
    parser.add_argument("--threads", type=int, default=8)
    args = parser.parse_args(argv)
    lifecycle.stop_with_parent()
    sock = socket.socket(fileno=args.fd)
    lifecycle.setup_django()
    from django.core.wsgi import get_wsgi_application

    from grader.service.api_errors import max_body_bytes

    # As grader/project/wsgi.py does; imported from Django, not from the project above us.
    application = get_wsgi_application()

    log.info("web server on %s as uid %d", sock.getsockname(), os.getuid())
    run(create(application, sock, threads=args.threads, max_body=max_body_bytes()))
    lifecycle.exit_now(0)


if __name__ == "__main__":
    main()
