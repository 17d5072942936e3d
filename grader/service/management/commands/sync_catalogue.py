from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from grader.service.catalogue_sync import sync_catalogue


class Command(BaseCommand):
    help = "Copy tracks, exercises and KSBs from courses/ into the database."

    def handle(self, *args: object, **options: object) -> None:
        report = sync_catalogue(Path(settings.ACADEMY_ROOT))
        self.stdout.write(f"{report.tracks} tracks, {report.exercises} exercises, "
                          f"{report.ksbs} KSBs; {report.retired} retired.")
