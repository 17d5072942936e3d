"""The learner's feedback page: score per question, visible test messages, and for a failed
hidden test the author's learner-safe message. Never the hidden test source or expected
values; learner output sanitised."""

from __future__ import annotations

import html
import re

import nh3

from grader.autograde.result import CellResult

PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>Feedback: {title}</title>
<style>body{{font-family:sans-serif;max-width:48rem;margin:2rem auto;padding:0 1rem}}
table{{border-collapse:collapse;width:100%}}td,th{{border:1px solid #999;padding:.4rem;
text-align:left;vertical-align:top}}.pass{{color:#00703c}}.fail{{color:#d4351c}}
pre{{white-space:pre-wrap;margin:0}}</style></head>
<body><h1>Feedback: {title}</h1>
<p>Your score: <strong>{score}</strong> out of {autograded} points marked automatically.{manual}</p>
<table><thead><tr><th>Question</th><th>Result</th><th>Points</th><th>What the test said</th>
</tr></thead><tbody>
{rows}
</tbody></table></body></html>
"""
ROW = "<tr><td>{name}</td><td class=\"{css}\">{result}</td><td>{points}</td><td>{message}</td></tr>"


# Harmless once escaped, but neutralised too so that no copy of the page (or a careless
# later template change) can turn them back into live handlers or links.
_NEUTRALISE = (
    (re.compile(r"javascript\s*:", re.I), "javascript&#58;"),
    (re.compile(r"\b(on[a-z]+)\s*=", re.I), r"\1&#61;"),
)


def sanitise(text: str) -> str:
    """Learner-controlled text made safe: every tag removed by nh3 (script and style with
    their content), the rest escaped, then handler and `javascript:` patterns neutralised."""
    cleaned = nh3.clean(text, tags=set(), attributes={}, url_schemes=set())
    for pattern, replacement in _NEUTRALISE:
        cleaned = pattern.sub(replacement, cleaned)
    return cleaned


def _points(value: float | None) -> str:
    return "-" if value is None else f"{value:g}"


def _row(cell: CellResult) -> str:
    name = html.escape(cell.grade_id)
    if cell.kind == "manual":
        return ROW.format(name=name, css="", result="Marked by your tutor",
                          points=f"{_points(cell.score)} / {cell.max_score:g}", message="")
    passed = cell.score is not None and cell.score >= cell.max_score
    result = "Passed" if passed else ("Partly passed" if cell.score else "Not passed")
    # A hidden cell's message is the author's hint (or a visible check's own message), never
    # the hidden code or its values: see grader.content.hidden_messages.
    message = f"<pre>{sanitise(cell.message)}</pre>" if cell.message else ""
    return ROW.format(name=name, css="pass" if passed else "fail", result=result,
                      points=f"{_points(cell.score)} / {cell.max_score:g}", message=message)


#: The sentence about written answers, marked so that `with_tutor_marks` can replace it.
TUTOR_NOTE = '<span class="tutor-note" data-points="{points}"> {text}</span>'
TUTOR_NOTE_RE = re.compile(r'<span class="tutor-note" data-points="([0-9.]+)">[^<]*</span>')
AWAITING = "Your tutor will mark the other {points} points."
MARKED = "Your tutor has marked the other {points} points: their marks are below."


def render(title: str, cells: tuple[CellResult, ...], score: float) -> str:
    """The feedback page for one graded submission."""
    autograded = sum(c.max_score for c in cells if c.kind == "autograded")
    manual = sum(c.max_score for c in cells if c.kind == "manual")
    points = f"{manual:g}"
    note = TUTOR_NOTE.format(points=points, text=AWAITING.format(points=points)) if manual else ""
    return PAGE.format(title=html.escape(title), score=f"{score:g}",
                       autograded=f"{autograded:g}", manual=note,
                       rows="\n".join(_row(c) for c in cells))


def with_tutor_marks(page: str, marks_html: str) -> str:
    """The feedback page once a tutor's marks are released: the sentence that promised them
    now says they are marked, and `marks_html` (the marks and comments) goes at the end."""
    page = TUTOR_NOTE_RE.sub(lambda m: TUTOR_NOTE.format(
        points=m[1], text=MARKED.format(points=m[1])), page, count=1)
    head, found, tail = page.rpartition("</body>")
    return head + marks_html + found + tail if found else page + marks_html
