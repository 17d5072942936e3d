"""Retention with a frozen clock: work goes a set time after the learner leaves their last
cohort, access-log entries a set time after they were made; `retention --dry-run` says what
would go and deletes nothing; `grader serve` schedules the daily job."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from io import StringIO
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.test import Client

from grader.service import access_log, invitations, retention
from grader.service.models import AccessEvent, AccessKind, Invitation, Submission, User

pytestmark = pytest.mark.django_db(transaction=True)
LONDON = ZoneInfo("Europe/London")
START = datetime(2027, 1, 11, 9, 0, tzinfo=LONDON)


@pytest.fixture
def history(people: dict[str, Any], settings: object) -> dict[str, Any]:
    """On 11 January 2027: Ann (alpha) and Cat (beta) each send fines-count; Meg looks at
    Ann's. The periods are 365 days for work and 90 days for the access log."""
    from academy_helpers import notebook
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.ACADEMY_RETAIN_WORK_DAYS = 365
    settings.ACADEMY_RETAIN_ACCESS_LOG_DAYS = 90
    with time_machine.travel(START, tick=False):
        for who in ("ann", "cat"):
            client = Client()
            client.force_login(people[who])
            assert client.post("/api/v1/submissions", {"exercise": "fines-count", "notebook":
                SimpleUploadedFile("fines-count.ipynb", notebook("fines-count"))}
            ).status_code == 201
        access_log.record_submission(people["meg"], Submission.objects.get(
            learner=people["ann"]), AccessKind.SUBMISSION)
    return people


def _dry_run() -> str:
    out = StringIO()
    call_command("retention", "--dry-run", stdout=out)
    return out.getvalue()


def test_work_goes_a_year_after_the_cohort_ends(history) -> None:  # noqa: ANN001
    history["alpha"].ended_on = date(2027, 3, 31)
    history["alpha"].save()
    # 365 days after the end of 31 March 2027 is the end of 30 March 2028 (a leap year).
    with time_machine.travel(datetime(2028, 3, 30, 23, 0, tzinfo=LONDON), tick=False):
        assert retention.plan().submissions == 0
    with time_machine.travel(datetime(2028, 4, 2, 9, 0, tzinfo=LONDON), tick=False):
        out = _dry_run()
        assert "(dry run: nothing deleted)" in out
        assert "submissions (with notebooks, grades, feedback and marks): 1, of 1 learner(s)" in out
        assert Submission.objects.count() == 2  # the dry run deleted nothing
        done = retention.apply()
    assert done.learners == (history["ann"].pk,)
    assert list(Submission.objects.values_list("learner__email", flat=True)) == [
        "cat.learner@camden.example"]  # beta has not ended: Cat keeps her work
    assert User.objects.filter(pk=history["ann"].pk).exists()  # the account stays


def test_a_learner_taken_out_of_their_last_cohort_is_counted_from_that_day(history) -> None:  # noqa: ANN001
    with time_machine.travel(datetime(2027, 6, 1, 10, 0, tzinfo=LONDON), tick=False):
        history["beta"].learners.remove(history["cat"])
    cat = User.objects.get(pk=history["cat"].pk)
    assert cat.left_cohorts_at == datetime(2027, 6, 1, 10, 0, tzinfo=LONDON)
    with time_machine.travel(datetime(2028, 5, 30, tzinfo=LONDON), tick=False):
        assert retention.plan().learners == ()
    with time_machine.travel(datetime(2028, 6, 2, tzinfo=LONDON), tick=False):
        assert retention.plan().learners == (cat.pk,)
    history["alpha"].learners.add(cat)  # joining a cohort again clears the date
    assert User.objects.get(pk=cat.pk).left_cohorts_at is None


def test_access_log_entries_go_after_their_own_period(history) -> None:  # noqa: ANN001
    with time_machine.travel(START + timedelta(days=89), tick=False):
        assert retention.apply().access_log_entries == 0
    with time_machine.travel(START + timedelta(days=91), tick=False):
        assert "'who looked at my work' entries older than 90 days: 1" in _dry_run()
        assert retention.apply().access_log_entries == 1
    assert AccessEvent.objects.count() == 0
    assert Submission.objects.count() == 2  # cohorts still running: the work stays


def test_used_and_old_invitations_go(history) -> None:  # noqa: ANN001
    with time_machine.travel(START, tick=False):
        invitations.create(history["bob"])
    with time_machine.travel(START + timedelta(days=8), tick=False):
        assert retention.apply().invitations == 1
    assert Invitation.objects.count() == 0


def test_the_daily_job_is_scheduled(db) -> None:  # noqa: ANN001
    from django_q.models import Schedule

    retention.ensure_schedule()
    retention.ensure_schedule()
    job = Schedule.objects.get(name="academy-retention")
    assert job.func == "grader.service.retention.run_scheduled"
    assert job.schedule_type == Schedule.DAILY
    assert "submissions" in retention.run_scheduled()
