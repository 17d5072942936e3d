"""The number of queries of every cohort page and file does not grow with the cohort."""

from __future__ import annotations

import pytest
from django.test import Client
from progress_helpers import days_ago, graded

pytestmark = pytest.mark.django_db

QUERIES = {
    # url: queries, whatever the number of learners
    "/academy/cohorts/alpha/": 10,
    "/academy/cohorts/alpha/ksbs/": 13,
    "/academy/cohorts/alpha/progress.csv": 7,
    "/academy/cohorts/alpha/export/moodle.csv": 7,
    "/academy/cohorts/alpha/export/canvas.csv": 7,
    "/api/v1/cohorts/alpha/progress": 10,
}


def grow(people, make_user, learners: int) -> None:  # noqa: ANN001
    """Cohort alpha with `learners` learners, each with graded work and marks."""
    cohort = people["alpha"]
    for i in range(learners - cohort.learners.count()):
        cohort.learners.add(make_user(f"extra{i}.learner@camden.example"))
    for n, learner in enumerate(cohort.learners.all()):
        graded(learner, "fines-count", n % 11, at=days_ago(n % 20),
               marks=(("explain", 1, "Fine."),))
        graded(learner, "fines-total", 10, awaiting=n % 2 == 0)


@pytest.mark.parametrize("learners", [2, 12])
@pytest.mark.parametrize("url", sorted(QUERIES))
def test_queries_do_not_grow_with_learners(people, make_user, django_assert_num_queries,  # noqa: ANN001
                                           learners: int, url: str) -> None:
    grow(people, make_user, learners)
    client = Client()
    client.force_login(people["meg"])
    with django_assert_num_queries(QUERIES[url]):
        response = client.get(url)
    assert response.status_code == 200
    body = response.content.decode()
    assert body.count("Learner") >= learners   # every learner is in the answer
