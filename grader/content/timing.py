"""How long a lesson and a track take, measured from the content itself.

The time rule (docs/authoring.md): a lesson's stated minutes are its reading time at
`WORDS_PER_MINUTE` plus the stated minutes of each activity and exercise. A stated time is
kept honest when it is within `TOLERANCE` of that measure; a track's stated hours likewise
against the sum of its lessons' measures. `tests/content/test_time_rule.py` checks every track.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from grader.content.activities import Level
from grader.content.catalogue import Catalogue, Lesson, Track

WORDS_PER_MINUTE = 200
"""A steady reading speed for adults reading to learn (not skimming)."""
TOLERANCE = 0.25
"""How far a stated time may be from the measured time, as a share of the measured time."""

_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_LINK_TARGET = re.compile(r"\]\([^)]*\)")
_TAG = re.compile(r"<[^>]+>")
_WORD = re.compile(r"[^\W_]+(?:['’.-][^\W_]+)*")


def word_count(markdown: str) -> int:
    """Words a reader reads: prose and code, without link targets, HTML tags and comments."""
    text = _TAG.sub(" ", _LINK_TARGET.sub("]", _COMMENT.sub(" ", markdown)))
    return len(_WORD.findall(text))


def reading_minutes(markdown: str) -> float:
    return word_count(markdown) / WORDS_PER_MINUTE


@dataclass(frozen=True)
class LessonTime:
    """A lesson's measured time, part by part, beside its stated time."""

    lesson: Lesson
    words: int
    """Words in the lesson body."""
    parts: tuple[tuple[str, int], ...]
    """(what, minutes) for each activity and exercise, in the order the lesson gives them."""
    stated: int
    """The lesson's estimated_minutes in track.yml."""

    @property
    def reading(self) -> float:
        return self.words / WORDS_PER_MINUTE

    @property
    def measured(self) -> float:
        return self.reading + sum(m for _, m in self.parts)

    @property
    def within_tolerance(self) -> bool:
        return abs(self.stated - self.measured) <= TOLERANCE * self.measured


@dataclass(frozen=True)
class TrackTime:
    """A track's stated hours beside the sum of its lessons' measured minutes."""

    track: Track
    lessons: tuple[LessonTime, ...]

    @property
    def stated_minutes(self) -> float:
        return self.track.estimated_hours * 60

    @property
    def measured(self) -> float:
        return sum(t.measured for t in self.lessons)

    @property
    def within_tolerance(self) -> bool:
        return abs(self.stated_minutes - self.measured) <= TOLERANCE * self.measured

    def route(self, level: Level) -> tuple[LessonTime, ...]:
        """The lessons of a level's route: that level's and every lower level's, in order."""
        return tuple(t for t in self.lessons
                     if t.lesson.level is not None and t.lesson.level.rank <= level.rank)


ACTIVITY_NAMES = {"worked-example": "worked example", "quiz": "quiz", "reflection": "reflection"}
"""How the page and the time rule's report name each kind of activity."""


def lesson_time(catalogue: Catalogue, track: Track, lesson: Lesson) -> LessonTime:
    body = catalogue.lesson_path(track, lesson).read_text(encoding="utf-8")
    parts = [(ACTIVITY_NAMES[a.kind], a.minutes) for a in lesson.activities]
    parts += [(f"exercise {e}", catalogue.exercises[e].estimated_minutes)
              for e in lesson.exercises if e in catalogue.exercises]
    return LessonTime(lesson, word_count(body), tuple(parts), lesson.estimated_minutes)


def track_time(catalogue: Catalogue, track: Track) -> TrackTime:
    return TrackTime(track, tuple(lesson_time(catalogue, track, lesson)
                                  for m in track.modules for lesson in m.lessons))
