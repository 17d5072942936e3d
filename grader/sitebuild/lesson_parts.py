"""The parts of a lesson page that come from its catalogue entry: its level, its time, its
quiz, its reflection prompt, its glossary words, and the routes per level on the track page.

Markup is in grader/sitebuild/templates/. Quiz progress keys (`quiz:<track>/<lesson>/<id>`)
are the contract with docs/assets/js/quiz.js and progress.js.
"""

from __future__ import annotations

import json
from collections.abc import Callable

from grader.content.activities import Level, NumberQuestion, Quiz, Reflection
from grader.content.catalogue import Catalogue, Lesson, Track
from grader.content.glossary import GLOSSARY_LINK, glossary_links
from grader.content.timing import LessonTime
from grader.sitebuild.templating import render
from grader.sitebuild.uris import link

GLOSSARY_URI = "glossary.md"
"""The generated glossary page, at the top of the site."""
LEVEL_TEXT = {
    Level.AWARENESS: ("Awareness", "for everyone. You meet data at work but do not analyse it."),
    Level.WORKING: ("Working", "for staff who use data to make decisions or report on a "
                    "service."),
    Level.PRACTITIONER: ("Practitioner", "for staff who analyse data, or share it with "
                         "residents and colleagues."),
}
"""Each level's name and who it is for, as the lesson and track pages say it."""


def minutes_text(n: float) -> str:
    n = round(n)
    if n < 60:
        return f"{n} minutes" if n != 1 else "1 minute"
    hours, rest = divmod(n, 60)
    text = f"{hours} hour" + ("s" if hours > 1 else "")
    return text + (f" {rest} minutes" if rest else "")


def level_line(lesson: Lesson) -> str:
    if lesson.level is None:
        return ""
    name, who = LEVEL_TEXT[lesson.level]
    return f"**Level: {name}**, {who}\n"


def time_line(time: LessonTime) -> str:
    """'About 50 minutes: 9 minutes reading, a worked example (8 minutes), ...'"""
    parts = [f"{minutes_text(max(1, time.reading))} reading"]
    for what, m in time.parts:
        what = "exercise" if what.startswith("exercise") else what
        parts.append(f"{'an' if what[0] in 'aeiou' else 'a'} {what} ({minutes_text(m)})")
    listed = ", ".join(parts[:-1]) + " and " + parts[-1] if len(parts) > 1 else parts[0]
    return f"About {minutes_text(time.stated)}: {listed}.\n"


def quiz_key(track: Track, lesson: Lesson, question_id: str) -> str:
    return f"quiz:{track.id}/{lesson.id}/{question_id}"


def quiz_html(track: Track, lesson: Lesson, quiz: Quiz) -> str:
    questions = []
    for number, q in enumerate(quiz.questions, start=1):
        mistakes = ""
        if isinstance(q, NumberQuestion):
            mistakes = json.dumps([{"value": m.value, "feedback": m.feedback}
                                   for m in q.mistakes])
        questions.append({"q": q, "number": number, "key": quiz_key(track, lesson, q.id),
                          "dom_id": f"quiz-{lesson.id}-{q.id}", "mistakes": mistakes})
    return render("quiz.html", questions=questions, lesson=lesson)


def reflection_markdown(reflection: Reflection) -> str:
    return render("reflection.md", reflection=reflection, minutes=minutes_text(reflection.minutes))


def link_glossary(body: str, from_uri: str) -> str:
    """The body with each `glossary:<id>` link pointing at the term on the glossary page."""
    target = link(from_uri, GLOSSARY_URI)
    return GLOSSARY_LINK.sub(lambda m: f"]({target}#{m.group(1)})", body)


def words_markdown(catalogue: Catalogue, body: str, from_uri: str) -> str:
    terms = [catalogue.glossary[t] for t in glossary_links(body) if t in catalogue.glossary]
    if not terms:
        return ""
    return render("words.md", terms=terms, glossary=link(from_uri, GLOSSARY_URI))


def route_markdown(
    track: Track, from_uri: str, lesson_uri: Callable[[Track, Lesson], str]
) -> str:
    """'Choose your route': for each level, its lessons and those of every lower level."""
    lessons = [lesson for m in track.modules for lesson in m.lessons]
    if not any(lesson.level for lesson in lessons):
        return ""
    routes = []
    for level in Level:
        route = [lesson for lesson in lessons if lesson.level and lesson.level.rank <= level.rank]
        name, who = LEVEL_TEXT[level]
        routes.append({
            "name": name, "who": who, "count": len(route),
            "time": minutes_text(sum(lesson.estimated_minutes for lesson in route)),
            "lessons": [(lesson.title, link(from_uri, lesson_uri(track, lesson)),
                         LEVEL_TEXT[lesson.level][0] if lesson.level else "")
                        for lesson in route],
        })
    return render("routes.md", routes=routes)



def glossary_markdown(
    catalogue: Catalogue, lesson_uri: Callable[[Track, Lesson], str]
) -> str:
    """The glossary page: every term from A to Z, its related terms and the lessons using it."""
    used: dict[str, list[tuple[str, str]]] = {}
    for track in catalogue.tracks:
        for module in track.modules:
            for lesson in module.lessons:
                body = catalogue.lesson_path(track, lesson).read_text(encoding="utf-8")
                for term in glossary_links(body):
                    used.setdefault(term, []).append(
                        (lesson.title, link(GLOSSARY_URI, lesson_uri(track, lesson))))
    terms = sorted(catalogue.glossary.values(), key=lambda t: t.term.lower())
    return render("glossary.md", terms=[
        {"term": t, "see_also": [catalogue.glossary[o] for o in t.see_also],
         "used_in": used.get(t.id, [])} for t in terms])
