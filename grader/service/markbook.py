"""What a tutor has to mark: the written answers of a cohort's learners for one exercise.

Each learner's latest *graded* submission of the exercise is marked (a later one still
waiting for the grader is not ready; one that was rejected has nothing to mark). The answers
come in one of two orders, the two ways tutors mark (nbgrader issue #1148):

- `question`: one question across every learner, then the next question;
- `learner`: one learner's whole notebook, then the next learner.

Opening an answer reads only ids for the order, then that one answer, so it stays fast
whatever the size of the cohort (see bench/marking_bench.py).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from typing import Any

import markdown
import nh3
from django.db.models import QuerySet
from django.utils.safestring import SafeString, mark_safe

from grader.service.marking import written_answers
from grader.service.markscheme import MarkScheme, mark_schemes
from grader.service.models import (
    Cohort,
    Exercise,
    Grade,
    Mark,
    Submission,
    SubmissionStatus,
    User,
)

ANSWER_TAGS = frozenset({
    "p", "br", "em", "strong", "code", "pre", "ul", "ol", "li", "blockquote", "hr", "a",
    "table", "thead", "tbody", "tr", "th", "td",
})
"""Markup a rendered answer may keep. No headings (they would break the page's outline),
no images (they would fetch from other hosts), no script, style, forms or frames."""
ANSWER_ATTRIBUTES = {"a": {"href"}}
ANSWER_URL_SCHEMES = frozenset({"http", "https", "mailto"})
MARKDOWN_EXTENSIONS = ("fenced_code", "tables", "sane_lists")
LEARNER_ORDER = ("learner__first_name", "learner__last_name", "learner__email")
"""The order learners come in, on every marking page and in the API."""


class Order(StrEnum):
    QUESTION = "question"
    """One question for every learner, then the next question."""
    LEARNER = "learner"
    """One learner's whole notebook, then the next learner."""


_converters = threading.local()
"""One Markdown converter per thread (they keep state between calls; the web server has
several threads). Reusing one halves the time of a conversion."""


def render_markdown(text: str) -> SafeString:
    """Markdown to HTML that is safe to put in a page: rendered, then sanitised by nh3
    (script and style removed with their content, links given rel="noopener noreferrer")."""
    return mark_safe(_render(text))  # noqa: S308 (sanitised by nh3 in _render)


@lru_cache(maxsize=4096)
def _render(text: str) -> str:
    # Cached by the text: a tutor going back and forth, or the API listing a cohort again,
    # renders each answer once.
    converter = getattr(_converters, "markdown", None)
    if converter is None:
        converter = _converters.markdown = markdown.Markdown(
            extensions=list(MARKDOWN_EXTENSIONS), output_format="html")
    html = converter.reset().convert(text)
    return nh3.clean(html, tags=set(ANSWER_TAGS),
                     attributes={k: set(v) for k, v in ANSWER_ATTRIBUTES.items()},
                     url_schemes=set(ANSWER_URL_SCHEMES))


@dataclass(frozen=True)
class Question:
    """A written answer of the exercise, with its mark scheme (tutors only)."""

    grade_id: str
    number: int
    """1 for the first written answer of the notebook."""
    max_score: float
    scheme: MarkScheme | None
    automatic: float | None = None
    """The autograder's score: 0 for an answer left as released (nothing to mark), else
    None."""

    @property
    def points_html(self) -> SafeString:
        return render_markdown(self.scheme.marking_points if self.scheme else "")

    @property
    def model_html(self) -> SafeString:
        return render_markdown(self.scheme.model_answer if self.scheme else "")


@dataclass(frozen=True)
class Answer:
    """One learner's answer to one question, and its current mark."""

    submission: Submission
    question: Question
    text: str
    mark: Mark | None

    @property
    def html(self) -> SafeString:
        return render_markdown(self.text)

    @property
    def needs_mark(self) -> bool:
        """No tutor's mark, and not left as released (which scores 0 by itself)."""
        return self.mark is None and self.question.automatic is None


def exercises_to_mark(cohort: Cohort) -> QuerySet[Exercise]:
    """Graded exercises of the cohort's tracks, in track order."""
    return (Exercise.objects.filter(tracks__cohorts=cohort, tracks__graded=True,
                                    tracks__active=True, active=True)
            .distinct().order_by("id"))


def questions(exercise: Exercise, grade: Grade | None = None) -> list[Question]:
    """The exercise's written answers. From a grade's cells when given (what was graded),
    else from the instructor notebook."""
    schemes = mark_schemes(exercise.pk, exercise.notebook)
    if grade is not None:
        cells = [(c["grade_id"], float(c.get("max_score") or 0), c.get("score"))
                 for c in written_answers(grade)]
    else:
        cells = [(s.grade_id, s.points, None) for s in schemes.values()]
    return [Question(gid, i, points, schemes.get(gid), auto) for i, (gid, points, auto)
            in enumerate(cells, start=1)]


def latest_graded_ids(cohort: Cohort, exercise: Exercise, tutor: User) -> list[Any]:
    """Ids of each learner's latest graded submission of the exercise, in order of learner
    name (never the tutor's own work). One query; no per-learner work."""
    rows = (Submission.objects
            .filter(exercise=exercise, status=SubmissionStatus.GRADED,
                    learner__learner_cohorts=cohort)
            .exclude(learner=tutor)
            .order_by(*LEARNER_ORDER, "learner_id", "-created_at")
            .values_list("learner_id", "pk"))
    seen: set[Any] = set()
    latest = []
    for learner_id, pk in rows:
        if learner_id not in seen:
            seen.add(learner_id)
            latest.append(pk)
    return latest


def latest_graded(cohort: Cohort, exercise: Exercise, tutor: User) -> QuerySet[Submission]:
    """Each learner's latest graded submission of the exercise, ordered by learner name."""
    return (Submission.objects.filter(pk__in=latest_graded_ids(cohort, exercise, tutor))
            .order_by(*LEARNER_ORDER))


def sequence(cohort: Cohort, exercise: Exercise, tutor: User, order: Order
             ) -> list[tuple[str, str]]:
    """(submission id, grade id) of every answer to mark, in the tutor's chosen order."""
    subs = latest_graded_ids(cohort, exercise, tutor)
    ids = [q.grade_id for q in questions(exercise)]
    if order == Order.QUESTION:
        return [(str(s), g) for g in ids for s in subs]
    return [(str(s), g) for s in subs for g in ids]


def neighbours(items: list[tuple[str, str]], current: tuple[str, str]
               ) -> tuple[tuple[str, str] | None, tuple[str, str] | None, int]:
    """(previous, next, 1-based position) of `current` in `items`."""
    try:
        index = items.index(current)
    except ValueError:
        return None, (items[0] if items else None), 0
    before = items[index - 1] if index else None
    after = items[index + 1] if index + 1 < len(items) else None
    return before, after, index + 1


def answers(cohort: Cohort, exercise: Exercise, tutor: User) -> list[Answer]:
    """Every answer to mark, learner by learner, with marks and mark schemes (two queries)."""
    subs = list(latest_graded(cohort, exercise, tutor)
                .select_related("learner", "grade", "exercise")
                .defer("notebook", "grade__feedback_html")
                .prefetch_related("marks"))
    found = []
    for sub in subs:
        marks = {m.grade_id: m for m in sub.marks.all()}
        for q in questions(exercise, sub.grade):
            found.append(Answer(sub, q, sub.written_answers.get(q.grade_id, ""),
                                marks.get(q.grade_id)))
    return found


def one_answer(sub: Submission, grade_id: str) -> Answer | None:
    """The answer to `grade_id` of a submission (with its grade loaded), or None."""
    for q in questions(sub.exercise, getattr(sub, "grade", None)):
        if q.grade_id == grade_id:
            return Answer(sub, q, sub.written_answers.get(grade_id, ""),
                          sub.marks.filter(grade_id=grade_id).first())
    return None
