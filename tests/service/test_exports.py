"""Gradebook exports: each format's documented columns, pinned; grades only when marked."""

from __future__ import annotations

import csv
import io
from types import SimpleNamespace

from grader.service.exports import (
    CANVAS_USER_COLUMNS,
    MOODLE_USER_COLUMNS,
    canvas_csv,
    moodle_csv,
    progress_csv,
)
from grader.service.progress import CohortProgress, LearnerRow
from grader.service.states import NOT_STARTED, Standing, State

# Moodle's grade import maps a user column (we give "Email address", mapped to the user's
# email) and one column per grade item. Canvas's gradebook import reads its export: these
# five columns, then "<assignment> (<id>)", with a "Points Possible" row under the heading.
MOODLE = ["First name", "Last name", "Email address"]
CANVAS = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]

PASSED = Standing(State.PASSED, 90.0, 90.0, "2026-03-02 10:00:00")
AWAITING_AFTER_MARKED = Standing(State.AWAITING_MARKING, 80.0, 40.0, None)
AWAITING_ONLY = Standing(State.AWAITING_MARKING, 70.0, None, None)


def person(first: str, last: str, email: str) -> SimpleNamespace:
    return SimpleNamespace(first_name=first, last_name=last, email=email, pk=1,
                           display_name=f"{first} {last}".strip())


def cohort() -> CohortProgress:
    exercises = (SimpleNamespace(pk="fines-count", title="Fines per street"),
                 SimpleNamespace(pk="fines-total", title="Total, of fines"))
    rows = (
        LearnerRow(person("Ann", "Learner", "ann@camden.example"),
                   (PASSED, AWAITING_AFTER_MARKED), None),
        LearnerRow(person("=HYPERLINK(1)", "Bob", "bob@camden.example"),
                   (AWAITING_ONLY, NOT_STARTED), None),
    )
    return CohortProgress(SimpleNamespace(name="Alpha cohort"), exercises, rows)  # type: ignore[arg-type]


def rows_of(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def test_moodle_columns_are_pinned() -> None:
    assert list(MOODLE_USER_COLUMNS) == MOODLE
    rows = rows_of(moodle_csv(cohort()))
    assert rows[0] == [*MOODLE, "Fines per street (fines-count)", "Total, of fines (fines-total)"]
    assert rows[1] == ["Ann", "Learner", "ann@camden.example", "90.0", "40.0"]
    assert rows[2] == ["'=HYPERLINK(1)", "Bob", "bob@camden.example", "", ""]


def test_canvas_columns_are_pinned() -> None:
    assert list(CANVAS_USER_COLUMNS) == CANVAS
    rows = rows_of(canvas_csv(cohort()))
    assert rows[0] == [*CANVAS, "Fines per street (fines-count)", "Total, of fines (fines-total)"]
    assert rows[1] == ["Points Possible", "", "", "", "", "100", "100"]
    assert rows[2] == ["Learner, Ann", "", "", "ann@camden.example", "Alpha cohort", "90.0", "40.0"]
    assert rows[3][:6] == ["Bob, =HYPERLINK(1)", "", "", "bob@camden.example", "Alpha cohort", ""]


def test_progress_csv_says_the_state_in_words() -> None:
    rows = rows_of(progress_csv(cohort()))
    assert rows[1][:10] == ["Ann Learner", "ann@camden.example", "1", "50", "Passed", "90.0",
                            "2026-03-02", "Awaiting marking", "80.0", ""]
    assert rows[2][4:10] == ["Awaiting marking", "70.0", "", "Not started", "", ""]
    assert rows[-1] == ["Learners who passed (%)", "", "", "", "50", "", "", "0", "", ""]
