"""Charts a lesson shows, described as data and computed from the practice data sets.

A lesson in track.yml lists its `charts`; the lesson body places each one with a marker line
`<!-- academy:chart <id> -->`. `chart_data(chart, root)` counts the rows of the data set the way
the chart shows them and returns a frozen `ChartData`; the site draws it at build time
(`grader.sitebuild.charts`) and prints the same numbers as a table under the chart, and a test
checks that every figure in the chart's alt text is one of these numbers.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator

from grader.content.fields import RelativeFile, Slug, Strict, Text

DATA_DIR = "datasets/data"
"""Where the generated practice data sets are, relative to the repository root."""
CHART_MARKER = re.compile(r"^<!-- academy:chart ([a-z0-9-]+) -->$", re.MULTILINE)
"""A line in a lesson body where a chart goes; group 1 is the chart id."""


class ChartKind(StrEnum):
    """What the chart draws. Every chart counts rows of its data set."""

    BAR = "bar"
    """Horizontal bars: rows per value of `x`, largest first."""
    LINE = "line"
    """A line: rows per `period` of the date in `x`."""
    HISTOGRAM = "histogram"
    """Bars side by side: rows per band of `bin_width` of the number in `x`."""


class Chart(Strict):
    """One chart: which rows it counts, how it is labelled and its text alternative."""

    id: Slug = Field(description="Unique on the site; the marker in the lesson body names it.")
    kind: ChartKind
    dataset: RelativeFile = Field(description="A CSV file in datasets/data/.")
    x: Text = Field(description="The column the chart counts rows by.")
    title: Text
    x_label: Text
    y_label: Text
    alt: Text = Field(description="Text alternative: the kind of chart, its message, key numbers.")
    exclude: tuple[str, ...] = Field(
        default=(), description="Values of `x` left out, e.g. a code meaning 'not known'."
    )
    tidy: bool = Field(default=False, description="Bar: tidy spaces and capitals before counting.")
    top: int | None = Field(default=None, ge=2, le=30, description="Bar: the most common only.")
    period: Literal["year", "month"] | None = Field(default=None, description="Line only.")
    date_format: str | None = Field(default=None, description="Line: e.g. %d/%m/%Y.")
    bin_width: float | None = Field(default=None, gt=0, description="Histogram only.")
    mark: tuple[Literal["mean", "median"], ...] = Field(
        default=(), description="Histogram: draw a line at the mean or median."
    )
    y_from_zero: bool = Field(
        default=True, description="False only to show how a cut axis misleads."
    )

    @model_validator(mode="after")
    def _options_fit_kind(self) -> Chart:
        needs = {ChartKind.LINE: ("period", "date_format"), ChartKind.HISTOGRAM: ("bin_width",)}
        for key in needs.get(self.kind, ()):
            if getattr(self, key) is None:
                raise ValueError(f"chart '{self.id}': a {self.kind} chart needs '{key}'")
        only = {"top": ChartKind.BAR, "tidy": ChartKind.BAR, "period": ChartKind.LINE,
                "bin_width": ChartKind.HISTOGRAM, "mark": ChartKind.HISTOGRAM}
        for key, kind in only.items():
            if getattr(self, key) and self.kind is not kind:
                raise ValueError(f"chart '{self.id}': '{key}' is only for a {kind} chart")
        return self


@dataclass(frozen=True)
class ChartData:
    """The numbers a chart shows, in the order it shows them."""

    labels: tuple[str, ...]
    """One label per bar or point."""
    values: tuple[int, ...]
    """Rows counted for each label."""
    rows: int
    """Rows counted in all (after `exclude`), including any left out by `top`."""
    summary: dict[str, float]
    """Histogram: `mean` and `median` of `x`; empty for other kinds."""

    def figures(self) -> tuple[float, ...]:
        """Every number a text alternative may quote: counts, total, summary, label numbers."""
        label_numbers = tuple(float(n) for lab in self.labels for n in re.findall(r"\d+", lab))
        return (*map(float, self.values), float(self.rows), *self.summary.values(),
                *label_numbers)


_FIGURE = re.compile(r"(?<![\w.])-?\d[\d,]*(?:\.\d+)?")
"""A number as prose writes it: 761, 1,000, 38.2 (not the 4 of 'W4' or a word)."""


def alt_figures(text: str) -> list[float]:
    """The numbers a text alternative states, in order."""
    return [float(m.replace(",", "")) for m in _FIGURE.findall(text)]


def unchecked_figures(chart: Chart, data: ChartData) -> list[float]:
    """Figures in the chart's alt text that are not among its numbers (nor its top or band)."""
    known = {*data.figures(), *(float(v) for v in (chart.top, chart.bin_width) if v)}
    return [f for f in alt_figures(chart.alt) if not any(abs(f - k) < 1e-9 for k in known)]


def dataset_path(chart: Chart, root: Path) -> Path:
    return root / DATA_DIR / chart.dataset


def chart_data(chart: Chart, root: Path) -> ChartData:
    """Count the rows of the chart's data set as the chart shows them."""
    import pandas as pd  # only the site build and the tests need it

    frame = pd.read_csv(dataset_path(chart, root), dtype={chart.x: str}, keep_default_na=False)
    column = frame[chart.x].str.strip()
    column = column[~column.isin(chart.exclude) & (column != "")]
    if chart.kind is ChartKind.BAR:
        if chart.tidy:
            column = column.str.split().str.join(" ").str.title()
        counts = column.value_counts(sort=True)
        counts = counts.iloc[: chart.top] if chart.top else counts
        return ChartData(tuple(counts.index), tuple(int(v) for v in counts), len(column), {})
    if chart.kind is ChartKind.LINE:
        dates = pd.to_datetime(column, format=chart.date_format)
        key = dates.dt.strftime("%Y" if chart.period == "year" else "%Y-%m")
        counts = key.value_counts().sort_index()
        return ChartData(tuple(counts.index), tuple(int(v) for v in counts), len(column), {})
    numbers = column.astype(float)
    width = chart.bin_width or 1.0
    low = math.floor(numbers.min() / width) * width
    bands = ((numbers - low) // width).astype(int)
    counts = bands.value_counts().sort_index().reindex(range(bands.max() + 1), fill_value=0)
    labels = tuple(f"{low + b * width:g} to {low + (b + 1) * width - 1:g}" for b in counts.index)
    summary = {"mean": round(float(numbers.mean()), 1), "median": float(numbers.median())}
    return ChartData(labels, tuple(int(v) for v in counts), len(column), summary)


def chart_markers(markdown: str) -> list[str]:
    """The chart ids placed in a lesson body, in order (repeats kept, to report them)."""
    return CHART_MARKER.findall(markdown)
