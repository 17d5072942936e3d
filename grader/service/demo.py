"""A demo cohort for `make serve`: a manager, a tutor, three apprentices and some graded
history, with written answers waiting for the tutor to mark.

Idempotent: people and the cohort are created once; each run gives them new random
passwords (returned, for printing) so nothing guessable is left on a shared machine.
The history is real: the demo notebooks go through the queue and the autograder.
"""

from __future__ import annotations

import copy
import functools
import json
import logging
import secrets
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import transaction

from grader.content.notebook import CODE_STUB, TEXT_STUB, is_code, is_solution
from grader.service.cohort_import import TUTOR
from grader.service.grading import enqueue
from grader.service.markscheme import is_written_answer
from grader.service.models import Cohort, Role, Submission, Track, User

log = logging.getLogger(__name__)

DEMO_COHORT = "demo-cohort"
DEMO_PEOPLE = (
    ("priya.shah@camden.example", "Priya", "Shah", Role.MANAGER),
    ("tariq.hussain@camden.example", "Tariq", "Hussain", TUTOR),
    ("amara.okafor@camden.example", "Amara", "Okafor", Role.LEARNER),
    ("ben.kowalski@camden.example", "Ben", "Kowalski", Role.LEARNER),
    ("chloe.martin@camden.example", "Chloé", "Martin", Role.LEARNER),
)


@dataclass(frozen=True)
class DemoLogin:
    email: str
    password: str
    role: str


def _blank_answers(nb: dict) -> dict:
    """The notebook as a learner who wrote nothing would send it."""
    nb = copy.deepcopy(nb)
    for cell in nb.get("cells", []):
        if is_solution(cell):
            if is_code(cell):
                cell["source"], cell["outputs"] = CODE_STUB, []
            else:
                cell["source"] = TEXT_STUB
    return nb


DEMO_WRITTEN_ANSWER = (
    "The figures point to a clear pattern, and I would lead with it. But they have limits: "
    "some records are missing, and these figures are synthetic. I would check the gaps with "
    "the data owner before sharing the results."
)
"""What the demo apprentices write in every written answer (not the model answer)."""


def _own_words(nb: dict) -> dict:
    """The instructor notebook with each written answer in a learner's words."""
    nb = copy.deepcopy(nb)
    for cell in nb.get("cells", []):
        if is_written_answer(cell):
            cell["source"] = DEMO_WRITTEN_ANSWER
    return nb


def _history(learners: list[User], cohort: Cohort) -> int:
    """Queue real notebooks: Amara answers the first three exercises, Ben the first one
    badly and the second well. Their written answers wait for the tutor."""
    if Submission.objects.filter(learner__in=learners).exists():
        return 0
    exercises = [te.exercise for t in cohort.tracks.all()
                 for te in t.trackexercise_set.select_related("exercise").order_by("position")]
    plan = [(learners[0], ex, True) for ex in exercises[:3]]
    plan += [(learners[1], ex, False) for ex in exercises[:1]]
    plan += [(learners[1], ex, True) for ex in exercises[1:2]]
    created = []
    for learner, ex, good in plan:
        path = Path(settings.ACADEMY_ROOT) / "exercises" / ex.pk / ex.notebook
        if not path.is_file():
            continue
        nb = json.loads(path.read_text(encoding="utf-8"))
        data = json.dumps(_own_words(nb) if good else _blank_answers(nb)).encode()
        created.append(Submission.objects.create(
            learner=learner, exercise=ex, notebook=data, filename=ex.notebook,
            size_bytes=len(data), sha256="demo", source="demo"))
    for sub in created:
        transaction.on_commit(functools.partial(enqueue, sub.pk))
    return len(created)


@transaction.atomic
def load_demo() -> list[DemoLogin]:
    """Create the demo cohort (if missing), reset its passwords, queue its history."""
    cohort, _ = Cohort.objects.get_or_create(slug=DEMO_COHORT, defaults={"name": "Demo cohort"})
    cohort.tracks.add(*Track.objects.filter(graded=True, active=True))
    logins, learners = [], []
    for email, first, last, role in DEMO_PEOPLE:
        user, _ = User.objects.get_or_create(username=email, defaults={
            "email": email, "first_name": first, "last_name": last,
            "role": Role.LEARNER if role == TUTOR else role})
        password = "demo-" + secrets.token_urlsafe(9)
        user.set_password(password)
        user.save()
        logins.append(DemoLogin(email, password, role))
        if role == Role.MANAGER:
            cohort.managers.add(user)
        elif role == TUTOR:
            cohort.tutors.add(user)
        else:
            cohort.learners.add(user)
            learners.append(user)
    queued = _history(learners, cohort)
    log.info("demo cohort ready; %d demo submissions queued", queued)
    return logins
