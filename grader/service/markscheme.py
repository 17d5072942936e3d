"""Mark schemes and learners' written answers, read from notebooks.

A written answer is nbgrader's "manually graded answer": a cell with `solution` and `grade`
set. In the instructor notebook that cell holds the model answer, then a paragraph that
starts "Marking (N points):" giving the marking points (see exercises/*/ and
docs/authoring.md); nbgrader's own `=== BEGIN MARK SCHEME ===` region is read the same way.
Mark schemes are for tutors only: nothing here is ever put in a learner's page or response.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from django.conf import settings

from grader.content.notebook import (
    BEGIN_MARK_SCHEME,
    END_MARK_SCHEME,
    grade_id,
    is_grade,
    is_solution,
    points,
    regions,
    source_text,
)

MARKING_PARAGRAPH = re.compile(r"^Marking \((?P<points>[\d.]+) points?\):", re.MULTILINE)
"""The start of the marking points in a model answer cell: `Marking (3 points): ...`."""


class MarkSchemeError(Exception):
    """The instructor notebook cannot be read; the message names the file and the problem."""


@dataclass(frozen=True)
class MarkScheme:
    """What a tutor marks one written answer against."""

    grade_id: str
    points: float
    """The cell's points in the instructor notebook."""
    model_answer: str
    """Markdown: the instructor's model answer."""
    marking_points: str
    """Markdown: how the points are given ("Marking (3 points): 1 for ...")."""


def answer_sha256(text: str) -> str:
    """The content hash that decides whether a resubmitted answer is unchanged."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def is_written_answer(cell: dict) -> bool:
    """A manually graded answer: the learner writes it, a tutor marks it."""
    return is_solution(cell) and is_grade(cell)


def split_scheme(source: str) -> tuple[str, str]:
    """(model answer, marking points) of a model-answer cell's text."""
    if BEGIN_MARK_SCHEME in source:
        scheme = "\n".join(regions(source, BEGIN_MARK_SCHEME, END_MARK_SCHEME)).strip()
        rest, inside = [], False
        for line in source.splitlines():
            if BEGIN_MARK_SCHEME in line or END_MARK_SCHEME in line:
                inside = BEGIN_MARK_SCHEME in line
            elif not inside:
                rest.append(line)
        return "\n".join(rest).strip(), scheme
    found = MARKING_PARAGRAPH.search(source)
    if found is None:
        return source.strip(), ""
    return source[: found.start()].strip(), source[found.start():].strip()


def instructor_notebook(exercise_id: str, notebook: str) -> Path:
    return Path(settings.ACADEMY_ROOT) / "exercises" / exercise_id / notebook


def mark_schemes(exercise_id: str, notebook: str) -> dict[str, MarkScheme]:
    """The mark scheme of each written answer of an exercise, by grade id, in order."""
    path = instructor_notebook(exercise_id, notebook)
    try:
        stamp = path.stat().st_mtime_ns
    except OSError as exc:
        raise MarkSchemeError(f"{path}: the instructor notebook cannot be read ({exc})") from exc
    return _read_schemes(str(path), stamp)


@lru_cache(maxsize=128)
def _read_schemes(path: str, stamp: int) -> dict[str, MarkScheme]:
    # `stamp` (the file's mtime) is part of the cache key: an edited notebook is read again.
    try:
        nb = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise MarkSchemeError(f"{path}: the instructor notebook cannot be read ({exc})") from exc
    schemes: dict[str, MarkScheme] = {}
    for cell in nb.get("cells", []):
        gid = grade_id(cell)
        if gid is None or not is_written_answer(cell):
            continue
        model, marking = split_scheme(source_text(cell))
        schemes[gid] = MarkScheme(gid, points(cell), model, marking)
    return schemes


def extract_answers(notebook: bytes, grade_ids: list[str]) -> dict[str, str]:
    """The learner's text of each written answer, by grade id, in the order given.

    An answer the learner's notebook lacks (a deleted cell, a file that is not JSON) is the
    empty string: the tutor sees that nothing was written and marks it so.
    """
    try:
        cells = json.loads(bytes(notebook)).get("cells", [])
    except (ValueError, AttributeError):
        cells = []
    found: dict[str, str] = {}
    for cell in cells if isinstance(cells, list) else []:
        if not isinstance(cell, dict):
            continue
        gid = grade_id(cell)
        if gid in grade_ids and gid not in found and is_solution(cell):
            found[gid] = source_text(cell)
    return {gid: found.get(gid, "") for gid in grade_ids}
