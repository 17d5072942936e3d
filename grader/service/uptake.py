"""How data literacy is spreading, in counts only: for managers and academy leads.

Counted from the self-study records of the people who chose to keep their progress on the
server (grader/service/selfstudy.py), by the directorate and service on their account. The
measures: people who started, people who finished each module of the self-study tracks
(Data essentials: every lesson read and exercise finished), people who answered every
question of a module's quizzes correctly, and people who passed each exercise's checks.

Small numbers are suppressed as the course's own lesson teaches: a count under
`ACADEMY_SMALL_NUMBER` (10) is shown as "fewer than 10", and when one count in a column is
hidden while the column's total is shown, the next smallest is hidden too, so that nobody
can work the hidden one out by subtraction. No function here returns anything about one
person.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from grader.content.activities import Quiz
from grader.content.catalogue import Audience, Catalogue
from grader.content.reader import load_catalogue
from grader.service.models import StudyProgress, User

NOT_KNOWN = "Not known"
"""The group of people whose directorate is not on the staff list or in their sign-in."""
DONE_STATES = frozenset({"read", "done", "right"})


def lesson_key(track_id: str, lesson_id: str) -> str:
    """The course site's key for a lesson (grader/sitebuild/pages.py, progress.js)."""
    return f"lesson:{track_id}/{lesson_id}"


def quiz_key(track_id: str, lesson_id: str, question_id: str) -> str:
    """The course site's key for a quiz question (grader/sitebuild/lesson_parts.py, quiz.js)."""
    return f"quiz:{track_id}/{lesson_id}/{question_id}"


def exercise_key(exercise_id: str) -> str:
    """The course site's key for an exercise (grader/sitebuild/controls.py)."""
    return f"exercise:{exercise_id}"


@dataclass(frozen=True)
class Measure:
    title: str
    keys: frozenset[str]
    """A person counts once every one of these keys is read or done; empty: any record."""


@dataclass(frozen=True)
class Cell:
    count: int | None
    """None when suppressed."""

    @property
    def text(self) -> str:
        if self.count is None:
            return f"fewer than {settings.ACADEMY_SMALL_NUMBER}"
        return str(self.count)


@dataclass(frozen=True)
class Row:
    directorate: str
    service: str
    cells: tuple[Cell, ...]


@dataclass(frozen=True)
class UptakeTable:
    measures: tuple[Measure, ...]
    rows: tuple[Row, ...]
    totals: tuple[Cell, ...]


def measures(catalogue: Catalogue) -> tuple[Measure, ...]:
    """Started; each module of each self-study track finished and its quizzes answered
    correctly; each exercise passed."""
    found = [Measure("Started", frozenset())]
    exercises = []
    for track in catalogue.tracks:
        if track.audience is not Audience.SELF_STUDY:
            continue
        for module in track.modules:
            keys = {lesson_key(track.id, lesson.id) for lesson in module.lessons}
            keys |= {exercise_key(e) for lesson in module.lessons for e in lesson.exercises}
            found.append(Measure(f"Finished the module {module.title}", frozenset(keys)))
            questions = frozenset(
                quiz_key(track.id, lesson.id, q.id) for lesson in module.lessons
                for activity in lesson.activities if isinstance(activity, Quiz)
                for q in activity.questions)
            if questions:
                found.append(Measure(f"Answered the quizzes of {module.title} correctly",
                                     questions))
            exercises += [e for lesson in module.lessons for e in lesson.exercises]
    for exercise_id in dict.fromkeys(exercises):
        title = catalogue.exercises[exercise_id].title
        found.append(Measure(f"Passed the checks of {title}",
                             frozenset({exercise_key(exercise_id)})))
    return tuple(found)


def _done_keys() -> dict[int, set[str]]:
    """Per person who opted in: their keys read or done (a person with any record is in)."""
    done: dict[int, set[str]] = defaultdict(set)
    rows = StudyProgress.objects.filter(user__keeps_progress_since__isnull=False,
                                        user__is_active=True)
    for user_id, key, state in rows.values_list("user_id", "key", "state").iterator():
        done[user_id]  # noqa: B018 (a person who has only started is counted as started)
        if state in DONE_STATES:
            done[user_id].add(key)
    return done


def suppress(counts: list[int], total: int) -> tuple[list[Cell], Cell]:
    """Hide counts under the threshold; if exactly one is hidden and the total is shown,
    hide the next smallest as well (complementary suppression)."""
    small = settings.ACADEMY_SMALL_NUMBER
    hidden = {i for i, c in enumerate(counts) if c < small}
    total_cell = Cell(total if total >= small else None)
    if len(hidden) == 1 and total_cell.count is not None and len(counts) > 1:
        shown = sorted((c, i) for i, c in enumerate(counts) if i not in hidden)
        hidden.add(shown[0][1])
    return [Cell(None if i in hidden else c) for i, c in enumerate(counts)], total_cell


def uptake_table(root: Path | None = None) -> UptakeTable:
    catalogue = load_catalogue(Path(root or settings.ACADEMY_ROOT))
    wanted = measures(catalogue)
    done = _done_keys()
    areas = dict(User.objects.filter(pk__in=list(done)).values_list("pk", "directorate"))
    services = dict(User.objects.filter(pk__in=list(done)).values_list("pk", "service"))
    groups: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0] * len(wanted))
    for user_id, keys in done.items():
        group = (areas[user_id] or NOT_KNOWN, services[user_id] if areas[user_id] else "")
        for i, measure in enumerate(wanted):
            if measure.keys <= keys:
                groups[group][i] += 1
    names = sorted(groups, key=lambda g: (g[0] == NOT_KNOWN, g))
    columns = []
    totals = []
    for i in range(len(wanted)):
        cells, total = suppress([groups[g][i] for g in names], sum(groups[g][i] for g in names))
        columns.append(cells)
        totals.append(total)
    rows = tuple(Row(d, s, tuple(col[j] for col in columns)) for j, (d, s) in enumerate(names))
    return UptakeTable(wanted, rows, tuple(totals))


@dataclass(frozen=True)
class MonthCount:
    month: date
    """The first day of the month."""
    started: Cell
    """People who had started by the end of the month."""


def uptake_by_month(*, today: date | None = None) -> tuple[MonthCount, ...]:
    """People who had started by the end of each month, from the first month to this one."""
    firsts: dict[int, date] = {}
    rows = StudyProgress.objects.filter(user__keeps_progress_since__isnull=False,
                                        user__is_active=True)
    for user_id, at in rows.values_list("user_id", "first_at").iterator():
        day = timezone.localtime(at).date()
        firsts[user_id] = min(day, firsts.get(user_id, day))
    if not firsts:
        return ()
    last = max(today or timezone.localdate(), *firsts.values()).replace(day=1)
    month = min(firsts.values()).replace(day=1)
    months = []
    while month <= last:
        following = date(month.year + month.month // 12, month.month % 12 + 1, 1)
        count = sum(1 for day in firsts.values() if day < following)
        months.append(MonthCount(month, suppress([count], count)[1]))
        month = following
    return tuple(months)


CHART_WIDTH, CHART_HEIGHT = 640, 260
CHART_LEFT, CHART_RIGHT, CHART_TOP, CHART_BOTTOM = 48, 624, 16, 220
Y_TICKS = 4


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str
    """The month, under the bar."""
    value: str
    """The count, or "fewer than 10" (then the bar has no height and says "<10")."""

    @property
    def centre(self) -> float:
        return round(self.x + self.width / 2, 1)


@dataclass(frozen=True)
class UptakeChart:
    """Bars of people who had started, month by month; the markup is in
    templates/academy/_uptake_chart.html, and the table beside it is its text alternative."""

    bars: tuple[Bar, ...]
    y_ticks: tuple[tuple[float, str], ...]
    summary: str
    width: int = CHART_WIDTH
    height: int = CHART_HEIGHT
    left: int = CHART_LEFT
    right: int = CHART_RIGHT
    top: int = CHART_TOP
    bottom: int = CHART_BOTTOM


def uptake_chart(months: tuple[MonthCount, ...]) -> UptakeChart | None:
    if not months:
        return None
    shown = [m.started.count for m in months if m.started.count is not None]
    top_value = max(shown, default=0)
    step = max(1, -(-top_value // Y_TICKS))
    step = -(-step // 5) * 5 if step > 5 else step
    y_max = max(step, step * -(-top_value // step))
    span = CHART_BOTTOM - CHART_TOP
    slot = (CHART_RIGHT - CHART_LEFT) / len(months)
    bars = []
    for i, m in enumerate(months):
        count = m.started.count or 0
        height = span * count / y_max
        bars.append(Bar(round(CHART_LEFT + slot * i + slot * 0.15, 1),
                        round(CHART_BOTTOM - height, 1), round(slot * 0.7, 1), round(height, 1),
                        f"{m.month:%b %Y}", m.started.text))
    ticks = tuple((round(CHART_BOTTOM - span * v / y_max, 1), str(v))
                  for v in range(0, y_max + 1, step))
    last = months[-1]
    summary = (f"By the end of {last.month:%B %Y}, {last.started.text} people had started "
               f"self-study and chosen to keep their progress on the server, counted month "
               f"by month from {months[0].month:%B %Y}.")
    return UptakeChart(tuple(bars), ticks, summary)
