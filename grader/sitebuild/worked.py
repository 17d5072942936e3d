"""Worked examples whose output is computed when the site is built, never typed by hand.

A lesson marks a code block to run by adding `run` after its language::

    ```python run
    pcns = pd.read_csv("parking_pcns.csv")
    pcns.shape
    ```

    ```sql run
    SELECT ward_name, COUNT(*) AS notices FROM pcns JOIN wards USING (ward_code)
    GROUP BY ward_name ORDER BY notices DESC LIMIT 5
    ```

`run_examples(markdown, settings)` runs every such block of one page in order, in one shared
namespace (as the cells of a notebook), in a folder that holds the practice data sets and the
Camden database under the names the exercises use. Under each block it puts what a notebook
would show: printed text, the value of the last line (a table for a DataFrame or Series), and
every matplotlib figure the block drew. A figure needs a text alternative, given as
`alt="..."` after `run`; `{name}` or `{name:.1f}` in it is filled in from the block's
variables, so the numbers it quotes are computed too. A block that raises stops the build
with an error naming the lesson file and the block.
"""

from __future__ import annotations

import ast
import base64
import contextlib
import hashlib
import io
import os
import re
import shlex
import sqlite3
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2

from grader.content.database import BUILT_DIR, DATA_DIR, DATABASE_NAME

RUN_BLOCK = re.compile(
    r"^(?P<fence>```)(?P<lang>python|sql) run(?P<options>[^\n]*)\n(?P<code>.*?)^```[ \t]*$",
    re.MULTILINE | re.DOTALL,
)
"""A fenced block to run: its language, options (`alt="..."`) and code."""
OUTER_FENCE = re.compile(r"^(?P<fence>`{4,}|~{3,})[^\n]*\n.*?^(?P=fence)[ \t]*$",
                         re.MULTILINE | re.DOTALL)
"""A block fenced with four or more backticks (or tildes): it shows Markdown, such as a run
block in the authoring guide, and nothing inside it runs."""
MAX_ROWS = 12
"""A longer table is shown as its first and last rows, as a notebook shows it."""
FIGURE_DPI = 120
"""Resolution of a chart image: sharp on a high-density screen, small enough to inline."""
_TEMPLATES = jinja2.Environment(
    loader=jinja2.PackageLoader("grader.sitebuild", "templates"),
    autoescape=True,
    keep_trailing_newline=True,
)


class WorkedExampleError(Exception):
    """A worked example could not run; the message names the lesson file and the block."""


@dataclass(frozen=True)
class RunSettings:
    """Where a page's worked examples run."""

    root: Path
    """Repository root: the data sets are in datasets/data/ and datasets/built/."""
    source: str
    """The file the page comes from, relative to the root, for error messages."""


@dataclass(frozen=True)
class Output:
    """What one block showed, in the order a notebook shows it."""

    text: str
    """Printed text (standard output), possibly empty."""
    table_html: str | None
    """The last line's value as an HTML table, when it is a DataFrame or Series."""
    value: str | None
    """The last line's value as text, when it is something else (and not None)."""
    figures: tuple[tuple[str, str], ...]
    """(data URI of a PNG image, its text alternative) for every figure drawn."""


def _options(text: str) -> dict[str, str]:
    pairs = (part.partition("=") for part in shlex.split(text))
    return {key: value for key, _, value in pairs}


def _first_line(code: str) -> str:
    return next((line.strip() for line in code.splitlines() if line.strip()), "")


def _table(value: Any) -> str | None:
    """A DataFrame or Series as an HTML table whose every column has a heading.

    The index becomes ordinary columns (a plain row number is dropped), so that the table
    has no empty corner heading, which screen readers announce as a blank.
    """
    import pandas as pd

    if isinstance(value, pd.Series):
        value = value.to_frame(name=value.name if value.name is not None else "value")
    if not isinstance(value, pd.DataFrame):
        return None
    plain = isinstance(value.index, pd.RangeIndex) and value.index.name is None
    frame = value.reset_index(drop=plain)
    frame.columns = [" ".join(map(str, c)).strip() if isinstance(c, tuple) else str(c)
                     for c in frame.columns]  # fmt: skip
    return frame.to_html(max_rows=MAX_ROWS, border=0, index=False, justify="left",
                         classes="cda-output-table", float_format=_number)  # fmt: skip


def _number(x: float) -> str:
    return f"{x:,.4g}" if abs(x) < 1e6 else f"{x:,.0f}"


def _shown(value: Any) -> str | None:
    """What a notebook would print for the last line's value; nothing for chart objects."""
    items = value if isinstance(value, (list, tuple)) else [value]
    if value is None or any(type(v).__module__.startswith("matplotlib") for v in items):
        return None
    return repr(value)


def _figures(alt: str | None, namespace: dict[str, Any], where: str) -> tuple[tuple[str, str], ...]:
    import matplotlib.pyplot as plt

    found = []
    for number in plt.get_fignums():
        figure = plt.figure(number)
        if not alt:
            plt.close("all")
            raise WorkedExampleError(f"{where} draws a chart but gives no text alternative: "
                                     'add alt="..." after "run"')
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png", dpi=FIGURE_DPI, bbox_inches="tight",
                       metadata={"Software": None})  # the same bytes on every build
        uri = "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()
        try:
            text = alt.format_map(namespace)
        except (KeyError, ValueError, AttributeError, IndexError) as exc:
            plt.close("all")
            raise WorkedExampleError(f"{where}: the text alternative cannot be filled in "
                                     f"({type(exc).__name__}: {exc})") from exc
        found.append((uri, text))
    plt.close("all")
    return tuple(found)


def _run_python(code: str, namespace: dict[str, Any], alt: str | None, where: str) -> Output:
    tree = ast.parse(code, filename=where)
    tail = tree.body[-1] if tree.body else None
    last = tail if isinstance(tail, ast.Expr) else None
    if last is not None:
        tree.body.pop()
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        exec(compile(tree, where, "exec"), namespace)
        value = (eval(compile(ast.Expression(last.value), where, "eval"), namespace)
                 if last is not None else None)  # fmt: skip
    table = _table(value)
    shown = None if table is not None else _shown(value)
    return Output(printed.getvalue(), table, shown, _figures(alt, namespace, where))


def _run_sql(code: str, folder: Path) -> Output:
    import pandas as pd

    with contextlib.closing(sqlite3.connect(folder / DATABASE_NAME)) as connection:
        frame = pd.read_sql_query(code, connection)
    return Output("", _table(frame), None, ())


@contextlib.contextmanager
def data_folder(root: Path) -> Iterator[Path]:
    """A temporary working folder holding links to every data set, as an exercise folder does.

    The code runs with this folder as its working directory, so `pd.read_csv("trees.csv")`
    and `sqlite3.connect("camden.sqlite")` read what they read in the exercises.
    """
    previous = Path.cwd()
    with tempfile.TemporaryDirectory(prefix="worked-") as tmp:
        folder = Path(tmp)
        for source in (root / DATA_DIR, root / BUILT_DIR):
            for path in sorted(source.glob("*")) if source.is_dir() else ():
                if path.suffix in (".csv", ".sqlite"):
                    (folder / path.name).symlink_to(path.resolve())
        os.chdir(folder)
        try:
            yield folder
        finally:
            os.chdir(previous)


def render(output: Output) -> str:
    """The Markdown (raw HTML) that goes under a block; nothing for a block that shows nothing."""
    if not (output.text or output.table_html or output.value or output.figures):
        return ""
    return _TEMPLATES.get_template("worked_output.html").render(output=output)


def _run_blocks(markdown: str) -> list[re.Match[str]]:
    """The blocks to run, leaving out any shown inside an outer fence."""
    shown = [m.span() for m in OUTER_FENCE.finditer(markdown)]
    return [b for b in RUN_BLOCK.finditer(markdown)
            if not any(start <= b.start() < end for start, end in shown)]


def has_examples(markdown: str) -> bool:
    return bool(_run_blocks(markdown))


def _inputs_digest(root: Path) -> str:
    """sha256 of what a page's output depends on besides its own text: the data sets, this
    module, the output template and the versions of pandas, numpy and matplotlib."""
    import matplotlib
    import numpy
    import pandas

    digest = hashlib.sha256(Path(__file__).read_bytes())
    digest.update((Path(__file__).parent / "templates" / "worked_output.html").read_bytes())
    digest.update(f"{pandas.__version__} {numpy.__version__} {matplotlib.__version__}".encode())
    for folder in (root / DATA_DIR, root / BUILT_DIR):
        for path in sorted(folder.glob("*")) if folder.is_dir() else ():
            if path.suffix in (".csv", ".sqlite"):
                digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def cached_run_examples(markdown: str, settings: RunSettings, cache_dir: Path) -> str:
    """`run_examples`, reusing the page from `cache_dir` when nothing it depends on changed.

    The key covers the page's Markdown and `_inputs_digest`, so a changed data set, lesson,
    library version or template runs the examples again.
    """
    if not has_examples(markdown):
        return markdown
    key = hashlib.sha256(markdown.encode() + _inputs_digest(settings.root).encode()).hexdigest()
    path = Path(cache_dir) / f"{key}.md"
    if path.is_file():
        return path.read_text(encoding="utf-8")
    page = run_examples(markdown, settings)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(page, encoding="utf-8")
    tmp.replace(path)
    return page


def run_examples(markdown: str, settings: RunSettings) -> str:
    """The page with each `run` block turned into a plain block followed by its output."""
    blocks = _run_blocks(markdown)
    if not blocks:
        return markdown
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    namespace: dict[str, Any] = {"__name__": "__lesson__"}
    out: list[str] = []
    end = 0
    with data_folder(settings.root) as folder:
        for number, block in enumerate(blocks, start=1):
            where = (f"{settings.source}: worked example {number} (the {block['lang']} block "
                     f"starting '{_first_line(block['code'])}')")
            options = _options(block["options"])
            try:
                if block["lang"] == "sql":
                    output = _run_sql(block["code"], folder)
                else:
                    output = _run_python(block["code"], namespace, options.get("alt"), where)
            except WorkedExampleError:
                raise
            except Exception as exc:  # the author's code: report anything it raises
                plt.close("all")
                raise WorkedExampleError(f"{where} raised {type(exc).__name__}: {exc}") from exc
            out.append(markdown[end:block.start()])
            out.append(f"```{block['lang']}\n{block['code']}```\n\n")
            out.append(render(output))
            end = block.end()
    out.append(markdown[end:])
    return "".join(out)
