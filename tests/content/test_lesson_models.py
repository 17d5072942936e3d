"""Lesson extensions of the catalogue: levels, activities, quizzes, glossary links and charts.

Each kind of mistake gives one plain message naming track.yml and the place in it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic import ValidationError
from test_catalogue import TRACK_YML, lesson, make_repo, problems_of, track

from grader.content.activities import Level, NumberQuestion, Quiz
from grader.content.catalogue import json_schema
from grader.content.glossary import glossary_links
from grader.content.reader import load_catalogue

BODY = ("Some words about [medians](glossary:median).\n\n"
        "## Worked example: Count the fines\n\nOne, two, three.\n\n"
        "<!-- academy:chart fines-by-street -->\n")


def choice(qid: str = "row", right: int = 0) -> dict[str, Any]:
    return {"kind": "choice", "id": qid, "prompt": "What is one row?",
            "choices": [{"text": t, "correct": i == right, "feedback": f"Because {t}."}
                        for i, t in enumerate(["One notice", "One street"])]}


def number(**over: Any) -> dict[str, Any]:
    return {"kind": "number", "id": "total", "prompt": "How many fines?", "answer": 12,
            "tolerance": 0.5, "unit": "fines", "feedback": "Add them up.",
            "wrong_feedback": "Count every row.",
            "mistakes": [{"value": 11, "feedback": "You missed the last row."}], **over}


def activities(*extra: dict[str, Any], questions: list[Any] | None = None) -> list[Any]:
    return [{"kind": "worked-example", "minutes": 5, "title": "Count the fines"},
            {"kind": "quiz", "minutes": 4, "questions": questions or [choice(), number()]},
            {"kind": "reflection", "minutes": 5, "prompt": "Which fines does your team see?"},
            *extra]


def chart(**over: Any) -> dict[str, Any]:
    return {"id": "fines-by-street", "kind": "bar", "dataset": "fines.csv", "x": "street",
            "title": "Fines per street", "x_label": "Fines", "y_label": "Street",
            "alt": "A bar chart: Camden Road has 2 fines.", "top": 5, **over}


def rich_lesson(lesson_id: str = "count-fines", **over: Any) -> dict[str, Any]:
    return lesson(lesson_id, **{"level": "working", "activities": activities(),
                                "charts": [chart()], **over})


GLOSSARY = {"terms": [{"id": "median", "term": "median", "definition": "The middle value."}]}


def repo(root: Path, *lessons: dict[str, Any], body: str = BODY, glossary: Any = GLOSSARY,
         csv: str = "street\nCamden Road\nCamden Road\nParkway\n") -> Path:
    make_repo(root, tracks={"street-data": track("street-data", *(lessons or [rich_lesson()]))})
    for item in [i for i in lessons or [rich_lesson()] if "charts" in i]:
        (root / "courses/street-data" / item["file"]).write_text(body)
    if glossary is not None:
        (root / "courses/glossary.yml").write_text(yaml.safe_dump(glossary))
    (root / "datasets/data").mkdir(parents=True)
    (root / "datasets/data/fines.csv").write_text(csv)
    return root


def messages(root: Path) -> list[str]:
    return [str(p) for p in problems_of(root)]


def test_a_rich_lesson_loads_frozen(tmp_path: Path) -> None:
    catalogue = load_catalogue(repo(tmp_path))
    loaded = catalogue.tracks[0].modules[0].lessons[0]
    assert loaded.level is Level.WORKING
    assert [a.kind for a in loaded.activities] == ["worked-example", "quiz", "reflection"]
    quiz = loaded.activities[1]
    assert isinstance(quiz, Quiz) and isinstance(quiz.questions[1], NumberQuestion)
    assert catalogue.glossary["median"].definition == "The middle value."
    with pytest.raises(ValidationError):
        quiz.minutes = 9  # type: ignore[misc]


def test_levels_rank_in_order() -> None:
    assert [lv.rank for lv in Level] == [0, 1, 2]
    assert [lv.value for lv in Level] == ["awareness", "working", "practitioner"]


@pytest.mark.parametrize(("change", "expected"), [
    ({"level": "expert"}, "(modules[0].lessons[0].level): 'expert' is not allowed for 'level': "
     "use 'awareness', 'working' or 'practitioner'"),
    ({"activities": activities(questions=[choice(right=-1)])},
     "(modules[0].lessons[0].activities[1].quiz.questions[0].choice): question 'row' must "
     "have exactly one choice with correct: true, not 0"),
    ({"activities": activities(questions=[number(mistakes=[{"value": 12.2, "feedback": "x"}])])},
     "(modules[0].lessons[0].activities[1].quiz.questions[0].number): question 'total': the "
     "mistake 12.2 would be marked right; move it outside the tolerance"),
    ({"activities": activities(questions=[choice(), choice()])},
     "(modules[0].lessons[0].activities[1].quiz): question id 'row' is used more than once"),
    ({"activities": activities({"kind": "game", "minutes": 3})},
     "(modules[0].lessons[0].activities[3]): 'kind' is missing or not known: use one of "
     "'worked-example', 'quiz', 'reflection'"),
    ({"activities": activities({"kind": "reflection", "minutes": 3})},
     "(modules[0].lessons[0].activities[3].reflection.prompt): required key 'prompt' is "
     "missing"),
    ({"charts": [chart(kind="line")]},
     "(modules[0].lessons[0].charts[0]): chart 'fines-by-street': a line chart needs 'period'"),
    ({"charts": [chart(bin_width=5)]},
     "(modules[0].lessons[0].charts[0]): chart 'fines-by-street': 'bin_width' is only for a "
     "histogram chart"),
])  # fmt: skip
def test_bad_lesson_extensions(tmp_path: Path, change: dict[str, Any], expected: str) -> None:
    assert messages(repo(tmp_path, rich_lesson(**change))) == [TRACK_YML + " " + expected]


def test_body_must_hold_what_the_entry_promises(tmp_path: Path) -> None:
    body = "A [mean](glossary:mean).\n\n<!-- academy:chart other -->\n"
    assert messages(repo(tmp_path, body=body)) == [
        f"{TRACK_YML} (modules[0].lessons[0].activities[0].title): lesson 'count-fines' has no "
        "heading '## Worked example: Count the fines' in its body",
        f"{TRACK_YML} (modules[0].lessons[0].charts[0]): chart 'fines-by-street' must be placed "
        "once in the body with the line <!-- academy:chart fines-by-street -->, not 0 times",
        f"{TRACK_YML} (modules[0].lessons[0].charts): the body places chart 'other', which "
        "lesson 'count-fines' does not list under charts",
        f"{TRACK_YML} (modules[0].lessons[0].file): lesson 'count-fines' links to "
        "glossary:mean, which is not a term in courses/glossary.yml",
    ]


def test_chart_data_set_and_column_must_exist(tmp_path: Path) -> None:
    two = rich_lesson(charts=[chart(x="road"), chart(id="other", dataset="gone.csv")])
    body = BODY + "<!-- academy:chart other -->\n"
    assert messages(repo(tmp_path, two, body=body)) == [
        f"{TRACK_YML} (modules[0].lessons[0].charts[0].x): datasets/data/fines.csv has no "
        "column 'road'",
        f"{TRACK_YML} (modules[0].lessons[0].charts[1].dataset): datasets/data/gone.csv does "
        "not exist",
    ]


def test_chart_ids_are_unique_across_lessons(tmp_path: Path) -> None:
    second = rich_lesson("again")
    assert messages(repo(tmp_path, rich_lesson(), second)) == [
        f"{TRACK_YML} (modules[0].lessons[1].charts[0].id): chart id 'fines-by-street' is "
        f"already used in {TRACK_YML}",
    ]


def test_levels_are_all_or_none_in_a_track(tmp_path: Path) -> None:
    plain = lesson("plain")
    assert messages(repo(tmp_path, rich_lesson(), plain)) == [
        f"{TRACK_YML} (modules): some lessons say their level and some do not: give every "
        "lesson a level (awareness, working or practitioner), or none",
    ]


def test_glossary_problems_name_the_glossary(tmp_path: Path) -> None:
    bad = {"terms": [{"id": "median", "term": "median", "definition": "Middle.",
                      "see_also": ["mode"]}]}
    assert messages(repo(tmp_path, glossary=bad)) == [
        "courses/glossary.yml (terms[0].see_also[0]): term 'median' says see also 'mode', "
        "which is not in the glossary",
    ]


def test_glossary_links_are_found_once_in_order() -> None:
    text = "[a](glossary:mean), [b](glossary:median) and [c](glossary:mean), [d](x.md)"
    assert glossary_links(text) == ["mean", "median"]


def test_schema_covers_the_lesson_extensions_and_the_glossary() -> None:
    schema = json_schema()
    lesson_schema = schema["$defs"]["track"]["$defs"]["Lesson"]
    assert {"level", "activities", "charts"} <= set(lesson_schema["properties"])
    assert schema["$defs"]["glossary"]["additionalProperties"] is False
