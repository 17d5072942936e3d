"""The course catalogue turned into site pages, in memory.

`generated_pages(catalogue, settings)` returns one `Page` (a path under the docs folder and
its Markdown) for every track, lesson and exercise; `grader.sitebuild.nav` puts them into the
navigation and `grader.sitebuild.controls` makes the "Try it" and "Submit" controls. Nothing here
touches the disk except reading lesson bodies from `courses/`: the mkdocs hooks
(`grader/sitebuild/mkdocs_hooks.py`) hand the pages to mkdocs with `File.generated`, so nothing
generated is ever written into `docs/`.

Progress keys (`lesson:<track>/<lesson>`, `exercise:<id>`) are the contract with
`docs/assets/js/progress.js`, which keeps a learner's progress in their browser.
"""

from __future__ import annotations

import html
import posixpath

from grader.content.activities import Quiz
from grader.content.catalogue import Audience, Catalogue, Exercise, Module, Track
from grader.sitebuild.controls import (
    LITE_DIR,
    START_SECONDS,
    exercise_key,
    notebook_lite_path,
    submit_html,
    tryit_html,
)
from grader.sitebuild.lesson_page import glossary_page, lesson_page
from grader.sitebuild.lesson_parts import (
    minutes_text,
    route_markdown,
)
from grader.sitebuild.uris import (
    Page,
    SiteSettings,
    exercise_uri,
    lesson_key,
    lesson_uri,
    root_prefix,
    track_uri,
)
from grader.sitebuild.uris import link as _link

DATASETS_DIR = "datasets"
TRACK_LIST_MARKER = "<!-- academy:tracks -->"
"""Replaced on the home page by the list of tracks."""


def _root_prefix(src_uri: str, settings: SiteSettings) -> str:
    return root_prefix(src_uri, settings.use_directory_urls)


def _hours(h: float) -> str:
    return f"{h:g} hour" + ("" if h == 1 else "s")


def _status(key: str, extra: str = "") -> str:
    return (
        f'<span class="cda-status" data-progress-key="{html.escape(key)}"{extra}>'
        "Not started</span>"
    )


def _saved_notebook_attrs(exercise: Exercise, settings: SiteSettings) -> str:
    """Where progress.js finds the notebook JupyterLite saved in the browser."""
    return (
        f' data-notebook-path="{html.escape(notebook_lite_path(exercise))}"'
        f' data-storage-name="{html.escape(settings.storage_name)}"'
    )


def _audience_line(catalogue: Catalogue, track: Track) -> str:
    if track.audience is Audience.GRADED:
        std = catalogue.standards.get(track.standard or "")
        name = f"{std.title} level {std.level} ({std.id})" if std else track.standard
        return f"Graded track for apprentices on the {name} apprenticeship."
    return "Self-study track, open to all council staff. No account needed."


def track_page(catalogue: Catalogue, track: Track, settings: SiteSettings) -> Page:
    uri = track_uri(track)
    lessons = [lesson for m in track.modules for lesson in m.lessons]
    exercise_ids = list(dict.fromkeys(e for lesson in lessons for e in lesson.exercises))
    keys = [lesson_key(track, lesson) for lesson in lessons] + [
        exercise_key(e) for e in exercise_ids
    ]
    questions = sum(len(a.questions) for lesson in lessons for a in lesson.activities
                    if isinstance(a, Quiz))
    quiz_attrs = (f' data-track="{html.escape(track.id)}" data-questions="{questions}"'
                  if questions else "")
    out = [
        f"# {track.title}\n",
        f"{track.summary}\n",
        f"{_audience_line(catalogue, track)} It takes about {_hours(track.estimated_hours)}.\n",
        "## What you will learn\n",
        *(f"- {o}" for o in track.outcomes),
        "\n## Your progress\n",
        f'<div class="cda-progress-summary" data-progress-keys="{html.escape(" ".join(keys))}" '
        f'data-lessons="{len(lessons)}" data-exercises="{len(exercise_ids)}"{quiz_attrs}>',
        f'<p class="cda-progress-summary__text" role="status">Lessons read: 0 of {len(lessons)}. '
        f"Exercises finished: 0 of {len(exercise_ids)}.</p>",
        "</div>\n",
        "Your progress is kept in this browser only. It is not sent anywhere. "
        "If you use another browser or clear your browsing data, it starts again.\n",
        route_markdown(track, uri, lesson_uri),
        "## Modules\n",
    ]
    for number, module in enumerate(track.modules, start=1):
        out.append(_module_section(catalogue, track, module, number, uri, settings))
    return Page(uri, track.title, "\n".join(out))


def _module_section(
    catalogue: Catalogue,
    track: Track,
    module: Module,
    number: int,
    from_uri: str,
    settings: SiteSettings,
) -> str:
    minutes = sum(lesson.estimated_minutes for lesson in module.lessons)
    out = [
        f"### Module {number}: {module.title}\n",
        f"{module.summary} About {minutes_text(minutes)}.\n",
    ]
    for i, lesson in enumerate(module.lessons, start=1):
        link = _link(from_uri, lesson_uri(track, lesson))
        out.append(
            f"{i}. [{lesson.title}]({link}), {minutes_text(lesson.estimated_minutes)}: "
            f"{_status(lesson_key(track, lesson))}"
        )
        for ex_id in lesson.exercises:
            ex = catalogue.exercises[ex_id]
            ex_link = _link(from_uri, exercise_uri(ex))
            status = _status(exercise_key(ex_id), _saved_notebook_attrs(ex, settings))
            out.append(f"    - Exercise: [{ex.title}]({ex_link}): {status}")
    return "\n".join(out) + "\n"


def _dataset_line(
    exercise: Exercise, name: str, uri: str, root: str, settings: SiteSettings
) -> str:
    stem = posixpath.splitext(name)[0]
    card = next(
        (c for c in (f"{DATASETS_DIR}/{stem}.md", f"{DATASETS_DIR}/{name}.md")
         if c in settings.dataset_cards),
        None,
    )
    url = f"{root}{LITE_DIR}/files/{exercise.id}/{name}"
    line = f'- `{name}`: <a href="{html.escape(url)}" download>download {html.escape(name)}</a>'
    if card:
        line += f", or read its [data card]({_link(uri, card)})"
    return line


def exercise_page(catalogue: Catalogue, exercise: Exercise, settings: SiteSettings) -> Page:
    uri = exercise_uri(exercise)
    root = _root_prefix(uri, settings)
    out = [f"# {exercise.title}\n", f"{exercise.summary}\n"]
    out.append(f"It takes about {minutes_text(exercise.estimated_minutes)}.\n")
    used_in = [
        (t, lesson)
        for t in catalogue.tracks
        for m in t.modules
        for lesson in m.lessons
        if exercise.id in lesson.exercises
    ]
    if used_in:
        out.append("Used in:\n")
        out += [
            f"- [{lesson.title}]({_link(uri, lesson_uri(t, lesson))}) ({t.title})"
            for t, lesson in used_in
        ]
        out.append("")
    if exercise.ksbs:
        std = catalogue.standards[exercise.standard or ""]
        titles = {k.code: k.title for k in std.ksbs}
        out.append("## Knowledge, skills and behaviours\n")
        out.append(f"This exercise gives evidence for these parts of the {std.title} "
                   f"standard ({std.id}):\n")
        out += [f"- **{code}**: {titles[code]}" for code in exercise.ksbs]
        out.append("")
    if exercise.datasets:
        out.append("## Data\n")
        out.append("The notebook already has these files. You do not need to download them.\n")
        out += [_dataset_line(exercise, n, uri, root, settings) for n in exercise.datasets]
        out.append("")
    out += [
        "## Try it in your browser\n",
        "The notebook runs Python in your web browser. Your code and data stay on your "
        f"computer. The first start takes about {START_SECONDS} seconds. Python gets ready "
        "while you read this page, so it may be ready before you select the button.\n",
        tryit_html(exercise, root, settings.storage_name),
        "",
    ]
    if catalogue.is_graded(exercise.id):
        out += [submit_html(exercise, settings.storage_name), ""]
    out += [
        "## Check your work\n",
        "Run every cell from the top. Cells that start with `assert` are checks: if a check "
        "shows no error, that part is right. When every check in the notebook passes, this "
        "exercise is marked as finished on your track page.\n",
        "Your work is saved in this browser when you save the notebook (press Ctrl and S).\n",
    ]
    return Page(uri, exercise.title, "\n".join(out))


def generated_pages(catalogue: Catalogue, settings: SiteSettings) -> list[Page]:
    """Every generated page: tracks, their lessons, every exercise, and the glossary."""
    pages: list[Page] = []
    for track in catalogue.tracks:
        pages.append(track_page(catalogue, track, settings))
        for module in track.modules:
            pages += [lesson_page(catalogue, track, module, lesson, settings)
                      for lesson in module.lessons]
    pages += [exercise_page(catalogue, ex, settings) for ex in catalogue.exercises.values()]
    if catalogue.glossary:
        pages.append(glossary_page(catalogue))
    return pages


def tracks_in_order(catalogue: Catalogue) -> list[Track]:
    """Tracks as the site lists them: self-study (open to everyone) first, then graded."""
    return sorted(catalogue.tracks, key=lambda t: t.audience is not Audience.SELF_STUDY)


def track_list_markdown(catalogue: Catalogue, from_uri: str = "index.md") -> str:
    """The list of tracks for the home page."""
    out = []
    for track in tracks_in_order(catalogue):
        out.append(
            f"- **[{track.title}]({_link(from_uri, track_uri(track))})**: {track.summary} "
            f"{_audience_line(catalogue, track)} About {_hours(track.estimated_hours)}."
        )
    return "\n".join(out) + "\n"
