"""No solution or hidden-test text anywhere in the built site, JupyterLite contents included.

`grader.release.assignment.leak_markers` lists distinctive lines that nbgrader removes from each
instructor notebook; every file of the site is searched for each of them, as raw text and
with HTML and JSON escapes undone.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
from pathlib import Path

import pytest
from site_helpers import FIXTURE_ROOT, BuiltSite

from grader.content.reader import load_catalogue
from grader.release.assignment import leak_markers

pytestmark = pytest.mark.slow
COPIES = {".gz", ".br"}
"""Precompressed copies (grader/lite), served in place of the file beside them."""
BINARY = {".whl", ".wasm", ".zip", ".woff", ".woff2", ".ttf", ".png"}
"""Compressed or binary formats, where no line of a notebook can appear as text: wheels,
Pyodide's core and standard library are vendored and hash-checked
(grader/lite/pyodide_vendor.py), the rest are the theme's fonts and images."""
WORD = re.compile(r"\w{4,}")
"""Runs of word characters: a marker is only searched for in a file that has its key word."""


def _readable_forms(data: bytes) -> list[str]:
    text = data.decode("utf-8", errors="ignore")
    # Highlighted code in pages is split into <span>s: also search the text without tags.
    forms = [text, html.unescape(text), html.unescape(re.sub(r"<[^>]*>", "", text))]
    try:
        forms.append(json.dumps(json.loads(text), ensure_ascii=False))
    except ValueError:
        pass
    # Source lines inside notebooks' JSON have escaped quotes: undo that too.
    forms.append(text.replace('\\"', '"').replace("\\\\", "\\"))
    return forms


def _key_word(marker: str) -> str:
    """The longest run of word characters inside `marker` with a non-word character on both
    sides (so the same run is a whole word of any text that holds the marker), or "" when
    there is none: then the marker is searched for everywhere."""
    inner = [m.group() for m in WORD.finditer(marker) if m.start() > 0 and m.end() < len(marker)]
    return max(inner, key=len, default="")


def _leaks(built: BuiltSite) -> list[str]:
    """Every file of the site against every marker. Two shortcuts keep it fast (the real site
    has some 800 markers and 30 MB of text): a marker is looked for only in a file whose words
    include its key word, and a file with the same bytes as one already searched (the data
    sets are copied beside each exercise) has the same result."""
    catalogue = load_catalogue(built.root)
    markers = {
        marker: ex.id
        for ex in catalogue.exercises.values()
        for marker in leak_markers(catalogue.notebook_path(ex))
    }
    assert markers, "found no solution or hidden-test lines to look for"
    keys = {marker: _key_word(marker) for marker in markers}
    found = []
    searched: dict[bytes, list[str]] = {}
    for path in sorted(p for p in built.site_dir.rglob("*") if p.is_file()):
        if path.suffix in COPIES:
            # A precompressed copy: the file it was made from is searched.
            assert path.with_suffix("").is_file(), f"{path}: a copy of no file"
            continue
        if path.suffix in BINARY:
            continue
        data = path.read_bytes()
        digest = hashlib.sha256(data).digest()
        if digest not in searched:
            forms = _readable_forms(data)
            words = set().union(*(WORD.findall(form) for form in forms))
            searched[digest] = [
                marker
                for marker in markers
                if (not keys[marker] or keys[marker] in words)
                and any(marker in form for form in forms)
            ]
        relative = path.relative_to(built.site_dir)
        found += [f"{relative}: {markers[m]}: {m!r}" for m in searched[digest]]
    return found


def test_fixture_markers_are_the_ones_planted() -> None:

    catalogue = load_catalogue(FIXTURE_ROOT)
    markers = leak_markers(catalogue.notebook_path(catalogue.exercises["fixture-counts"]))
    assert any("fixture-solution-7Q" in m for m in markers)
    assert any("fixture-hidden-9Z" in m for m in markers)


def test_no_solution_or_hidden_test_in_fixture_site(site: BuiltSite) -> None:
    student = (site.site_dir / "lite/files/fixture-counts/counts.ipynb").read_text("utf-8")
    assert "ward_count should be a whole number" in student  # the visible test is there
    leaks = _leaks(site)
    assert leaks == [], "solution or hidden-test lines found in the site:\n" + "\n".join(leaks)


def test_no_solution_or_hidden_test_in_real_site(real_site: BuiltSite) -> None:
    leaks = _leaks(real_site)
    assert leaks == [], "solution or hidden-test lines found in the site:\n" + "\n".join(leaks)


def test_leak_search_finds_an_escaped_marker(site: BuiltSite, tmp_path: Path) -> None:
    """The search itself works: a hidden test line, HTML-escaped in a page, is found."""
    planted = tmp_path / "site"
    (planted / "exercises").mkdir(parents=True)
    (planted / "exercises/page.html").write_text(
        "<pre>assert ward_count == 3, &quot;fixture-hidden-9Z&quot;</pre>", "utf-8"
    )
    fake = BuiltSite(FIXTURE_ROOT, planted, site.report, {}, {})
    assert [leak.split(":")[0] for leak in _leaks(fake)] == ["exercises/page.html"]


def test_leak_search_sees_through_syntax_highlighting(site: BuiltSite, tmp_path: Path) -> None:
    planted = tmp_path / "site"
    planted.mkdir()
    (planted / "lesson.html").write_text(
        '<code><span class="n">ward_count</span> <span class="o">=</span> '
        '<span class="n">complaints</span>[&quot;ward&quot;].nunique()  '
        "# fixture-solution-7Q</code>",
        "utf-8",
    )
    fake = BuiltSite(FIXTURE_ROOT, planted, site.report, {}, {})
    assert [leak.split(":")[0] for leak in _leaks(fake)] == ["lesson.html"]
