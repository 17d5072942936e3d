"""Copy the course catalogue (courses/, validated by grader.content.catalogue) into the database."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from grader.content.catalogue import Audience
from grader.content.reader import load_catalogue
from grader.service.models import Exercise, Ksb, Standard, Track, TrackExercise

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SyncReport:
    tracks: int
    exercises: int
    ksbs: int
    retired: int
    """Tracks and exercises no longer in courses/, kept (their submissions stay) but inactive."""


@transaction.atomic
def sync_catalogue(root: Path) -> SyncReport:
    """Create or update standards, KSBs, exercises and tracks; retire those that went away."""
    catalogue = load_catalogue(root)
    ksbs: dict[tuple[str, str], Ksb] = {}
    for std in catalogue.standards.values():
        Standard.objects.update_or_create(
            id=std.id, defaults={"title": std.title, "level": std.level})
        for k in std.ksbs:
            ksbs[(std.id, k.code)], _ = Ksb.objects.update_or_create(
                standard_id=std.id, code=k.code, defaults={
                    "title": k.title, "workplace_only": k.workplace_only,
                    "workplace_reason": k.workplace_reason or ""})
    for ex in catalogue.exercises.values():
        exercise, _ = Exercise.objects.update_or_create(
            id=ex.id, defaults={"title": ex.title, "notebook": ex.notebook, "active": True,
                                "pass_percent": catalogue.pass_percent(ex.id)})
        standard = ex.standard or ""
        exercise.ksbs.set([ksbs[(standard, c)] for c in ex.ksbs if (standard, c) in ksbs])
    for track in catalogue.tracks:
        row, _ = Track.objects.update_or_create(id=track.id, defaults={
            "title": track.title, "graded": track.audience is Audience.GRADED,
            "standard_id": track.standard if track.standard in catalogue.standards else None,
            "active": True})
        TrackExercise.objects.filter(track=row).delete()
        position = 0
        for module in track.modules:
            for lesson in module.lessons:
                for ex_id in lesson.exercises:
                    if TrackExercise.objects.filter(track=row, exercise_id=ex_id).exists():
                        continue
                    TrackExercise.objects.create(
                        track=row, exercise_id=ex_id, position=position,
                        module_title=module.title, lesson_id=lesson.id,
                        lesson_title=lesson.title)
                    position += 1
    retired = Exercise.objects.exclude(id__in=catalogue.exercises).update(active=False)
    retired += Track.objects.exclude(id__in=[t.id for t in catalogue.tracks]).update(active=False)
    report = SyncReport(len(catalogue.tracks), len(catalogue.exercises), len(ksbs), retired)
    log.info("catalogue synced: %s", report)
    return report
