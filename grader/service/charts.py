"""The cohort's passed exercises over time, as numbers for a server-rendered SVG.

This module works out the geometry only (points, ticks, the figures behind them); the
markup is in `templates/academy/_pass_chart.html`. Nothing comes from another host, and
the same figures are given as a sentence and a table for people who cannot see the chart.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.utils import timezone

WIDTH = 640
HEIGHT = 260
MARGIN_LEFT = 48
MARGIN_RIGHT = 16
MARGIN_TOP = 16
MARGIN_BOTTOM = 40
Y_TICKS = 4
"""About this many steps on the count axis (rounded to whole numbers)."""
MAX_X_LABELS = 6
WEEK = timedelta(days=7)


@dataclass(frozen=True)
class Tick:
    at: float
    """Position in SVG units along its axis."""
    label: str


@dataclass(frozen=True)
class WeekTotal:
    week_ending: date
    passed_this_week: int
    passed_so_far: int


@dataclass(frozen=True)
class PassChart:
    """A step line of the cohort's passes, week by week, with its text alternative."""

    weeks: tuple[WeekTotal, ...]
    points: str
    """SVG polyline points, "x,y x,y ..."."""
    x_ticks: tuple[Tick, ...]
    y_ticks: tuple[Tick, ...]
    summary: str
    width: int = WIDTH
    height: int = HEIGHT
    left: int = MARGIN_LEFT
    right: int = WIDTH - MARGIN_RIGHT
    top: int = MARGIN_TOP
    bottom: int = HEIGHT - MARGIN_BOTTOM

    @property
    def empty(self) -> bool:
        return not self.weeks


def _week_end(day: date) -> date:
    """The Sunday that ends the week (Monday to Sunday) holding `day`."""
    return day + timedelta(days=6 - day.weekday())


def _step(top: int) -> int:
    """A round step so that about Y_TICKS steps reach `top`."""
    raw = max(1, math.ceil(top / Y_TICKS))
    magnitude = 10 ** (len(str(raw)) - 1)
    for nice in (1, 2, 5, 10):
        if raw <= nice * magnitude:
            return nice * magnitude
    return raw


def pass_chart(passed_at: Iterable[datetime], *, today: date | None = None) -> PassChart:
    """Week-by-week totals of passes from the first pass to this week."""
    zone = timezone.get_current_timezone()
    days = sorted(t.astimezone(zone).date() for t in passed_at)
    if not days:
        return PassChart((), "", (), (), "No learner in this cohort has passed an exercise yet.")
    today = today or timezone.localdate()
    per_week = Counter(_week_end(d) for d in days)
    weeks: list[WeekTotal] = []
    week, total = _week_end(days[0]), 0
    while week <= max(_week_end(today), _week_end(days[-1])):
        total += per_week.get(week, 0)
        weeks.append(WeekTotal(week, per_week.get(week, 0), total))
        week += WEEK
    step = _step(total)
    y_max = step * math.ceil(total / step)
    left, right = MARGIN_LEFT, WIDTH - MARGIN_RIGHT
    top, bottom = MARGIN_TOP, HEIGHT - MARGIN_BOTTOM

    def x(i: int) -> float:
        return left + (right - left) * (i / (len(weeks) - 1) if len(weeks) > 1 else 0.5)

    def y(v: int) -> float:
        return bottom - (bottom - top) * v / y_max

    points: list[str] = []
    for i, w in enumerate(weeks):
        if i:
            points.append(f"{x(i):.1f},{y(weeks[i - 1].passed_so_far):.1f}")
        points.append(f"{x(i):.1f},{y(w.passed_so_far):.1f}")
    every = max(1, math.ceil(len(weeks) / MAX_X_LABELS))
    x_ticks = tuple(Tick(round(x(i), 1), f"{w.week_ending:%-d %b}")
                    for i, w in enumerate(weeks) if i % every == 0)
    y_ticks = tuple(Tick(round(y(v), 1), str(v)) for v in range(0, y_max + 1, step))
    best = max(weeks, key=lambda w: w.passed_this_week)
    summary = (
        f"{total} exercise{'s' if total != 1 else ''} passed in {len(weeks)} "
        f"week{'s' if len(weeks) != 1 else ''}, from the week ending "
        f"{weeks[0].week_ending:%-d %B %Y} to the week ending {weeks[-1].week_ending:%-d %B %Y}. "
        f"The most in one week was {best.passed_this_week}, in the week ending "
        f"{best.week_ending:%-d %B %Y}."
    )
    return PassChart(tuple(weeks), " ".join(points), x_ticks, y_ticks, summary)
