"""The site's navigation: the hand-written nav from mkdocs.yml with the generated pages."""

from __future__ import annotations

import posixpath
from typing import Any

from grader.content.catalogue import Catalogue
from grader.sitebuild.lesson_parts import GLOSSARY_URI
from grader.sitebuild.pages import exercise_uri, lesson_uri, track_uri, tracks_in_order


def site_nav(catalogue: Catalogue, base_nav: list[Any] | None, extra: list[str]) -> list[Any]:
    """The navigation: the hand-written nav with the tracks and exercises after its first entry.

    `extra` lists hand-written pages (e.g. data cards) to add under "Data sets".
    """
    tracks: list[Any] = []
    for track in tracks_in_order(catalogue):
        items: list[Any] = [{"Overview": track_uri(track)}]
        for m in track.modules:
            items.append({m.title: [{lesson.title: lesson_uri(track, lesson)}
                                    for lesson in m.lessons]})
        tracks.append({track.title: items})
    exercises = [{ex.title: exercise_uri(ex)} for ex in catalogue.exercises.values()]
    generated: list[Any] = [{"Tracks": tracks}, {"Exercises": exercises}]
    if catalogue.glossary:
        generated.append({"Glossary": GLOSSARY_URI})
    if extra:
        index = [p for p in extra if posixpath.basename(p) == "index.md"]
        generated.append({"Data sets": index + [p for p in extra if p not in index]})
    nav = list(base_nav or [])
    return nav[:1] + generated + nav[1:]


def prune_nav(nav: list[Any], existing: set[str]) -> list[Any]:
    """The nav without entries for pages that do not exist (yet), and without empty sections."""
    out: list[Any] = []
    for item in nav:
        title, target = next(iter(item.items())) if isinstance(item, dict) else (None, item)
        if isinstance(target, list):
            children = prune_nav(target, existing)
            if children:
                out.append({title: children} if title is not None else children)
        elif "://" in str(target) or target in existing:
            out.append(item)
    return out
