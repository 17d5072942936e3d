"""The EPA portfolio: what the zip holds, and a learner's notebook made safe to open."""

from __future__ import annotations

import io
import json
import re
import zipfile

import pytest
from progress_helpers import NOTEBOOK, days_ago, graded

from grader.service.portfolio import build_portfolio, render_notebook, sanitise_html

PNG = "data:image/png;base64,iVBORw0KGgo="
HOSTILE = {
    **NOTEBOOK,
    "cells": [
        {"cell_type": "markdown", "id": "md", "metadata": {},
         "source": "# Answer\n<script>alert(1)</script><img src=x onerror=alert(2)>"
                   "<a href=\"javascript:alert(3)\">click</a> <img src=\"https://evil.example/t.png\">"},
        {"cell_type": "code", "id": "code", "metadata": {}, "execution_count": 1,
         "source": "show()", "outputs": [
             {"output_type": "display_data", "metadata": {},
              "data": {"text/html": "<b>bold</b><iframe src=//evil.example></iframe>"
                                    "<style>body{display:none}</style>"}},
             {"output_type": "display_data", "metadata": {},
              "data": {"image/png": PNG.split(",", 1)[1], "text/plain": "<Figure>"}}]},
    ],
}


def test_sanitiser_keeps_inline_images_and_drops_everything_that_could_run() -> None:
    html = sanitise_html('<p onclick="x()">hi</p><img src="' + PNG + '" alt="chart">'
                         '<img src="https://evil.example/x.png"><a href="data:text/html,x">d</a>')
    assert 'src="' + PNG + '"' in html and "onclick" not in html
    assert "evil.example" not in html and "data:text/html" not in html


def test_a_hostile_notebook_renders_without_script_handlers_or_remote_content() -> None:
    html = render_notebook(json.dumps(HOSTILE).encode())
    assert "Answer" in html and "<b>bold</b>" in html and "data:image/png;base64," in html
    for bad in ("<script", "onerror", "javascript:", "evil.example", "<iframe", "<style"):
        assert bad not in html, bad


def test_a_broken_notebook_says_so_instead_of_failing_the_download() -> None:
    assert "could not be shown" in render_notebook(b"{not json")


@pytest.mark.django_db
def test_zip_has_index_manifest_and_one_page_per_evidencing_submission(people) -> None:  # noqa: ANN001
    ann = people["ann"]
    sub = graded(ann, "fines-total", 10, at=days_ago(1), notebook=HOSTILE,
                 marks=(("why", 5, "Well argued."),))
    graded(ann, "fines-count", 1)                 # needs work: no evidence
    built = build_portfolio(ann)
    assert re.fullmatch(r"portfolio-ann-learner-\d{4}-\d{2}-\d{2}\.zip", built.filename)
    zf = zipfile.ZipFile(io.BytesIO(built.data))
    page = f"submissions/fines-total-{sub.pk}.html"
    assert sorted(zf.namelist()) == ["index.html", "manifest.json", page]
    manifest = json.loads(zf.read("manifest.json"))
    assert manifest["format"] == "camden-data-academy-portfolio" and manifest["version"] == 1
    assert manifest["learner"]["email"] == ann.email
    assert list(manifest["ksbs"]) == ["K2", "K8", "S2"]   # every code of the standard, in order
    for code in ("K8", "S2"):                             # fines-total evidences both
        (item,) = manifest["ksbs"][code]["evidence"]
        assert item["submission"] == str(sub.pk) and item["file"] == page
        assert item["score"] == 10 and item["percent"] == 100.0
        assert item["comments"] == ["Well argued."]
    assert manifest["ksbs"]["K2"]["workplace_reason"].startswith("It is about the employer")
    html = zf.read(page).decode()
    assert "Well argued." in html and "<script" not in html and "evil.example" not in html
    index = zf.read("index.html").decode()
    assert page in index and "<link" not in index and "http" not in index.split("<body>")[1]
