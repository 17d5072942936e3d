"""Lesson features in real headless Chromium, on the repository's own site: the quiz marks
answers with no account, announces feedback in a live region that was there from the start,
and keeps results in the progress store; charts load; axe-core finds no violation of any
impact on the lesson (before and after answering), track and glossary pages."""

from __future__ import annotations

import json
from typing import Any

import pytest
from static_server import RequestLog
from test_axe import axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.slow]

LESSON = "tracks/data-essentials/reading-tables-and-charts/"
TRACK = "tracks/data-essentials/"
GLOSSARY = "glossary/"
STORE = "cda-progress-v1"
KEY = "quiz:data-essentials/reading-tables-and-charts/"


def _violations(page: Any) -> list[str]:
    """Every axe violation, whatever its impact."""
    return [f"{v['id']} ({v['impact']}): {v['help']} at "
            + ", ".join(str(n["target"]) for n in v["nodes"][:5]) for v in axe_violations(page)]


def _store(page: Any) -> dict[str, str]:
    raw = page.evaluate(f"() => window.localStorage.getItem({json.dumps(STORE)})")
    return json.loads(raw)["items"] if raw else {}


def _question(page: Any, question_id: str) -> Any:
    return page.locator(f'form[data-quiz-key="{KEY}{question_id}"]')


def test_quiz_marks_answers_announces_feedback_and_keeps_the_result(
    real_site_url: str, page_and_requests: tuple[Any, RequestLog]
) -> None:
    page, _ = page_and_requests
    page.goto(real_site_url + LESSON)
    score = page.locator("[data-quiz-score]")
    assert score.inner_text() == "Answered correctly so far: 0 of 3."

    blank = _question(page, "blank-cell")
    live = blank.locator(".cda-quiz__feedback")
    live_node = live.element_handle()
    assert live.get_attribute("role") == "status" and live.get_attribute("aria-live") == "polite"
    assert live.inner_text() == ""

    blank.get_by_role("button", name="Check answer to question 1").click()
    assert live.inner_text() == "Choose an answer first, then press Check answer."
    assert KEY + "blank-cell" not in _store(page)

    blank.get_by_label("The tree is 0 metres tall").check()
    blank.get_by_role("button", name="Check answer to question 1").click()
    assert live.inner_text() == "Not quite. A blank is not a zero. The height was not recorded."
    assert live.get_attribute("data-state") == "wrong"
    assert _store(page)[KEY + "blank-cell"] == "answered"

    blank.get_by_label("The height was not recorded").check()
    blank.get_by_role("button", name="Check answer to question 1").click()
    assert live.inner_text() == "Correct. An empty cell is a missing value. It does not mean zero."
    # The same node, present (empty) since the page loaded: what screen readers announce.
    assert page.evaluate("([a, b]) => a === b", [live_node, live.element_handle()])
    assert page.url == real_site_url + LESSON  # the form did not navigate away

    ratio = _question(page, "plane-ratio")
    box = ratio.get_by_label("Your answer (in times as many)")
    box.fill("600")
    box.press("Enter")
    assert ratio.locator(".cda-quiz__feedback").inner_text().startswith(
        "Not quite. That is the difference.")
    box.fill("3")
    ratio.get_by_role("button", name="Check answer to question 3").click()
    assert ratio.locator(".cda-quiz__feedback").inner_text() == "Correct. 900 ÷ 300 = 3."
    assert score.inner_text() == "Answered correctly so far: 2 of 3."
    assert {k: v for k, v in _store(page).items() if k.startswith(KEY)} == {
        KEY + "blank-cell": "right", KEY + "plane-ratio": "right"}
    found = _violations(page)
    assert found == [], found  # with feedback shown, right and wrong

    box.fill("2")
    box.press("Enter")  # a wrong answer later does not undo a right one
    assert _store(page)[KEY + "plane-ratio"] == "right"

    page.reload()
    assert page.locator("[data-quiz-score]").inner_text() == "Answered correctly so far: 2 of 3."
    page.goto(real_site_url + TRACK)
    summary = page.locator(".cda-progress-summary__text").inner_text()
    assert "Lessons read: 1 of 9." in summary
    assert "Quiz questions answered correctly: 2 of " in summary


def test_charts_load_and_glossary_links_work(
    real_site_url: str, page_and_requests: tuple[Any, RequestLog]
) -> None:
    page, log = page_and_requests
    page.goto(real_site_url + LESSON)
    charts = page.locator("figure.cda-chart img")
    assert charts.count() == 2
    for i in range(charts.count()):
        img = charts.nth(i)
        assert img.evaluate("el => el.complete && el.naturalWidth > 0")
        assert len(img.get_attribute("alt") or "") > 80
    page.locator("article a[href$='glossary/#bar-chart']").first.click()
    page.wait_for_url("**/glossary/#bar-chart")
    assert page.locator("h2#bar-chart").inner_text().startswith("Bar chart")


def test_no_wcag_violation_of_any_impact(
    real_site: Any, real_site_url: str, page_and_requests: tuple[Any, RequestLog]
) -> None:
    """Every Data essentials lesson (charts, quiz, reflection, words), its track page and the
    glossary."""
    from grader.content.reader import load_catalogue

    track = load_catalogue(real_site.root).track("data-essentials")
    paths = [TRACK, GLOSSARY] + [f"{TRACK}{lesson.id}/" for m in track.modules
                                 for lesson in m.lessons]
    page, _ = page_and_requests
    problems = {}
    for path in paths:
        page.goto(real_site_url + path)
        problems[path] = _violations(page)
    assert problems == {path: [] for path in paths}


def test_every_chart_is_in_the_built_site_and_not_in_docs(real_site: Any) -> None:
    from grader.content.reader import load_catalogue
    from grader.sitebuild.charts import all_charts, chart_uri

    charts = all_charts(load_catalogue(real_site.root))
    assert charts
    for spec in charts:
        svg = real_site.site_dir / chart_uri(spec)
        assert svg.read_bytes().startswith(b"<?xml"), f"{svg} is missing or not SVG"
        assert not (real_site.root / "docs" / chart_uri(spec)).exists()
