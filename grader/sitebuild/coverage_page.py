"""The KSB coverage page (`ksb-coverage.md`), made in memory from the catalogue at build time.

For every graded track it shows every code of the track's standard: the lessons that teach
it and the exercises that give evidence for it, or why it needs workplace evidence
(`grader.content.coverage`). The words around the tables are in the template
`templates/ksb_coverage.md`; nothing is written into docs/.
"""

from __future__ import annotations

import posixpath

import jinja2

from grader.content.catalogue import Catalogue
from grader.content.coverage import Status, graded_tracks, track_coverage
from grader.sitebuild.pages import Page, exercise_uri, lesson_uri

COVERAGE_URI = "ksb-coverage.md"
COVERAGE_TITLE = "KSB coverage"
_TEMPLATES = jinja2.Environment(
    loader=jinja2.PackageLoader("grader.sitebuild", "templates"),
    autoescape=False,  # Markdown, not HTML: values are escaped for Markdown tables below
    keep_trailing_newline=True,
    trim_blocks=True,
    lstrip_blocks=True,
)


def _cell(text: str) -> str:
    """Text safe inside a Markdown table cell: no pipe, no line break, no raw HTML."""
    return " ".join(text.split()).replace("|", "/").replace("<", "&lt;")


def _link(to_uri: str) -> str:
    return posixpath.relpath(to_uri, posixpath.dirname(COVERAGE_URI) or ".")


def coverage_page(catalogue: Catalogue) -> Page:
    """The page for every graded track of the catalogue (one section each)."""
    sections = []
    for track in graded_tracks(catalogue):
        coverage = track_coverage(catalogue, track)
        standard = catalogue.standards[track.standard or ""]
        sections.append({
            "track": track,
            "standard": standard,
            "track_link": _link(f"tracks/{track.id}/index.md"),
            "coverage": coverage,
            "lesson_link": lambda lesson, t=track: _link(lesson_uri(t, lesson)),
            "exercise_link": lambda ex: _link(exercise_uri(ex)),
            "exercises": tuple(dict.fromkeys(
                (m, catalogue.exercises[e]) for m in track.modules for lesson in m.lessons
                for e in lesson.exercises if e in catalogue.exercises)),
        })
    markdown = _TEMPLATES.get_template("ksb_coverage.md").render(
        sections=sections, Status=Status, cell=_cell,
    )
    return Page(COVERAGE_URI, COVERAGE_TITLE, markdown)
