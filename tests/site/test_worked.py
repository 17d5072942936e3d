"""Worked examples run at build time (grader.sitebuild.worked): the output under each block is
what the code computes, charts need a text alternative, and a failing block names its file."""

from __future__ import annotations

import base64
import re
import sqlite3
from pathlib import Path

import pytest

from grader.content.database import BUILT_DIR, DATA_DIR, DATABASE_NAME
from grader.sitebuild.worked import RunSettings, WorkedExampleError, has_examples, run_examples


@pytest.fixture
def root(tmp_path: Path) -> Path:
    data = tmp_path / DATA_DIR
    data.mkdir(parents=True)
    (data / "fines.csv").write_text("ward,amount\nBelsize,65\nBelsize,110\nHighgate,80\n")
    built = tmp_path / BUILT_DIR
    built.mkdir(parents=True)
    with sqlite3.connect(built / DATABASE_NAME) as con:
        con.execute("CREATE TABLE wards (ward_code TEXT PRIMARY KEY, ward_name TEXT)")
        con.executemany("INSERT INTO wards VALUES (?, ?)", [("W1", "Belsize"), ("W2", "Kilburn")])
    return tmp_path


def run(root: Path, markdown: str) -> str:
    return run_examples(markdown, RunSettings(root=root, source="courses/t/lesson.md"))


def test_output_is_computed_and_blocks_share_variables(root: Path) -> None:
    page = run(root, (
        "Intro.\n\n```python run\nimport pandas as pd\nfines = pd.read_csv('fines.csv')\n"
        "print(len(fines), 'rows')\nfines.groupby('ward')['amount'].sum()\n```\n\nThen:\n\n"
        "```python run\nfines['amount'].mean()\n```\n\nEnd.\n"
    ))
    assert "```python run" not in page and "```python\nimport pandas" in page
    assert "<code>3 rows\n</code>" in page
    table = re.search(r"<table.*?</table>", page, re.DOTALL)[0]
    assert re.findall(r"<th>(.*?)</th>", table) == ["ward", "amount"]
    assert re.findall(r"<td>(.*?)</td>", table) == ["Belsize", "175", "Highgate", "80"]
    assert "<code>np.float64(85.0)</code>" in page or "<code>85.0</code>" in page
    assert page.startswith("Intro.") and page.rstrip().endswith("End.")
    assert not has_examples(page)


def test_sql_runs_against_the_camden_database(root: Path) -> None:
    page = run(root, "```sql run\nSELECT ward_name FROM wards ORDER BY ward_code\n```\n")
    assert "```sql\nSELECT ward_name" in page
    assert re.findall(r"<td>(.*?)</td>", page) == ["Belsize", "Kilburn"]


def test_chart_needs_alt_text_and_alt_is_filled_in(root: Path) -> None:
    chart = ("import matplotlib.pyplot as plt\nimport pandas as pd\n"
             "fines = pd.read_csv('fines.csv')\ntotal = fines['amount'].sum()\n"
             "fig, ax = plt.subplots()\nax.bar(fines['ward'], fines['amount'])\n")
    alt_option = 'alt="Bar chart of fines; total {total} pounds"'
    page = run(root, f"```python run {alt_option}\n{chart}```\n")
    image = r'<img class="cda-output__figure" src="([^"]+)" alt="([^"]+)"'
    uri, alt = re.search(image, page).groups()
    assert alt == "Bar chart of fines; total 255 pounds"
    assert base64.b64decode(uri.removeprefix("data:image/png;base64,"))[:4] == b"\x89PNG"
    assert "matplotlib" not in page.split("<img")[0].split("Output")[-1], "no artist repr"
    with pytest.raises(WorkedExampleError, match=r"courses/t/lesson.md: worked example 1 .* "
                       r"draws a chart but gives no text alternative"):
        run(root, f"```python run\n{chart}```\n")


def test_same_page_every_build(root: Path) -> None:
    md = ("```python run alt=\"A line\"\nimport matplotlib.pyplot as plt\n"
          "plt.plot([1, 2, 3], [2, 1, 3])\n```\n")
    assert run(root, md) == run(root, md)


def test_output_is_escaped(root: Path) -> None:
    page = run(root, "```python run\nprint('<b>' + 'bold</b>')\n```\n")
    assert "<b>bold</b>" not in page and "&lt;b&gt;bold&lt;/b&gt;" in page


def test_a_failing_block_names_the_file_and_block(root: Path) -> None:
    md = ("```python run\nx = 1\n```\n\n"
          "```python run\nimport pandas as pd\npd.read_csv('nope.csv')\n```\n")
    with pytest.raises(WorkedExampleError, match=r"courses/t/lesson.md: worked example 2 \(the "
                       r"python block starting 'import pandas as pd'\) raised FileNotFoundError"):
        run(root, md)
    assert Path.cwd() != root, "the working folder is restored"


def test_plain_blocks_are_left_alone(root: Path) -> None:
    md = "```python\nthis is not run(\n```\n"
    assert run(root, md) == md and not has_examples(md)


def test_cache_reuses_a_page_until_an_input_changes(root: Path, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    from grader.sitebuild import worked

    md = "```python run\nimport pandas as pd\npd.read_csv('fines.csv')['amount'].sum()\n```\n"
    settings = RunSettings(root=root, source="courses/t/lesson.md")
    cache = tmp_path / "cache"
    first = worked.cached_run_examples(md, settings, cache)
    assert "<code>np.int64(255)</code>" in first or "<code>255</code>" in first

    def fail(*args: object) -> str:
        raise AssertionError("ran again although nothing changed")

    monkeypatch.setattr(worked, "run_examples", fail)
    assert worked.cached_run_examples(md, settings, cache) == first
    monkeypatch.undo()
    (root / DATA_DIR / "fines.csv").write_text("ward,amount\nBelsize,1\n")
    assert "<code>np.int64(1)</code>" in worked.cached_run_examples(md, settings, cache) or \
        "<code>1</code>" in worked.cached_run_examples(md, settings, cache)


def test_a_block_that_shows_nothing_gets_no_output_box(root: Path) -> None:
    page = run(root, "```python run\nx = 1\n```\n\n```python run\nprint(x + 1)\n```\n")
    assert page.count('<div class="cda-output">') == 1 and "<code>2\n</code>" in page


def test_a_run_block_shown_inside_an_outer_fence_is_not_run(root: Path) -> None:
    md = "````markdown\n```python run\nraise SystemExit\n```\n````\n"
    assert not has_examples(md) and run(root, md) == md
