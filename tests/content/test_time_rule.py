"""The time rule: every stated time on every track is within 25% of the time measured from
the content (words at 200 a minute, plus each activity's and exercise's stated minutes).

Run with `-s` to see the table, or `python tests/content/test_time_rule.py`.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from grader.content.activities import Level
from grader.content.reader import load_catalogue
from grader.content.timing import (
    TOLERANCE,
    LessonTime,
    TrackTime,
    reading_minutes,
    track_time,
    word_count,
)

ROOT = Path(__file__).resolve().parents[2]
CATALOGUE = load_catalogue(ROOT)
TIMES = [track_time(CATALOGUE, t) for t in CATALOGUE.tracks]
LESSONS = [(tt.track.id, lt) for tt in TIMES for lt in tt.lessons]


def table(times: list[TrackTime]) -> str:
    rows = [f"{'track / lesson':<46} {'level':<12} {'read':>5} {'do':>4} {'measured':>8} "
            f"{'stated':>6}"]
    for tt in times:
        for lt in tt.lessons:
            level = lt.lesson.level.value if lt.lesson.level else "-"
            rows.append(f"  {lt.lesson.id:<44} {level:<12} {lt.reading:>5.1f} "
                        f"{sum(m for _, m in lt.parts):>4} {lt.measured:>8.1f} {lt.stated:>6}")
        rows.append(f"{tt.track.id:<46} {'':<12} {'':>5} {'':>4} {tt.measured:>8.1f} "
                    f"{tt.stated_minutes:>6.0f}")
        for level in Level:
            route = tt.route(level)
            if route:
                minutes = sum(lt.measured for lt in route)
                rows.append(f"  route: {level.value:<37} {len(route):>2} lessons "
                            f"{minutes / 60:>5.2f} hours measured")
    return "\n".join(rows)


def test_print_table() -> None:
    print("\n" + table(TIMES))
    assert LESSONS, "no lessons found under courses/"


@pytest.mark.parametrize(("track", "lt"), LESSONS, ids=[f"{t}/{lt.lesson.id}" for t, lt in LESSONS])
def test_lesson_time_is_measured(track: str, lt: LessonTime) -> None:
    assert lt.within_tolerance, (
        f"courses/{track}/track.yml: lesson '{lt.lesson.id}' says {lt.stated} minutes but "
        f"measures {lt.measured:.0f} ({lt.reading:.0f} reading {lt.words} words, then "
        f"{', '.join(f'{what} {m}' for what, m in lt.parts) or 'no activities'}): "
        f"state a time within {TOLERANCE:.0%} of it, or change the content"
    )


@pytest.mark.parametrize("tt", TIMES, ids=[tt.track.id for tt in TIMES])
def test_track_hours_are_measured(tt: TrackTime) -> None:
    assert tt.within_tolerance, (
        f"courses/{tt.track.id}/track.yml: estimated_hours is {tt.track.estimated_hours:g} but "
        f"its lessons measure {tt.measured / 60:.1f} hours: state a time within "
        f"{TOLERANCE:.0%} of it"
    )


def test_words_leave_out_markup_link_targets_and_comments() -> None:
    text = ("## Two words\n\nA [link](https://example.org/a-b) <b>bold</b> it's 1.3 m.\n"
            "<!-- academy:chart trees -->\n")
    assert word_count(text) == 8
    assert reading_minutes("word " * 400) == 2


if __name__ == "__main__":
    print(table(TIMES))
