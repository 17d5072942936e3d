from __future__ import annotations

from django.core.management.base import BaseCommand

from grader.service.grading import requeue_stale


class Command(BaseCommand):
    help = "Queue again the submissions whose grading task was lost (e.g. a killed worker)."

    def handle(self, *args: object, **options: object) -> None:
        self.stdout.write(f"{requeue_stale()} submission(s) re-queued.")
