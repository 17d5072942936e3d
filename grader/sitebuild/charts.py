"""Charts drawn from the practice data sets when the site is built (see grader.content.charts).

`chart_assets(catalogue, cache_dir)` draws every lesson's charts as SVG with matplotlib and
returns them as `Asset`s for the mkdocs hooks to add in memory under `assets/charts/`; a chart
is drawn again only when its description, its data set or this module's drawing changes.
`figure_html(chart, data, root)` is the markup that replaces the chart's marker in the lesson:
the image with its text alternative, and the same numbers as a table.
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import re
from dataclasses import dataclass
from pathlib import Path

from grader.content.catalogue import Catalogue
from grader.content.charts import (
    CHART_MARKER,
    Chart,
    ChartData,
    ChartKind,
    chart_data,
    dataset_path,
)
from grader.sitebuild.templating import render

log = logging.getLogger(__name__)

CHARTS_DIR = "assets/charts"
"""Where chart images sit in the built site."""
DRAWING_VERSION = "2"
"""Part of every cache key: change it when the drawing below changes."""
INK = "#0b0c0c"
"""Text and axes: GOV.UK's near-black."""
BAR = "#1d70b8"
"""Bars and lines: GOV.UK blue, 5.2:1 against white."""
MARK_STYLES = {"mean": ("--", "#d4351c"), "median": (":", INK)}
"""Line style and colour of each marked statistic: the style differs, not only the colour."""
MAX_LABELLED_POINTS = 12
"""A line with more points than this has no value printed at each point."""
FIGURE_SIZE = (8.0, 4.5)
"""Inches: 800 by 450 pixels at 100 dots an inch."""


@dataclass(frozen=True)
class Asset:
    """A file the site needs that no one wrote into docs/: its path in the site and bytes."""

    src_uri: str
    content: bytes


def chart_uri(chart: Chart) -> str:
    return f"{CHARTS_DIR}/{chart.id}.svg"


def _draw(chart: Chart, data: ChartData) -> bytes:
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    with plt.rc_context({"svg.hashsalt": chart.id, "font.size": 12, "text.color": INK,
                         "axes.labelcolor": INK, "xtick.color": INK, "ytick.color": INK,
                         "axes.edgecolor": INK, "axes.spines.top": False,
                         "axes.spines.right": False}):
        fig, ax = plt.subplots(figsize=FIGURE_SIZE, dpi=100)
        if chart.kind is ChartKind.BAR:
            bars = ax.barh(list(reversed(data.labels)), list(reversed(data.values)), color=BAR)
            ax.bar_label(bars, padding=3)
            ax.set_xlabel(chart.x_label)
            ax.set_ylabel(chart.y_label)
        elif chart.kind is ChartKind.LINE:
            points = range(len(data.labels))
            few = len(data.labels) <= MAX_LABELLED_POINTS
            ax.plot(points, data.values, color=BAR, marker="o", linewidth=2,
                    markersize=6 if few else 3)
            if few:
                ax.set_xticks(points, data.labels)
                for x, value in zip(points, data.values, strict=True):
                    ax.annotate(f"{value:,}", (x, value), textcoords="offset points",
                                xytext=(0, 8), ha="center")
            else:  # months: one tick a year, at January, labelled with the year
                ticks = [i for i, label in enumerate(data.labels) if label.endswith("-01")]
                ax.set_xticks(ticks, [data.labels[i][:4] for i in ticks])
            ax.set_xlabel(chart.x_label)
            ax.set_ylabel(chart.y_label)
            if chart.y_from_zero:
                ax.set_ylim(0, max(data.values) * 1.15)
        else:
            ax.bar(range(len(data.values)), data.values, width=0.95, color=BAR)
            ax.set_xticks(range(len(data.labels)), data.labels, rotation=45, ha="right")
            ax.set_xlabel(chart.x_label)
            ax.set_ylabel(chart.y_label)
            width = chart.bin_width or 1.0
            low = float(data.labels[0].split(" to ")[0])
            for stat in chart.mark:
                style, colour = MARK_STYLES[stat]
                where = (data.summary[stat] - low) / width - 0.5
                ax.axvline(where, linestyle=style, color=colour, linewidth=2,
                           label=f"{stat.capitalize()}: {data.summary[stat]:g}")
            if chart.mark:
                ax.legend(frameon=False)
        ax.set_title(chart.title, loc="left", fontsize=14)
        fig.tight_layout()
        out = io.BytesIO()
        fig.savefig(out, format="svg", metadata={"Date": None, "Creator": None})
        plt.close(fig)
    return out.getvalue()


def cache_key(chart: Chart, root: Path) -> str:
    import matplotlib

    digest = hashlib.sha256()
    digest.update(json.dumps(chart.model_dump(mode="json"), sort_keys=True).encode())
    digest.update(dataset_path(chart, root).read_bytes())
    digest.update(f"{DRAWING_VERSION} {matplotlib.__version__}".encode())
    return digest.hexdigest()[:32]


def chart_svg(chart: Chart, root: Path, cache_dir: Path) -> bytes:
    """The chart as SVG, from the cache when nothing it depends on has changed."""
    cached = cache_dir / f"{chart.id}-{cache_key(chart, root)}.svg"
    if cached.is_file():
        return cached.read_bytes()
    svg = _draw(chart, chart_data(chart, root))
    cache_dir.mkdir(parents=True, exist_ok=True)
    for old in cache_dir.glob(f"{chart.id}-*.svg"):
        old.unlink()
    cached.write_bytes(svg)
    log.info("drew chart %s", chart.id)
    return svg


def all_charts(catalogue: Catalogue) -> list[Chart]:
    return [c for t in catalogue.tracks for m in t.modules for lesson in m.lessons
            for c in lesson.charts]


def chart_assets(catalogue: Catalogue, cache_dir: Path) -> list[Asset]:
    return [Asset(chart_uri(c), chart_svg(c, catalogue.root, cache_dir))
            for c in all_charts(catalogue)]


def figure_html(chart: Chart, data: ChartData, root: str) -> str:
    """The chart's figure (image and text alternative) and its numbers as a table."""
    rows = list(zip(data.labels, data.values, strict=True))
    return render("chart.html", chart=chart, rows=rows, src=root + chart_uri(chart),
                  summary=data.summary, total=data.rows)


def place_charts(body: str, charts: tuple[Chart, ...], root_dir: Path, root: str) -> str:
    """The lesson body with each chart marker replaced by the chart's figure."""
    by_id = {c.id: c for c in charts}

    def figure(match: re.Match[str]) -> str:
        chart = by_id[match.group(1)]
        return figure_html(chart, chart_data(chart, root_dir), root)

    return CHART_MARKER.sub(figure, body)
