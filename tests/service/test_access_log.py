"""Who looked at my work: every kind of look by someone other than the learner is recorded
(who, when, what), a look at one's own work is not, a refused look is not, and only the
learner can read the list (their pages and `GET /api/v1/me/access-log`)."""

from __future__ import annotations

from typing import Any

import pytest
from academy_helpers import REPORT
from django.test import Client

from grader.service.models import AccessEvent, AccessKind

pytestmark = pytest.mark.django_db(transaction=True)


def _as(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_every_kind_of_look_is_recorded_once_with_who_when_and_what(awaiting) -> None:  # noqa: ANN001
    ann, meg, tess = awaiting["ann"], awaiting["meg"], awaiting["tess"]
    sub = awaiting["ann_report"]
    admin = awaiting["ann"].__class__.objects.create_superuser(
        "ada.admin@camden.example", "ada.admin@camden.example", "x-pass-12345", role="admin",
        first_name="Ada", last_name="Admin")
    looks = [
        (meg, f"/academy/submissions/{sub.pk}/", AccessKind.SUBMISSION),
        (meg, f"/api/v1/submissions/{sub.pk}", AccessKind.SUBMISSION),
        (meg, f"/academy/submissions/{sub.pk}/feedback/", AccessKind.FEEDBACK),
        (tess, f"/academy/marking/alpha/{REPORT}/{sub.pk}/answer-why/?by=question",
         AccessKind.ANSWER),
        (tess, f"/academy/submissions/{sub.pk}/history/", AccessKind.HISTORY),
        (tess, f"/api/v1/submissions/{sub.pk}/history", AccessKind.HISTORY),
        (meg, f"/academy/learners/{ann.pk}/", AccessKind.PROGRESS),
        (meg, f"/academy/learners/{ann.pk}/ksbs/", AccessKind.KSB_PAGE),
        (meg, f"/api/v1/learners/{ann.pk}/portfolio", AccessKind.PORTFOLIO),
        (admin, f"/academy/admin/academy/submission/{sub.pk}/change/", AccessKind.SUBMISSION),
    ]
    for viewer, url, kind in looks:
        before = AccessEvent.objects.count()
        assert _as(viewer).get(url).status_code == 200, url
        event = AccessEvent.objects.latest("id")
        assert AccessEvent.objects.count() == before + 1, url
        assert (event.learner_id, event.viewer_id, event.kind) == (ann.pk, viewer.pk, kind), url
        if kind not in (AccessKind.PROGRESS, AccessKind.KSB_PAGE, AccessKind.PORTFOLIO):
            assert event.submission_id == sub.pk
            assert event.what.startswith("Report on fines, sent ")
    roles = list(AccessEvent.objects.order_by("id").values_list("viewer_role", flat=True))
    assert roles == ["tutor"] * 9 + ["admin"]  # Meg manages and tutors alpha: tutoring counts

    entries = _as(ann).get("/api/v1/me/access-log").json()["entries"]
    assert len(entries) == len(looks)
    newest = entries[0]
    assert newest["who"] == "Ada Admin" and newest["role"] == "admin"
    assert newest["what"].startswith("a submission: Report on fines, sent ")
    assert newest["submission"] == str(sub.pk) and newest["at"]
    page = _as(ann).get("/academy/me/").content.decode()
    assert "Who looked at your work" in page and "Meg Manager" in page
    assert "Tess Tutor" in _as(ann).get("/academy/me/data/").content.decode()


def test_own_looks_and_refused_looks_are_not_recorded(awaiting) -> None:  # noqa: ANN001
    ann, cat, sub = awaiting["ann"], awaiting["cat"], awaiting["ann_report"]
    own = _as(ann)
    for url in (f"/academy/submissions/{sub.pk}/", f"/api/v1/submissions/{sub.pk}",
                f"/academy/submissions/{sub.pk}/feedback/", f"/academy/learners/{ann.pk}/",
                f"/academy/learners/{ann.pk}/ksbs/",
                f"/api/v1/learners/{ann.pk}/portfolio"):
        assert own.get(url).status_code == 200, url
    other = _as(cat)  # another cohort: 404, and nothing recorded
    assert other.get(f"/academy/submissions/{sub.pk}/").status_code == 404
    assert other.get(f"/academy/learners/{ann.pk}/ksbs/").status_code == 404
    assert AccessEvent.objects.count() == 0


def test_only_the_learner_reads_their_list(awaiting) -> None:  # noqa: ANN001
    ann, bob, meg = awaiting["ann"], awaiting["bob"], awaiting["meg"]
    _as(meg).get(f"/academy/submissions/{awaiting['ann_report'].pk}/")
    assert len(_as(ann).get("/api/v1/me/access-log").json()["entries"]) == 1
    assert _as(bob).get("/api/v1/me/access-log").json()["entries"] == []
    assert _as(meg).get("/api/v1/me/access-log").json()["entries"] == []
    assert Client().get("/api/v1/me/access-log").status_code == 401
    assert "Nobody else has opened your work yet." in _as(bob).get("/academy/me/").content.decode()
