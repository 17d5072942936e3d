"""Progress from the database: a cohort's grid and a learner's page, and the cohort's
database figures agree with the states worked out from each learner's submissions."""

from __future__ import annotations

import random

import pytest
from progress_helpers import days_ago, graded

from grader.service.progress import (
    cohort_progress,
    cohort_standings,
    graded_attempts,
    learner_progress,
    standings,
    track_exercises,
)
from grader.service.states import State

pytestmark = pytest.mark.django_db



def test_cohort_progress_gives_one_state_per_learner_and_exercise(people) -> None:  # noqa: ANN001
    ann, bob = people["ann"], people["bob"]
    graded(ann, "fines-count", 10, at=days_ago(3))
    graded(ann, "fines-total", 2)
    graded(bob, "fines-count", 0, max_score=12)            # Ben's 0/12 is not done
    graded(bob, "fines-total", 9, awaiting=True)
    data = cohort_progress(people["alpha"])
    ids = [e.pk for e in data.exercises]
    assert ids[:2] == ["fines-count", "fines-total"]
    rows = {r.learner.pk: r for r in data.rows}
    states = {who: [c.state for c in rows[people[who].pk].cells][:2] for who in ("ann", "bob")}
    assert states == {"ann": [State.PASSED, State.NEEDS_WORK],
                      "bob": [State.NEEDS_WORK, State.AWAITING_MARKING]}
    assert rows[ann.pk].passed == 1 and rows[bob.pk].passed == 0
    assert data.passed_percent(0) == 50 and data.passed_percent(1) == 0
    assert rows[ann.pk].last_submitted_at is not None
    assert [c.state for c in rows[ann.pk].cells][2:] == [State.NOT_STARTED] * (len(ids) - 2)


def test_work_of_another_cohorts_learner_is_not_in_the_grid(people) -> None:  # noqa: ANN001
    graded(people["cat"], "fines-count", 10)
    data = cohort_progress(people["alpha"])
    assert people["cat"].pk not in {r.learner.pk for r in data.rows}
    assert all(c.state is State.NOT_STARTED for r in data.rows for c in r.cells)


def test_ungraded_and_rejected_work_is_not_started(people) -> None:  # noqa: ANN001
    from grader.service.models import SubmissionStatus

    sub = graded(people["ann"], "fines-count", 10)
    sub.status = SubmissionStatus.REJECTED
    sub.save()
    (tp,) = learner_progress(people["ann"])
    ep = next(e for e in tp.exercises if e.exercise.pk == "fines-count")
    assert ep.standing.state is State.NOT_STARTED and ep.attempts == (sub,)


def test_learner_progress_counts_only_passed_as_done(people) -> None:  # noqa: ANN001
    graded(people["ann"], "fines-count", 10)
    graded(people["ann"], "fines-total", 1)
    (tp,) = learner_progress(people["ann"])
    assert tp.track.pk == "apprentice-data"
    assert tp.passed == 1 and tp.percent_done == round(100 / len(tp.exercises))
    assert [e.exercise.pk for e in tp.to_do][0] == "fines-total"


def test_the_database_and_the_submissions_give_the_same_standings(people) -> None:  # noqa: ANN001
    """The cohort's GROUP BY query and `standing()` are two ways to one rule."""
    rng = random.Random(7)
    learners = [people["ann"], people["bob"]]
    exercises = track_exercises(people["alpha"].tracks.filter(graded=True))
    exercises[1].pass_percent = 75
    exercises[1].save()
    for _ in range(40):
        graded(rng.choice(learners), rng.choice(exercises).pk, rng.choice((0, 2.5, 5, 6, 7.5, 10)),
               awaiting=rng.random() < 0.3, at=days_ago(rng.randrange(30)))
    ids = [u.pk for u in learners]
    from_db = cohort_standings(ids, exercises)
    attempts = graded_attempts(ids, [e.pk for e in exercises])
    for u in learners:
        from_subs = standings(attempts, u.pk, exercises)
        for e, expected in zip(exercises, from_subs, strict=True):
            got = from_db.get(u.pk, {}).get(e.pk)
            if got is None:
                assert expected.state is State.NOT_STARTED
                continue
            assert (got.state, got.passed_at) == (expected.state, expected.passed_at)
            assert got.best_percent == pytest.approx(expected.best_percent)
            assert got.marked_percent == pytest.approx(expected.marked_percent)


def test_someone_on_no_track_has_no_progress_and_no_error(people) -> None:  # noqa: ANN001
    assert learner_progress(people["meg"]) == ()
    assert cohort_standings([people["meg"].pk], []) == {}
