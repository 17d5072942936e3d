"""The grading cluster `grader serve` starts: django-q2's cluster, stopped at once on SIGTERM.

`grader serve` runs it as `python -m grader.service.cluster` in a process group of its own;
on other machines, `grader manage grading_workers` (as root: the sandbox needs it). django-q2
would stop by letting every worker finish its task (and its own qcluster can hang when every
process of the group gets SIGTERM, as systemd sends it); here SIGTERM goes to every process of
the group, and each worker stops as `stopping.py` says (a grading in progress goes back to the
queue).
"""

from __future__ import annotations

import logging
import os
import signal
from types import FrameType

from grader.service import lifecycle

log = logging.getLogger(__name__)


SESSION_AUTOGRADE = "grader.autograde.session.autograde"


def on_worker_spawn(**kwargs: object) -> None:
    """django-q2's `post_spawn`, in each new worker process: stop as `stopping.py` says, and
    start the kernel zygote now rather than when the first submission arrives."""
    from multiprocessing.util import Finalize

    from django.conf import settings

    from grader.service import stopping

    stopping.install()
    if settings.ACADEMY_AUTOGRADE == SESSION_AUTOGRADE:
        from grader.autograde.session import close_session, session

        session().warm_up()
        # Run when the worker process ends (recycled, timed out or stopped): its kernels go.
        Finalize(None, close_session, exitpriority=100)


def _forward(signum: int, frame: FrameType | None) -> None:
    """Tell every process of the group (once): `grader serve` dying only signals this one."""
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    os.killpg(os.getpgrp(), signal.SIGTERM)


def run() -> None:
    """Run a grading cluster (Django set up) until SIGTERM or SIGINT; then end the process."""
    from django_q.cluster import Cluster

    cluster = Cluster()  # installs django-q2's patient handlers; ours replace them
    signal.signal(signal.SIGTERM, _forward)
    signal.signal(signal.SIGINT, _forward)
    cluster.start()
    if cluster.sentinel is not None:
        cluster.sentinel.join()
    log.info("grading cluster stopped")
    lifecycle.exit_now(0)


def main() -> None:
    lifecycle.stop_with_parent()
    lifecycle.setup_django()
    run()


if __name__ == "__main__":
    main()
