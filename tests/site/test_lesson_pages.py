"""Unit tests of the lesson parts of the site (grader.sitebuild.lesson_page, lesson_parts):
level, measured time, charts, glossary links, quiz, reflection, routes and the glossary page,
on the repository's own Data essentials track (no mkdocs, no browser)."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from site_helpers import REPO

from grader.content.activities import Quiz
from grader.content.reader import load_catalogue
from grader.sitebuild.lesson_parts import time_line
from grader.sitebuild.pages import SiteSettings, generated_pages
from grader.sitebuild.uris import lesson_uri

CATALOGUE = load_catalogue(REPO)
TRACK = CATALOGUE.track("data-essentials")
PAGES = {p.src_uri: p for p in generated_pages(CATALOGUE, SiteSettings(storage_name="store"))}
LESSON = PAGES["tracks/data-essentials/reading-tables-and-charts.md"].markdown


class _Forms(HTMLParser):
    """Collects each quiz form's inputs and the labels that name them."""

    def __init__(self) -> None:
        super().__init__()
        self.inputs: list[dict[str, str | None]] = []
        self.labels: set[str] = set()
        self.live: list[dict[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "input":
            self.inputs.append(a)
        elif tag == "label" and a.get("for"):
            self.labels.add(a["for"] or "")
        elif a.get("role") == "status":
            self.live.append(a)


def test_lesson_page_says_its_level_and_its_measured_time() -> None:
    assert "**Level: Awareness**, for everyone." in LESSON
    assert re.search(r"About 40 minutes: \d+ minutes reading, a worked example \(8 minutes\), "
                     r"a quiz \(5 minutes\), a reflection \(8 minutes\) and an exercise "
                     r"\(15 minutes\)\.", LESSON)


def test_charts_replace_their_markers() -> None:
    assert "academy:chart" not in LESSON
    assert LESSON.count('<figure class="cda-chart"') == 2
    assert 'src="../../../assets/charts/tree-species.svg"' in LESSON
    assert "<summary>Show the numbers in this chart as a table</summary>" in LESSON


def test_glossary_links_point_at_the_glossary_page_and_the_words_are_listed() -> None:
    assert "glossary:" not in LESSON
    assert "[bar chart](../../glossary.md#bar-chart)" in LESSON
    assert '!!! info "Words used in this lesson"' in LESSON
    assert "    - [bar chart](../../glossary.md#bar-chart): A chart that compares" in LESSON


def test_quiz_is_a_labelled_form_with_a_live_region_per_question() -> None:
    lesson = next(lesson for m in TRACK.modules for lesson in m.lessons
                  if lesson.id == "reading-tables-and-charts")
    quiz = next(a for a in lesson.activities if isinstance(a, Quiz))
    forms = _Forms()
    forms.feed(LESSON)
    assert LESSON.count("<form class=\"cda-quiz__question\"") == len(quiz.questions)
    assert LESSON.count("<legend>Question ") == len(quiz.questions)
    assert all(i["id"] in forms.labels for i in forms.inputs)
    assert len(forms.live) == len(quiz.questions)
    assert all(a.get("aria-live") == "polite" for a in forms.live)
    for q in quiz.questions:
        assert f'data-quiz-key="quiz:data-essentials/reading-tables-and-charts/{q.id}"' in LESSON


def test_reflection_comes_after_the_quiz_and_before_the_exercises() -> None:
    order = [LESSON.index(h) for h in ("## Check your understanding",
                                       "## Think about your own service", "## Exercises")]
    assert order == sorted(order)


def test_track_page_offers_a_route_per_level() -> None:
    track = PAGES["tracks/data-essentials/index.md"].markdown
    routes = re.findall(r"### (\w+) route\n\n\w+ is .*? (\d+) lessons, about ([^.]+)\.", track)
    assert [(name, int(n)) for name, n, _ in routes] == [
        ("Awareness", 3), ("Working", 6), ("Practitioner", 9)]
    assert '[Is it a real change? Numbers over time](is-it-a-real-change.md) (practitioner)' in (
        track)
    assert 'data-track="data-essentials" data-questions="' in track


def test_glossary_page_lists_every_term_with_the_lessons_that_use_it() -> None:
    page = PAGES["glossary.md"].markdown
    assert page.count("\n## ") == len(CATALOGUE.glossary)
    assert "## Median { #median }" in page
    assert "See also: [mean](#mean), [quartile](#quartile)." in page
    assert ("[Averages, spread and misleading statistics]"
            "(tracks/data-essentials/averages-and-spread.md)") in page


def test_time_line_names_each_part() -> None:
    from grader.content.timing import lesson_time

    lesson = TRACK.modules[0].lessons[0]
    text = time_line(lesson_time(CATALOGUE, TRACK, lesson))
    assert text.startswith(f"About {lesson.estimated_minutes} minutes: ")
    assert lesson_uri(TRACK, lesson) == "tracks/data-essentials/council-data.md"
