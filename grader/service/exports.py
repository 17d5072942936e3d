"""Cohort exports as CSV: the academy's own progress file, and gradebook imports for Moodle
and Canvas, the learning systems councils use.

A gradebook gets one grade per learner and exercise: the learner's best **fully marked**
score, as a percent of the exercise's points (0 to 100, one decimal place). Work still
awaiting marking, and exercises not started, are left blank, which both systems read as
"no grade" (they do not overwrite a grade with a blank). Percentages suit both systems' new
grade items, whose maximum is 100 unless set otherwise.

- Moodle's grade import (Grades, then Import, then CSV file) maps a column to a user field:
  we give `Email address`, to map to the user's email (Moodle's "useremail"). The names
  come first for people reading the file; Moodle ignores the columns it is told to.
- Canvas's gradebook import (Grades, then Import) reads its export's layout: `Student`
  ("Last, First"), `ID`, `SIS User ID`, `SIS Login ID`, `Section`, then one column per
  assignment named `<title> (<id>)`, with a "Points Possible" row under the headings. We
  give the email as the SIS Login ID and the cohort as the Section. `ID` and `SIS User ID`
  are Canvas's own numbers, which the academy does not know: they are left blank, so that
  Canvas matches people by login, never by a number that could be someone else's.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

from grader.service.models import Exercise, User
from grader.service.progress import CohortProgress, LearnerRow, Standing

MOODLE_USER_COLUMNS = ("First name", "Last name", "Email address")
CANVAS_USER_COLUMNS = ("Student", "ID", "SIS User ID", "SIS Login ID", "Section")
CANVAS_POINTS_ROW = "Points Possible"
GRADEBOOK_MAX = 100
PROGRESS_COLUMNS = ("Learner", "Email", "Passed", "Passed (%)")
PROGRESS_PER_EXERCISE = ("state", "best (%)", "passed on")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe(value: object) -> str:
    """Stop spreadsheet programs treating a cell as a formula (CSV injection)."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _csv(rows: Iterable[Sequence[object]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    for row in rows:
        writer.writerow([safe(v) for v in row])
    return out.getvalue()


def exercise_column(exercise: Exercise) -> str:
    """`<title> (<id>)`, as Canvas names an assignment column."""
    return f"{exercise.title} ({exercise.pk})"


def gradebook_value(cell: Standing) -> str:
    """The best fully marked percent, or blank."""
    return "" if cell.marked_percent is None else f"{cell.marked_percent:.1f}"


def _percent(value: float | None) -> str:
    return "" if value is None else f"{value:.1f}"


def progress_csv(progress: CohortProgress) -> str:
    """One row per learner: passed count, then state, best percent and pass date per exercise.
    The last row gives the percent of learners who passed each exercise."""
    header = list(PROGRESS_COLUMNS)
    for e in progress.exercises:
        header += [f"{e.pk} {part}" for part in PROGRESS_PER_EXERCISE]

    def row(r: LearnerRow) -> list[object]:
        out: list[object] = [r.learner.display_name, r.learner.email, r.passed, r.percent_done]
        for c in r.cells:
            out += [c.label, _percent(c.best_percent),
                    c.passed_at.date().isoformat() if c.passed_at else ""]
        return out

    totals: list[object] = ["Learners who passed (%)", "", "", ""]
    for i in range(len(progress.exercises)):
        totals += [progress.passed_percent(i), "", ""]
    return _csv([header, *(row(r) for r in progress.rows), totals])


def _names(user: User) -> tuple[str, str]:
    return user.first_name or user.display_name, user.last_name


def moodle_csv(progress: CohortProgress) -> str:
    header = [*MOODLE_USER_COLUMNS, *(exercise_column(e) for e in progress.exercises)]
    rows = [[*_names(r.learner), r.learner.email, *(gradebook_value(c) for c in r.cells)]
            for r in progress.rows]
    return _csv([header, *rows])


def _sortable_name(user: User) -> str:
    first, last = _names(user)
    return f"{last}, {first}" if last else first


def canvas_csv(progress: CohortProgress) -> str:
    header = [*CANVAS_USER_COLUMNS, *(exercise_column(e) for e in progress.exercises)]
    points = [CANVAS_POINTS_ROW, "", "", "", "", *([GRADEBOOK_MAX] * len(progress.exercises))]
    rows = [[_sortable_name(r.learner), "", "", r.learner.email, progress.cohort.name,
             *(gradebook_value(c) for c in r.cells)] for r in progress.rows]
    return _csv([header, points, *rows])


EXPORTS = {
    "progress": (progress_csv, "progress"),
    "moodle": (moodle_csv, "moodle-grades"),
    "canvas": (canvas_csv, "canvas-grades"),
}
"""Export name in the URL -> (function, file name suffix)."""
