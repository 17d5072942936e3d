"""The EPA portfolio of one apprentice: a zip an end-point assessment gateway can read offline.

    index.html                      every KSB code with its evidence; reads and prints well
    submissions/<exercise>-<id>.html each evidencing submission, rendered with nbconvert
    manifest.json                   each KSB code -> its evidence, for machines

Everything in it is self-contained: its CSS is inside each page and nothing is loaded from
anywhere. A learner's notebook is their own text: it is rendered, then sanitised with nh3
(no script, no handlers, no images from other hosts), before it goes in.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

import nbformat
import nh3
from django.template.loader import render_to_string
from django.utils import timezone

from grader.service.ksb import Evidence, StandardEvidence, learner_ksbs
from grader.service.models import Mark, Submission, User

STATIC = Path(__file__).resolve().parent / "static" / "academy"
STYLESHEETS = (STATIC / "look.css", STATIC / "portfolio.css")
"""The palette and type shared with the site and the academy, then the portfolio's own."""
MANIFEST_FORMAT = "camden-data-academy-portfolio"
MANIFEST_VERSION = 1
SUBMISSIONS_DIR = "submissions"
DATA_IMAGE = re.compile(r"^data:image/(png|jpeg|gif|webp);base64,[A-Za-z0-9+/=\s]*$")
"""The only images a rendered notebook may keep: its own outputs, inlined."""
SAFE_LINK = re.compile(r"^(https?:|mailto:|#)", re.I)
ALLOWED_ATTRIBUTES = {"*": {"class"}, "img": {"src", "alt"}, "a": {"href"},
                      "td": {"colspan", "rowspan"}, "th": {"colspan", "rowspan", "scope"}}


def _keep(element: str, attribute: str, value: str) -> str | None:
    if element == "img" and attribute == "src":
        return value if DATA_IMAGE.match(value) else None
    if attribute == "href":
        return value if SAFE_LINK.match(value) else None
    return value


def sanitise_html(html: str) -> str:
    """Rendered notebook HTML made safe to open: nh3's allow-list, images only inline."""
    return nh3.clean(html, attributes=ALLOWED_ATTRIBUTES,
                     url_schemes={"http", "https", "mailto", "data"}, attribute_filter=_keep)


@cache
def _exporter() -> Any:
    from nbconvert import HTMLExporter

    return HTMLExporter(template_name="basic", exclude_input_prompt=True,
                        exclude_output_prompt=True)


def render_notebook(data: bytes) -> str:
    """A submitted notebook as sanitised HTML (the body only)."""
    try:
        nb = nbformat.reads(bytes(data).decode("utf-8"), as_version=4)
        body, _ = _exporter().from_notebook_node(nb)
    except Exception as exc:  # noqa: BLE001 - the learner's file, whatever is wrong with it
        return f"<p>This notebook could not be shown: {nh3.clean(str(exc), tags=set())}</p>"
    return sanitise_html(body)


@cache
def stylesheet() -> str:
    return "\n".join(path.read_text(encoding="utf-8") for path in STYLESHEETS)


def evidence_file(e: Evidence) -> str:
    return f"{SUBMISSIONS_DIR}/{e.exercise.pk}-{e.submission_id}.html"


def _marks(marks: tuple[Mark, ...], cells: list[dict[str, Any]]) -> list[dict[str, Any]]:
    max_of = {c.get("grade_id"): c.get("max_score") for c in cells}
    return [{"grade_id": m.grade_id, "score": m.score, "max_score": max_of.get(m.grade_id),
             "comment": m.comment} for m in marks]


def _evidence_json(e: Evidence, cells: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "exercise": e.exercise.pk, "exercise_title": e.exercise.title,
        "submission": str(e.submission_id), "date": e.date.isoformat(),
        "score": e.score, "max_score": e.max_score, "percent": round(e.percent, 1),
        "marks": _marks(e.marks, cells), "comments": list(e.comments),
        "file": evidence_file(e),
    }


def manifest(learner: User, standards: tuple[StandardEvidence, ...],
             cells: dict[str, list[dict[str, Any]]], generated_at: datetime) -> dict[str, Any]:
    """Each KSB code -> its evidence (exercise, submission id, date, score, marks, comments)."""
    return {
        "format": MANIFEST_FORMAT,
        "version": MANIFEST_VERSION,
        "generated_at": generated_at.isoformat(),
        "learner": {"id": learner.pk, "name": learner.display_name, "email": learner.email},
        "standards": [{"id": s.standard.pk, "title": s.standard.title,
                       "level": s.standard.level} for s in standards],
        "ksbs": {
            item.ksb.code: {
                "standard": s.standard.pk,
                "title": item.ksb.title,
                "status": item.status.value,
                "workplace_only": item.ksb.workplace_only,
                "workplace_reason": item.ksb.workplace_reason or None,
                "evidence": [_evidence_json(e, cells.get(str(e.submission_id), []))
                             for e in item.evidence],
            }
            for s in standards for item in s.items
        },
    }


@dataclass(frozen=True)
class Portfolio:
    filename: str
    data: bytes


def _unique_evidence(standards: tuple[StandardEvidence, ...]) -> dict[str, Evidence]:
    return {str(e.submission_id): e for s in standards for i in s.items for e in i.evidence}


def build_portfolio(learner: User, *, now: datetime | None = None) -> Portfolio:
    """The zip for one apprentice (the caller has checked who may have it)."""
    now = now or timezone.now()
    standards = learner_ksbs(learner)
    evidence = _unique_evidence(standards)
    subs = {str(s.pk): s for s in Submission.objects.filter(pk__in=list(evidence))
            .select_related("grade")}
    cells = {k: list(getattr(getattr(s, "grade", None), "cells", None) or [])
             for k, s in subs.items()}
    context = {"learner": learner, "standards": standards, "generated_at": now,
               "css": stylesheet()}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("index.html", render_to_string("academy/portfolio/index.html", context))
        for sub_id, e in evidence.items():
            page = render_to_string("academy/portfolio/submission.html", {
                **context, "e": e, "marks": _marks(e.marks, cells.get(sub_id, [])),
                "notebook_html": render_notebook(bytes(subs[sub_id].notebook))})
            zf.writestr(evidence_file(e), page)
        zf.writestr("manifest.json", json.dumps(
            manifest(learner, standards, cells, now), indent=2, ensure_ascii=False) + "\n")
    name = re.sub(r"[^a-z0-9]+", "-", learner.display_name.lower()).strip("-") or "learner"
    return Portfolio(f"portfolio-{name}-{now:%Y-%m-%d}.zip", buffer.getvalue())
