"""Where generated pages sit and how they link to each other.

Progress keys (`lesson:<track>/<lesson>`, and `exercise:<id>` in grader.sitebuild.controls) are
the contract with `docs/assets/js/progress.js`, which keeps a learner's progress in their
browser.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field

from grader.content.catalogue import Exercise, Lesson, Track

TRACKS_DIR = "tracks"
EXERCISES_DIR = "exercises"


@dataclass(frozen=True)
class SiteSettings:
    """What the pages need to know about the site they go into."""

    storage_name: str
    """JupyterLite's storage name: where the learner's notebooks live in the browser."""
    use_directory_urls: bool = True
    """mkdocs' setting of the same name; decides how deep each page sits."""
    dataset_cards: frozenset[str] = field(default_factory=frozenset)
    """Paths (relative to docs/) of the data cards that exist, e.g. `datasets/bins.md`."""


@dataclass(frozen=True)
class Page:
    """A generated page: where it pretends to be in docs/, its title and its Markdown."""

    src_uri: str
    title: str
    markdown: str


def track_uri(track: Track) -> str:
    return f"{TRACKS_DIR}/{track.id}/index.md"


def lesson_uri(track: Track, lesson: Lesson) -> str:
    return f"{TRACKS_DIR}/{track.id}/{lesson.id}.md"


def exercise_uri(exercise: Exercise) -> str:
    return f"{EXERCISES_DIR}/{exercise.id}.md"


def lesson_key(track: Track, lesson: Lesson) -> str:
    return f"lesson:{track.id}/{lesson.id}"


def link(from_uri: str, to_uri: str) -> str:
    """Relative Markdown link between two docs paths (mkdocs turns it into a URL)."""
    return posixpath.relpath(to_uri, posixpath.dirname(from_uri) or ".")


def root_prefix(src_uri: str, use_directory_urls: bool) -> str:
    """Relative URL from the built page to the site root, for raw HTML links."""
    stem = src_uri.removesuffix(".md")
    if use_directory_urls and posixpath.basename(stem) not in ("index", "README"):
        depth = stem.count("/") + 1
    else:
        depth = stem.count("/")
    return "../" * depth
