"""A lesson's page: its catalogue entry, its body with charts and glossary links, its quiz,
reflection prompt and words; and the glossary page those words link to.
"""

from __future__ import annotations

import html
import re

from grader.content.activities import Quiz, Reflection
from grader.content.catalogue import Catalogue, Lesson, Module, Track
from grader.content.timing import lesson_time
from grader.sitebuild.charts import place_charts
from grader.sitebuild.lesson_parts import (
    GLOSSARY_URI,
    glossary_markdown,
    level_line,
    link_glossary,
    minutes_text,
    quiz_html,
    reflection_markdown,
    time_line,
    words_markdown,
)
from grader.sitebuild.uris import (
    Page,
    SiteSettings,
    exercise_uri,
    lesson_key,
    lesson_uri,
    link,
    root_prefix,
    track_uri,
)

_LEADING_H1 = re.compile(r"\A\s*#\s+[^\n]*\n")


def _strip_title(body: str) -> str:
    """Drop the lesson file's own top heading: the page heading comes from the catalogue."""
    return _LEADING_H1.sub("", body, count=1)


def lesson_body(
    catalogue: Catalogue, track: Track, lesson: Lesson, settings: SiteSettings
) -> str:
    """The lesson file's Markdown made ready for the page.

    Order: the title goes first (the page's own heading replaces it); charts are placed
    before glossary links are rewritten, so that a chart's text is never touched by them.
    """
    uri = lesson_uri(track, lesson)
    body = catalogue.lesson_path(track, lesson).read_text(encoding="utf-8")
    body = _strip_title(body).strip() + "\n"
    root = root_prefix(uri, settings.use_directory_urls)
    body = place_charts(body, lesson.charts, catalogue.root, root)
    return link_glossary(body, uri)


def lesson_page(
    catalogue: Catalogue, track: Track, module: Module, lesson: Lesson, settings: SiteSettings
) -> Page:
    uri = lesson_uri(track, lesson)
    raw = catalogue.lesson_path(track, lesson).read_text(encoding="utf-8")
    out = [
        f"# {lesson.title}\n",
        f'<div class="cda-lesson" data-progress-read="{html.escape(lesson_key(track, lesson))}">'
        f"</div>\n",
        f"Part of [{track.title}]({link(uri, track_uri(track))}), module: {module.title}.\n",
        level_line(lesson),
        time_line(lesson_time(catalogue, track, lesson)),
        '!!! abstract "By the end of this lesson you will be able to"\n',
        *(f"    - {o}" for o in lesson.outcomes),
        "",
        f"**Case study:** {lesson.case_study}\n",
        lesson_body(catalogue, track, lesson, settings),
    ]
    for activity in lesson.activities:
        if isinstance(activity, Quiz):
            out += ["## Check your understanding\n", quiz_html(track, lesson, activity)]
    out += [reflection_markdown(a) for a in lesson.activities if isinstance(a, Reflection)]
    out.append(words_markdown(catalogue, raw, uri))
    if lesson.exercises:
        out.append("## Exercises\n")
        for ex_id in lesson.exercises:
            ex = catalogue.exercises[ex_id]
            out.append(
                f"- [{ex.title}]({link(uri, exercise_uri(ex))}): {ex.summary} "
                f"About {minutes_text(ex.estimated_minutes)}."
            )
    return Page(uri, lesson.title, "\n".join(out) + "\n")


def glossary_page(catalogue: Catalogue) -> Page:
    return Page(GLOSSARY_URI, "Glossary", glossary_markdown(catalogue, lesson_uri))
