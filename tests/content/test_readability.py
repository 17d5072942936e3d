"""Every lesson under courses/ is readable: Flesch reading ease of its prose, code left out.

Run with `-s` to see the table of scores, or `python tests/content/test_readability.py`.
Flesch reading ease runs from about 0 (very hard) to 100 (very easy); GOV.UK-style plain
English for a general audience usually scores 60 or more. The floors below are per track:
both tracks meet the floor of 50 that issue 12 set for course text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from unittest.mock import patch

import pytest
import textstat
import yaml
from textstat.backend.counts import _count_syllables

ROOT = Path(__file__).resolve().parents[2]
COURSES = ROOT / "courses"
DEFAULT_FLOOR = 35.0
"""Floor for any track not named in FLOORS (for example the apprenticeship track)."""
FLOORS: dict[str, float] = {"data-essentials": 50.0, "data-analyst-l4": 50.0}
"""Track id -> lowest acceptable Flesch reading ease for each of its lessons."""

_FENCED = re.compile(r"^(```|~~~).*?^\1[^\n]*$", re.MULTILINE | re.DOTALL)
_INLINE_CODE = re.compile(r"`[^`\n]*`")
_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_HTML = re.compile(r"<[^>]+>")
_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{3,}.*$", re.MULTILINE)
_LINE_MARKUP = re.compile(r"^\s*(#{1,6}\s+|[-*+]\s+|\d+\.\s+|>\s?|!!!\s+\w+|\?\?\?\s+\w+)",
                          re.MULTILINE)


@dataclass(frozen=True)
class LessonScore:
    """The readability of one lesson's prose."""

    track: str
    """Track id."""
    lesson: str
    """Lesson id."""
    flesch: float
    """Flesch reading ease of the prose (higher is easier)."""
    words: int
    """Number of words scored."""


def prose(markdown: str) -> str:
    """The Markdown's readable text: no code, links reduced to their text, no markup.

    Hard-wrapped lines of a paragraph or list item are joined again. Headings, list items and
    table cells each become a sentence of their own, so that a table row is not scored as one
    enormous sentence.
    """
    text = _FENCED.sub("", markdown)
    text = _INLINE_CODE.sub("code", text)
    text = _LINK.sub(r"\1", text)
    text = _HTML.sub("", text)
    text = _TABLE_RULE.sub("", text)
    blocks: list[str] = []
    joinable = False
    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            joinable = False
            continue
        if "|" in line:
            blocks += [c.strip() for c in line.strip("|").split("|")]
            joinable = False
        elif _LINE_MARKUP.match(raw) or not joinable:
            blocks.append(_LINE_MARKUP.sub("", raw).strip())
            joinable = not line.startswith("#")
        else:
            blocks[-1] += " " + line
    sentences = []
    for block in blocks:
        block = block.replace("**", "").replace("__", "").strip()
        if block:
            sentences.append(block if block[-1] in ".!?:" else block + ".")
    return "\n".join(sentences)


def _no_cmudict(lang: str) -> None:
    return None


def flesch(text: str) -> float:
    """Flesch reading ease, counting syllables with pyphen's hyphenation rules.

    textstat prefers NLTK's CMU pronouncing dictionary, which it downloads at first use; the
    build machines are offline, so the dictionary is switched off here and textstat falls
    back to pyphen, which ships with it. Scores differ from the dictionary's by a point or two.
    """
    with patch.object(_count_syllables, "get_cmudict", _no_cmudict):
        return round(textstat.flesch_reading_ease(text), 1)


def lesson_scores() -> list[LessonScore]:
    scores = []
    for track_file in sorted(COURSES.glob("*/track.yml")):
        track = yaml.safe_load(track_file.read_text(encoding="utf-8")) or {}
        for module in track.get("modules", []):
            for lesson in module.get("lessons", []):
                path = track_file.parent / lesson["file"]
                if not path.is_file():
                    continue  # a missing file is the catalogue checks' job
                text = prose(path.read_text(encoding="utf-8"))
                scores.append(LessonScore(
                    track=str(track.get("id", track_file.parent.name)), lesson=lesson["id"],
                    flesch=flesch(text),
                    words=textstat.lexicon_count(text),
                ))
    return scores


def table(scores: list[LessonScore]) -> str:
    rows = [f"{'track':<22} {'lesson':<32} {'flesch':>6} {'floor':>5} {'words':>6}"]
    rows += [f"{s.track:<22} {s.lesson:<32} {s.flesch:>6.1f} "
             f"{FLOORS.get(s.track, DEFAULT_FLOOR):>5.0f} {s.words:>6}" for s in scores]
    return "\n".join(rows)


SCORES = lesson_scores()


def test_print_table() -> None:
    print("\n" + table(SCORES))
    assert SCORES, "no lessons found under courses/"


@pytest.mark.parametrize("score", SCORES, ids=[f"{s.track}/{s.lesson}" for s in SCORES])
def test_lesson_is_readable(score: LessonScore) -> None:
    floor = FLOORS.get(score.track, DEFAULT_FLOOR)
    assert score.flesch >= floor, (
        f"courses/{score.track}: lesson '{score.lesson}' has a Flesch reading ease of "
        f"{score.flesch}, below {floor}: use shorter sentences and everyday words"
    )


def test_prose_leaves_out_code() -> None:
    md = ("## Heading\n\nRun `pcns.head()`\nnow.\n\n```python\nx = 1\n```\n\n"
          "| a | b |\n|---|---|\n- one\n  item\n- two\n")
    assert prose(md) == "Heading.\nRun code now.\na.\nb.\none item.\ntwo."


if __name__ == "__main__":
    print(table(lesson_scores()))
