"""The service's view of exercise notebooks: the one `Limits`, where an exercise's instructor
notebook is, and which exercise a learner's notebook belongs to.

A notebook belongs to an exercise when it carries that exercise's own graded cells: the grade
ids the autograder's precheck asks for (none unknown, none missing) and, when the notebook was
released by nbgrader, the checksums nbgrader wrote into those cells. Grade ids alone are not
enough: many exercises share ids such as `q1` or `load`.
"""

from __future__ import annotations

import dataclasses
import logging
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from nbformat import NotebookNode

from grader.autograde.limits import Limits
from grader.autograde.precheck import Rejected, check_grade_ids
from grader.autograde.source import InstructorNotebook, SourceError, load_instructor
from grader.content.notebook import checksum, grade_id
from grader.service.models import Exercise

log = logging.getLogger(__name__)


def grading_limits() -> Limits:
    """The limits of intake and grader alike, from settings (`ACADEMY_MAX_NOTEBOOK_BYTES`)."""
    return dataclasses.replace(Limits(), max_file_bytes=settings.ACADEMY_MAX_NOTEBOOK_BYTES)


def instructor_path(exercise: Exercise) -> Path:
    """The instructor notebook on this machine (never sent to learners)."""
    return Path(settings.ACADEMY_ROOT) / "exercises" / exercise.pk / exercise.notebook


def instructor_of(exercise: Exercise) -> InstructorNotebook | None:
    """The prepared instructor notebook, or None when this machine cannot read it."""
    try:
        return load_instructor(instructor_path(exercise))
    except SourceError as error:
        log.error("exercise %s: %s", exercise.pk, error)
        return None


@dataclass(frozen=True)
class Fit:
    """How well a learner's notebook matches one exercise."""

    ids_fit: bool
    """The precheck's grade-id check passes: no unknown, duplicated or missing graded cell."""
    checksums_seen: int
    """Cells whose nbgrader checksum could be compared with the exercise's (0: none carried)."""
    checksums_equal: int
    """Of those, how many are the exercise's own."""

    @property
    def confirmed(self) -> bool:
        """Ids fit, and every checksum it carries is this exercise's (released from it as it
        is now; a notebook from an older release of it fits by ids alone)."""
        return self.ids_fit and self.checksums_equal == self.checksums_seen


def fit(nb: NotebookNode, instructor: InstructorNotebook) -> Fit:
    try:
        check_grade_ids(nb, instructor)
        ids_fit = True
    except Rejected:
        ids_fit = False
    reference = {gid: checksum(c) for gid, c in instructor.cells_by_id.items()}
    compared = [(checksum(c), reference[gid]) for c in nb.cells
                if (gid := grade_id(c)) in reference and checksum(c) and reference[gid]]
    return Fit(ids_fit, len(compared), sum(mine == theirs for mine, theirs in compared))


def owner_among(nb: NotebookNode, exercises: list[Exercise]) -> Exercise | None:
    """The exercise among `exercises` the notebook was most likely released from, if any."""
    best: tuple[int, Exercise] | None = None
    for exercise in exercises:
        instructor = instructor_of(exercise)
        if instructor is None:
            continue
        found = fit(nb, instructor)
        if found.confirmed and (best is None or found.checksums_equal > best[0]):
            best = (found.checksums_equal, exercise)
    return best[1] if best else None


def other_owner(nb: NotebookNode, exercise: Exercise) -> Exercise | None:
    """Another active exercise this notebook belongs to, for a message naming both."""
    others = list(Exercise.objects.filter(active=True).exclude(pk=exercise.pk).order_by("pk"))
    return owner_among(nb, others)
