"""Charts drawn from the data at build time: counted right, drawn as SVG, cached, and with
alt text whose every figure is one of the chart's own numbers."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from grader.content.charts import Chart, ChartKind, alt_figures, chart_data, unchecked_figures
from grader.content.reader import load_catalogue
from grader.sitebuild.charts import all_charts, chart_svg, figure_html

ROOT = Path(__file__).resolve().parents[2]
CHARTS = all_charts(load_catalogue(ROOT))


def chart(**over: object) -> Chart:
    spec = {"id": "c", "kind": "bar", "dataset": "trees.csv", "x": "name", "title": "Trees",
            "x_label": "Trees", "y_label": "Name", "alt": "A chart."}
    return Chart.model_validate({**spec, **over})


@pytest.fixture
def data_root(tmp_path: Path) -> Path:
    (tmp_path / "datasets/data").mkdir(parents=True)
    (tmp_path / "datasets/data/trees.csv").write_text(
        "name,age,date\nOak,3,01/01/2020\noak ,5,02/03/2020\nAsh,12,01/01/2021\n"
        "Oak,-1,05/06/2021\n,40,07/07/2021\n")
    return tmp_path


def test_the_course_has_charts() -> None:
    assert {c.kind for c in CHARTS} == set(ChartKind)


@pytest.mark.parametrize("spec", CHARTS, ids=[c.id for c in CHARTS])
def test_every_figure_in_the_alt_text_is_one_of_the_charts_numbers(spec: Chart) -> None:
    data = chart_data(spec, ROOT)
    assert alt_figures(spec.alt), f"chart '{spec.id}': the alt text gives no numbers"
    assert unchecked_figures(spec, data) == [], (
        f"chart '{spec.id}': these figures in its alt text are not among its numbers "
        f"{data.figures()}: {unchecked_figures(spec, data)}; regenerate the text from the data"
    )


def test_bar_tidies_and_takes_the_top(data_root: Path) -> None:
    data = chart_data(chart(tidy=True, top=2), data_root)
    assert (data.labels, data.values, data.rows) == (("Oak", "Ash"), (3, 1), 4)
    assert chart_data(chart(), data_root).labels == ("Oak", "oak", "Ash")


def test_line_counts_per_year_and_histogram_leaves_out_codes(data_root: Path) -> None:
    line = chart_data(chart(kind="line", x="date", period="year", date_format="%d/%m/%Y"),
                      data_root)
    assert (line.labels, line.values) == (("2020", "2021"), (2, 3))
    hist = chart_data(chart(kind="histogram", x="age", bin_width=10, exclude=["-1"]), data_root)
    assert hist.labels == ("0 to 9", "10 to 19", "20 to 29", "30 to 39", "40 to 49")
    assert hist.values == (2, 1, 0, 0, 1)
    assert hist.summary == {"mean": 15.0, "median": 8.5}


def test_unchecked_figures_names_a_wrong_number(data_root: Path) -> None:
    spec = chart(alt="Oak has 3 trees, ash has 1 and elm has 1,000; 4 in all.", tidy=True)
    assert unchecked_figures(spec, chart_data(spec, data_root)) == [1000.0]


def test_svg_is_cached_and_the_same_each_time(data_root: Path, tmp_path: Path) -> None:
    spec = chart(tidy=True)
    first = chart_svg(spec, data_root, tmp_path / "cache")
    assert first.startswith(b"<?xml") and b"<svg" in first
    cached = list((tmp_path / "cache").glob("c-*.svg"))
    assert len(cached) == 1
    cached[0].write_bytes(b"<svg>from the cache</svg>")
    assert chart_svg(spec, data_root, tmp_path / "cache") == b"<svg>from the cache</svg>"
    cached[0].unlink()
    assert chart_svg(spec, data_root, tmp_path / "cache2") == first  # drawn the same again


def test_figure_has_alt_text_and_a_table(data_root: Path) -> None:
    spec = chart(tidy=True, alt='Oak "leads" <b>3</b>')
    html = figure_html(spec, chart_data(spec, data_root), "../../")
    assert 'src="../../assets/charts/c.svg"' in html
    assert 'alt="Oak &#34;leads&#34; &lt;b&gt;3&lt;/b&gt;"' in html
    assert re.search(r"<th scope=\"col\">Name</th><th scope=\"col\">Trees</th>", html)
    assert "<tr><td>Oak</td><td>3</td></tr>" in html
