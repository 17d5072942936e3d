"""The chart of passes over time: week totals, geometry inside the plot, a text summary."""

from __future__ import annotations

from datetime import UTC, date, datetime

from grader.service.charts import HEIGHT, MARGIN_BOTTOM, MARGIN_TOP, pass_chart


def at(day: int, month: int = 3) -> datetime:
    return datetime(2026, month, day, 12, tzinfo=UTC)


def test_no_passes_gives_a_sentence_and_no_chart() -> None:
    chart = pass_chart([])
    assert chart.empty and chart.summary.startswith("No learner in this cohort has passed")


def test_weeks_add_up_from_the_first_pass_to_this_week() -> None:
    # Mondays 2 and 16 March 2026; weeks end on Sundays 8, 15, 22 March.
    chart = pass_chart([at(2), at(3), at(16)], today=date(2026, 3, 20))
    assert [(w.week_ending, w.passed_this_week, w.passed_so_far) for w in chart.weeks] == [
        (date(2026, 3, 8), 2, 2), (date(2026, 3, 15), 0, 2), (date(2026, 3, 22), 1, 3)]
    assert chart.summary == (
        "3 exercises passed in 3 weeks, from the week ending 8 March 2026 to the week ending "
        "22 March 2026. The most in one week was 2, in the week ending 8 March 2026.")


def test_points_are_a_step_line_inside_the_plot() -> None:
    chart = pass_chart([at(2), at(16)], today=date(2026, 3, 16))
    points = [tuple(map(float, p.split(","))) for p in chart.points.split()]
    assert points[0][0] == chart.left and points[-1][0] == chart.right
    assert all(MARGIN_TOP <= y <= HEIGHT - MARGIN_BOTTOM for _, y in points)
    ys = [y for _, y in points]
    assert ys == sorted(ys, reverse=True)   # the total never goes down
    assert [t.label for t in chart.y_ticks][0] == "0"
    assert chart.x_ticks[0].label == "8 Mar"
