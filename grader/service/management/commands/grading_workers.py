"""`grader manage grading_workers`: a grading cluster for this machine (see cluster.py)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from grader.service import cluster


class Command(BaseCommand):
    help = (
        "Run grading workers (ACADEMY_WORKERS processes, one per core by default) for the "
        "queue in settings. Run as root (the sandbox needs it). One SIGTERM stops them at "
        "once; a notebook being graded goes back to the queue."
    )

    def handle(self, *args: object, **options: object) -> None:
        cluster.run()
