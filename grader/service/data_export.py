"""See and download: everything the academy holds about a person, as one zip.

    my-data.json                       account, cohorts, submissions with their grades, marks
                                       and comments, marks given as a tutor, who looked at
                                       their work, self-study records, erasure requests
    notebooks/<exercise>/<when>-<id>.ipynb   each notebook exactly as it was sent
    README.txt                         what each part is

`GET /api/v1/me/export` returns it; the academy's pages link to it. Built from the same
rules as the pages: a learner's marks appear once marking is finished, as on their pages.
"""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone

from grader.service import access_log
from grader.service.models import ErasureRequest, Mark, StudyProgress, Submission, User

EXPORT_FORMAT = "camden-data-academy-my-data"
EXPORT_VERSION = 1
NOTEBOOKS_DIR = "notebooks"


@dataclass(frozen=True)
class BuiltExport:
    filename: str
    data: bytes


def _when(value: Any) -> str | None:
    return value.isoformat() if value else None


def _account(user: User) -> dict[str, Any]:
    return {
        "id": user.pk, "email": user.email, "username": user.username,
        "first_name": user.first_name, "last_name": user.last_name, "role": user.role,
        "directorate": user.directorate, "service": user.service,
        "joined_at": _when(user.date_joined), "last_sign_in_at": _when(user.last_login),
        "has_password": user.has_usable_password(),
        "keeps_self_study_progress_since": _when(user.keeps_progress_since),
    }


def _cohorts(user: User) -> list[dict[str, Any]]:
    places = (("learner", user.learner_cohorts), ("manager", user.managed_cohorts),
              ("tutor", user.tutored_cohorts))
    return [{"name": c.name, "slug": c.slug, "as": role, "ended_on": _when(c.ended_on),
             "tracks": [t.title for t in c.tracks.all()]}
            for role, related in places for c in related.prefetch_related("tracks")]


def notebook_path(sub: Submission) -> str:
    stamp = timezone.localtime(sub.created_at).strftime("%Y-%m-%d-%H%M%S")
    return f"{NOTEBOOKS_DIR}/{sub.exercise_id}/{stamp}-{str(sub.pk)[:8]}.ipynb"


def _submission(sub: Submission) -> dict[str, Any]:
    grade = getattr(sub, "grade", None)
    released = not sub.awaiting_marking
    return {
        "id": str(sub.pk), "exercise": {"id": sub.exercise_id, "title": sub.exercise.title},
        "sent_at": _when(sub.created_at), "file_name": sub.filename,
        "status": sub.status, "notebook": notebook_path(sub),
        "score": sub.total_score if released else (grade.score if grade else None),
        "max_score": grade.max_score if grade else None,
        "reason": grade.reason if grade else "",
        "checks": grade.cells if grade else [],
        "written_answers": sub.written_answers,
        "marks": [{"question": m.grade_id, "score": m.score, "comment": m.comment,
                   "marked_at": _when(m.marked_at)} for m in sub.marks.all()]
        if released else "Not shown yet: your tutor has not finished marking this submission.",
    }


def _marks_given(user: User) -> list[dict[str, Any]]:
    return [{"submission": str(m.submission_id), "question": m.grade_id, "score": m.score,
             "comment": m.comment, "marked_at": _when(m.marked_at)}
            for m in Mark.objects.filter(marked_by=user).order_by("marked_at")]


SECTIONS: tuple[tuple[str, Callable[[User], Any]], ...] = (
    ("account", _account),
    ("cohorts", _cohorts),
    ("submissions", lambda u: [_submission(s) for s in _submissions(u)]),
    ("marks_given_as_tutor", _marks_given),
    ("who_looked_at_my_work", lambda u: [access_log.serialise(e)
                                          for e in access_log.events_for(u)]),
    ("self_study_progress", lambda u: [
        {"key": p.key, "state": p.state, "first_at": _when(p.first_at),
         "updated_at": _when(p.updated_at)}
        for p in StudyProgress.objects.filter(user=u).order_by("key")]),
    ("erasure_requests", lambda u: [
        {"requested_at": _when(r.requested_at), "status": r.status, "note": r.note,
         "decided_at": _when(r.decided_at), "refusal_reason": r.refusal_reason}
        for r in ErasureRequest.objects.filter(learner=u)]),
)
"""The parts of my-data.json, in the order a person reads them: who they are first."""


def _submissions(user: User) -> list[Submission]:
    return list(Submission.objects.filter(learner=user).select_related("exercise", "grade")
                .prefetch_related("marks").order_by("created_at"))


def build_export(user: User) -> BuiltExport:
    now = timezone.now()
    data = {"format": EXPORT_FORMAT, "version": EXPORT_VERSION, "exported_at": now.isoformat()}
    data.update((name, make(user)) for name, make in SECTIONS)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("my-data.json", json.dumps(data, indent=2, ensure_ascii=False))
        zf.writestr("README.txt", render_to_string("academy/export_readme.txt", {
            "user": user, "now": now, "data": data}))
        for sub in Submission.objects.filter(learner=user).iterator(chunk_size=20):
            zf.writestr(notebook_path(sub), bytes(sub.notebook))
    return BuiltExport(f"camden-data-academy-my-data-{now:%Y-%m-%d}.zip", buffer.getvalue())
