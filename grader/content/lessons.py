"""Checks of a lesson body against its entry in track.yml (used by the catalogue reader).

The body must hold what the entry promises: a heading for each worked example, one marker
line for each chart, and glossary links only to terms the glossary defines. A chart's data
set must exist and have the column the chart counts.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator, Mapping
from pathlib import Path

from grader.content.activities import WorkedExample
from grader.content.catalogue import Lesson
from grader.content.charts import DATA_DIR, Chart, chart_markers, dataset_path
from grader.content.glossary import GLOSSARY_FILE, GlossaryTerm, glossary_links

WORKED_EXAMPLE_PREFIX = "Worked example: "
"""A worked example's heading in the body is this prefix and its title."""
_HEADING = re.compile(r"^#{2,6}\s+(.+?)\s*#*\s*$", re.MULTILINE)


def headings(markdown: str) -> list[str]:
    """The text of every heading below the page title."""
    return _HEADING.findall(markdown)


def body_problems(
    lesson: Lesson, body: str, glossary: Mapping[str, GlossaryTerm] | None, root: Path
) -> Iterator[tuple[str, str]]:
    """(key in the lesson entry, plain sentence) for each way the body breaks its entry.

    `glossary` is None when courses/glossary.yml could not be read (already reported).
    """
    titles = set(headings(body))
    for i, activity in enumerate(lesson.activities):
        if isinstance(activity, WorkedExample):
            heading = WORKED_EXAMPLE_PREFIX + activity.title
            if heading not in titles:
                yield (f"activities[{i}].title", f"lesson '{lesson.id}' has no heading "
                       f"'## {heading}' in its body")
    placed = chart_markers(body)
    ids = [c.id for c in lesson.charts]
    for i, chart in enumerate(lesson.charts):
        count = placed.count(chart.id)
        if count != 1:
            yield (f"charts[{i}]", f"chart '{chart.id}' must be placed once in the body with "
                   f"the line <!-- academy:chart {chart.id} -->, not {count} times")
        yield from ((f"charts[{i}].{key}", msg) for key, msg in _dataset_problems(chart, root))
    for chart_id in dict.fromkeys(placed):
        if chart_id not in ids:
            yield ("charts", f"the body places chart '{chart_id}', which lesson "
                   f"'{lesson.id}' does not list under charts")
    if glossary is None:
        return
    for term in glossary_links(body):
        if term not in glossary:
            yield ("file", f"lesson '{lesson.id}' links to glossary:{term}, which is not a "
                   f"term in courses/{GLOSSARY_FILE}")


def _dataset_problems(chart: Chart, root: Path) -> Iterator[tuple[str, str]]:
    path = dataset_path(chart, root)
    if not path.is_file():
        yield ("dataset", f"{DATA_DIR}/{chart.dataset} does not exist")
        return
    with path.open(encoding="utf-8", newline="") as f:
        header = next(csv.reader(f), [])
    if chart.x not in header:
        yield ("x", f"{DATA_DIR}/{chart.dataset} has no column '{chart.x}'")
