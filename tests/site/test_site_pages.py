"""Unit tests of grader.sitebuild.pages, grader.sitebuild.nav and grader.sitebuild.build's
notebook transform, on the fixture catalogue (no mkdocs, no browser)."""

from __future__ import annotations

import nbformat
from site_helpers import FIXTURE_ROOT

from grader.content.reader import load_catalogue
from grader.sitebuild.build import PYODIDE_KERNELSPEC, for_the_browser
from grader.sitebuild.nav import prune_nav, site_nav
from grader.sitebuild.pages import SiteSettings, generated_pages, tracks_in_order

SETTINGS = SiteSettings(storage_name="store", dataset_cards=frozenset({"datasets/complaints.md"}))


def test_generated_pages_cover_tracks_lessons_and_exercises() -> None:
    pages = {p.src_uri: p for p in generated_pages(load_catalogue(FIXTURE_ROOT), SETTINGS)}
    assert sorted(pages) == [
        "exercises/fixture-counts.md",
        "exercises/fixture-graded-sum.md",
        "tracks/fixture-basics/counting.md",
        "tracks/fixture-basics/index.md",
        "tracks/fixture-basics/reading-data.md",
        "tracks/fixture-graded/adding-up.md",
        "tracks/fixture-graded/index.md",
    ]
    exercise = pages["exercises/fixture-counts.md"].markdown
    assert "[data card](../datasets/complaints.md)" in exercise
    assert 'href="../../lite/files/fixture-counts/complaints.csv"' in exercise
    assert "academy-submit" not in exercise
    assert 'id="academy-submit"' in pages["exercises/fixture-graded-sum.md"].markdown


def test_flat_urls_put_the_site_root_one_level_up() -> None:
    flat = SiteSettings(storage_name="store", use_directory_urls=False)
    pages = {p.src_uri: p for p in generated_pages(load_catalogue(FIXTURE_ROOT), flat)}
    assert 'data-lite-url="../lite/notebooks/index.html?path=fixture-counts/counts.ipynb"' in (
        pages["exercises/fixture-counts.md"].markdown
    )


def test_self_study_tracks_come_first() -> None:
    catalogue = load_catalogue(FIXTURE_ROOT)
    assert [t.audience.value for t in tracks_in_order(catalogue)] == ["self-study", "graded"]


def test_nav_puts_generated_sections_after_home_and_drops_missing_pages() -> None:
    base = [{"Home": "index.md"}, {"Guide": ["guide/index.md", {"Staff": "guide/staff.md"}]},
            {"API": "api.md"}, {"Gone": ["gone.md"]}]  # fmt: skip
    pruned = prune_nav(base, {"index.md", "guide/index.md", "api.md"})
    assert pruned == [{"Home": "index.md"}, {"Guide": ["guide/index.md"]}, {"API": "api.md"}]
    nav = site_nav(load_catalogue(FIXTURE_ROOT), pruned, ["datasets/a.md", "datasets/index.md"])
    assert [next(iter(item)) for item in nav] == [
        "Home", "Tracks", "Exercises", "Data sets", "Guide", "API",
    ]  # fmt: skip
    assert nav[3] == {"Data sets": ["datasets/index.md", "datasets/a.md"]}


def test_for_the_browser_sets_the_pyodide_kernel_on_a_copy() -> None:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3"}
    out = for_the_browser(nb)
    assert out.metadata["kernelspec"] == PYODIDE_KERNELSPEC
    assert nb.metadata["kernelspec"]["name"] == "python3"


def test_the_start_time_is_said_from_one_constant() -> None:
    """The "about N seconds" of every exercise page and of the staff guide is
    controls.START_SECONDS, the figure bench/lite_bench.py prints (start_seconds_to_say)."""
    from site_helpers import REPO

    from grader.sitebuild.controls import START_SECONDS

    pages = {p.src_uri: p for p in generated_pages(load_catalogue(FIXTURE_ROOT), SETTINGS)}
    exercise = pages["exercises/fixture-counts.md"].markdown
    assert f"The first start takes about {START_SECONDS} seconds." in exercise
    assert f'data-start-seconds="{START_SECONDS}"' in exercise
    guide = (REPO / "docs/guide/staff.md").read_text("utf-8")
    assert f"The first time, it takes about {START_SECONDS} seconds." in guide


def test_the_controls_escape_what_they_are_given() -> None:
    """The Try it and Submit controls come from templates that escape every value: a title
    with quotes and markup stays an attribute value."""
    from grader.sitebuild.controls import submit_html, tryit_html

    catalogue = load_catalogue(FIXTURE_ROOT)
    exercise = next(iter(catalogue.exercises.values()))
    hostile = exercise.model_copy(update={"title": 'Fines "by" <b>street</b> & ward'})
    html = tryit_html(hostile, "../", 'store"><script>')
    assert 'data-title="Fines &#34;by&#34; &lt;b&gt;street&lt;/b&gt; &amp; ward"' in html
    assert "<script>" not in html and "<b>" not in html
    assert "\n\n" not in html  # one HTML block in the page's Markdown
    assert "<script>" not in submit_html(exercise, 'store"><script>')
