"""The catalogue: good YAML loads; each kind of bad YAML gives its exact, plain message."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from grader.content.catalogue import (
    DEFAULT_PASS_PERCENT,
    Audience,
    CatalogueError,
    Problem,
    json_schema,
)
from grader.content.reader import load_catalogue, read_catalogue

TRACK_YML = "courses/street-data/track.yml"
EXERCISES_YML = "courses/street-data/exercises.yml"


# Factories: plain dicts for the YAML, one function that writes a repository tree.


def standard(**over: Any) -> dict[str, Any]:
    return {"id": "ST0118", "title": "Data analyst", "level": 4, "version": "1.1",
            "ksbs": [{"code": "K8", "title": "Data quality risks"},
                     {"code": "S2", "title": "Analyse data"}], **over}


def exercise(ex_id: str = "fines-count", **over: Any) -> dict[str, Any]:
    return {"id": ex_id, "title": "Fines per street", "summary": "Count notices per street.",
            "notebook": f"{ex_id}.ipynb", "datasets": ["fines.csv"], "standard": "ST0118",
            "ksbs": ["S2"], "estimated_minutes": 20, **over}


def lesson(lesson_id: str = "count-fines", **over: Any) -> dict[str, Any]:
    return {"id": lesson_id, "title": "Count fines", "file": f"{lesson_id}.md",
            "estimated_minutes": 30, "outcomes": ["Count notices."],
            "case_study": "Parking fines.", "exercises": ["fines-count"], **over}


def track(track_id: str = "street-data", *lessons: dict[str, Any], **over: Any) -> dict[str, Any]:
    return {"id": track_id, "title": "Street data", "summary": "Streets.",
            "audience": "graded", "standard": "ST0118", "estimated_hours": 1.5,
            "outcomes": ["Count records."],
            "modules": [{"id": "counting", "title": "Counting", "summary": "Counts.",
                         "lessons": list(lessons) or [lesson()]}], **over}


def make_repo(
    root: Path,
    *,
    tracks: dict[str, Any] | None = None,
    exercises: dict[str, Any] | None = None,
    standards: Any = None,
) -> Path:
    """Write courses/ and exercises/ under `root`. Values that are str are written verbatim.

    Lesson files, notebooks and datasets named by the YAML are created, so that each test
    removes only the one thing it is about.
    """
    tracks = {"street-data": track()} if tracks is None else tracks
    exercises = {"street-data": {"exercises": [exercise()]}} if exercises is None else exercises
    standards = {"standards": [standard()]} if standards is None else standards

    def write(path: Path, data: Any) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(data if isinstance(data, str) else yaml.safe_dump(data, sort_keys=False))

    def items(data: Any, key: str) -> list[dict[str, Any]]:
        found = data.get(key, []) if isinstance(data, dict) else []
        return [item for item in found if isinstance(item, dict)] if isinstance(found, list) else []

    write(root / "courses/standards.yml", standards)
    for folder, data in tracks.items():
        write(root / "courses" / folder / "track.yml", data)
        for module in items(data, "modules"):
            for item in items(module, "lessons"):
                write(root / "courses" / folder / item["file"], f"# {item['title']}\n")
    for folder, data in exercises.items():
        write(root / "courses" / folder / "exercises.yml", data)
        for item in items(data, "exercises"):
            ex_dir = root / "exercises" / item["id"]
            ex_dir.mkdir(parents=True, exist_ok=True)
            (ex_dir / item["notebook"]).write_text("{}")
            for name in item.get("datasets", []):
                if ".." not in name:
                    (ex_dir / name).write_text("street\n")
    return root


def problems_of(root: Path) -> list[Problem]:
    with pytest.raises(CatalogueError) as info:
        load_catalogue(root)
    return list(info.value.problems)


# Good YAML


def test_good_repository_loads(tmp_path: Path) -> None:
    cat = load_catalogue(make_repo(tmp_path))
    assert [t.id for t in cat.tracks] == ["street-data"]
    assert cat.track("street-data").audience is Audience.GRADED
    assert list(cat.exercises) == ["fines-count"]
    assert cat.defined_in == {"fines-count": EXERCISES_YML}
    assert cat.is_graded("fines-count")
    ex = cat.exercises["fines-count"]
    assert cat.notebook_path(ex) == tmp_path / "exercises/fines-count/fines-count.ipynb"
    assert cat.standards["ST0118"].ksbs[1].code == "S2"


def test_unknown_track_is_a_key_error_naming_it(tmp_path: Path) -> None:
    cat = load_catalogue(make_repo(tmp_path))
    with pytest.raises(KeyError, match="no track 'nope'"):
        cat.track("nope")


def test_models_are_frozen(tmp_path: Path) -> None:
    cat = load_catalogue(make_repo(tmp_path))
    with pytest.raises(ValueError):
        cat.tracks[0].title = "changed"  # type: ignore[misc]


def test_self_study_track_needs_no_standard_file(tmp_path: Path) -> None:
    root = make_repo(
        tmp_path,
        tracks={"street-data": track(audience="self-study", standard=None)},
        exercises={"street-data": {"exercises": [exercise(standard=None, ksbs=[])]}},
    )
    (root / "courses/standards.yml").unlink()
    cat = load_catalogue(root)
    assert not cat.is_graded("fines-count")
    assert cat.standards == {}


# Bad YAML: one test per kind of mistake, with the exact message.


def test_unknown_and_missing_keys(tmp_path: Path) -> None:
    data = track()
    data["titel"] = data.pop("title")
    assert problems_of(make_repo(tmp_path, tracks={"street-data": data})) == [
        Problem(TRACK_YML, "title", "required key 'title' is missing"),
        Problem(TRACK_YML, "titel", "unknown key 'titel' (check its spelling)"),
    ]


def test_missing_key_in_a_lesson_names_its_place(tmp_path: Path) -> None:
    item = lesson()
    del item["case_study"]
    assert problems_of(make_repo(tmp_path, tracks={"street-data": track("street-data", item)})) == [
        Problem(TRACK_YML, "modules[0].lessons[0].case_study",
                "required key 'case_study' is missing"),
    ]


def test_malformed_yaml_gives_line_and_column(tmp_path: Path) -> None:
    text = "id: street-data\ntitle: [Street data\nsummary: Streets.\n"
    assert problems_of(make_repo(tmp_path, tracks={"street-data": text})) == [
        Problem(TRACK_YML, "line 3, column 8", "malformed YAML: expected ',' or ']', but got ':'"),
    ]


def test_key_given_twice_is_malformed(tmp_path: Path) -> None:
    text = "id: street-data\ntitle: Street data\ntitle: Streets\n"
    assert problems_of(make_repo(tmp_path, tracks={"street-data": text})) == [
        Problem(TRACK_YML, "line 3, column 1",
                "malformed YAML: key 'title' appears twice in the same mapping"),
    ]


def test_file_that_is_not_a_mapping(tmp_path: Path) -> None:
    root = make_repo(tmp_path, tracks={"street-data": "- id: street-data\n"})
    assert problems_of(root) == [
        Problem(TRACK_YML, "", "must be a YAML mapping of keys to values, not a list"),
    ]


def test_empty_file(tmp_path: Path) -> None:
    root = make_repo(tmp_path, exercises={"street-data": "# nothing yet\n"})
    assert problems_of(root) == [
        Problem(EXERCISES_YML, "", "the file is empty"),
        Problem(TRACK_YML, "modules[0].lessons[0].exercises[0]", "lesson 'count-fines' names "
                "exercise 'fines-count', which no courses/*/exercises.yml defines"),
    ]


def test_unknown_exercise_named_by_a_lesson(tmp_path: Path) -> None:
    root = make_repo(tmp_path, tracks={"street-data": track(
        "street-data", lesson(exercises=["fines-count", "fines-cuont"]))})
    assert problems_of(root) == [
        Problem(TRACK_YML, "modules[0].lessons[0].exercises[1]", "lesson 'count-fines' names "
                "exercise 'fines-cuont', which no courses/*/exercises.yml defines"),
    ]


def test_missing_lesson_file(tmp_path: Path) -> None:
    root = make_repo(tmp_path)
    (root / "courses/street-data/count-fines.md").unlink()
    assert problems_of(root) == [
        Problem(TRACK_YML, "modules[0].lessons[0].file", "lesson 'count-fines' points to "
                "courses/street-data/count-fines.md, which does not exist"),
    ]


def test_missing_notebook_and_dataset(tmp_path: Path) -> None:
    root = make_repo(tmp_path)
    (root / "exercises/fines-count/fines-count.ipynb").unlink()
    (root / "exercises/fines-count/fines.csv").unlink()
    assert problems_of(root) == [
        Problem(EXERCISES_YML, "exercises[0].notebook",
                "notebook exercises/fines-count/fines-count.ipynb does not exist"),
        Problem(EXERCISES_YML, "exercises[0].datasets[0]",
                "dataset exercises/fines-count/fines.csv does not exist"),
    ]


def test_dataset_outside_the_exercise_folder_is_refused(tmp_path: Path) -> None:
    root = make_repo(tmp_path, exercises={"street-data": {"exercises": [
        exercise(datasets=["../../datasets/fines.csv"])]}})
    assert problems_of(root) == [
        Problem(EXERCISES_YML, "exercises[0].datasets[0]", "'../../datasets/fines.csv' is not "
                "valid for 'datasets': give a relative path such as data/fines.csv, without '..'"),
    ]


def test_duplicate_exercise_id_across_two_tracks(tmp_path: Path) -> None:
    root = make_repo(
        tmp_path,
        tracks={"street-data": track(), "parking": track("parking")},
        exercises={"street-data": {"exercises": [exercise()]},
                   "parking": {"exercises": [exercise("other-one"), exercise()]}},
    )
    assert problems_of(root) == [
        Problem(EXERCISES_YML, "exercises[0].id", "exercise id 'fines-count' is already "
                "defined in courses/parking/exercises.yml"),
    ]


def test_duplicate_lesson_and_module_ids(tmp_path: Path) -> None:
    data = track("street-data", lesson(), lesson())
    data["modules"].append(dict(data["modules"][0], lessons=[lesson("another")]))
    assert problems_of(make_repo(tmp_path, tracks={"street-data": data})) == [
        Problem(TRACK_YML, "modules", "module id 'counting' is used more than once"),
        Problem(TRACK_YML, "modules",
                "lesson id 'count-fines' is used more than once in this track"),
    ]


def test_bad_ksb_code(tmp_path: Path) -> None:
    root = make_repo(tmp_path, exercises={"street-data": {"exercises": [exercise(ksbs=["X1"])]}})
    assert problems_of(root) == [
        Problem(EXERCISES_YML, "exercises[0].ksbs[0]", "'X1' is not valid for 'ksbs': "
                "a KSB code is a letter K, S or B and a number, e.g. K8"),
    ]


def test_ksb_code_not_in_the_standard(tmp_path: Path) -> None:
    root = make_repo(tmp_path, exercises={"street-data": {"exercises": [
        exercise(ksbs=["S2", "K99"])]}})
    assert problems_of(root) == [
        Problem(EXERCISES_YML, "exercises[0].ksbs[1]", "KSB code 'K99' is not in standard ST0118"),
    ]


def test_workplace_only_ksb_cannot_be_claimed_by_an_exercise(tmp_path: Path) -> None:
    std = standard()
    std["ksbs"].append({"code": "K2", "title": "Security policy", "workplace_only": True,
                        "workplace_reason": "It is about the employer's own policies."})
    root = make_repo(tmp_path, standards={"standards": [std]},
                     exercises={"street-data": {"exercises": [exercise(ksbs=["S2", "K2"])]}})
    assert problems_of(root) == [
        Problem(EXERCISES_YML, "exercises[0].ksbs[1]", "KSB code 'K2' of ST0118 needs "
                "workplace evidence: a notebook exercise cannot give it"),
    ]


def test_exercise_in_a_graded_track_must_name_ksbs(tmp_path: Path) -> None:
    root = make_repo(tmp_path, exercises={"street-data": {"exercises": [
        exercise(standard=None, ksbs=[])]}})
    assert problems_of(root) == [
        Problem(TRACK_YML, "modules[0].lessons[0].exercises[0]", "exercise 'fines-count' is "
                "used in a graded track but names no KSBs it gives evidence for"),
    ]


def test_ksbs_without_a_standard(tmp_path: Path) -> None:
    root = make_repo(tmp_path, exercises={"street-data": {"exercises": [
        exercise(standard=None)]}})
    assert problems_of(root) == [
        Problem(EXERCISES_YML, "exercises[0].standard",
                "an exercise that names KSBs must name their standard, e.g. ST0118"),
    ]


def test_graded_track_without_a_standard(tmp_path: Path) -> None:
    root = make_repo(tmp_path, tracks={"street-data": track(standard=None)})
    assert problems_of(root) == [
        Problem(TRACK_YML, "standard", "a graded track must name the apprenticeship standard "
                "it assesses, e.g. standard: ST0118"),
    ]


def test_graded_track_with_an_unknown_standard(tmp_path: Path) -> None:
    root = make_repo(tmp_path, tracks={"street-data": track(standard="ST9999")})
    assert problems_of(root) == [
        Problem(TRACK_YML, "standard",
                "standard 'ST9999' is not in courses/standards.yml (it lists: ST0118)"),
        Problem(TRACK_YML, "modules[0].lessons[0].exercises[0]", "exercise 'fines-count' gives "
                "evidence for ST0118, but this track assesses ST9999"),
    ]


def test_number_where_text_is_expected(tmp_path: Path) -> None:
    root = make_repo(tmp_path, standards={"standards": [standard(version=1.1)]})
    unknown = "standard 'ST0118' is not in courses/standards.yml (it lists: none)"
    assert problems_of(root) == [
        Problem("courses/standards.yml", "standards[0].version",
                "'version' must be text, not the number 1.1 (put it in quotes)"),
        Problem(EXERCISES_YML, "exercises[0].standard", unknown),
        Problem(TRACK_YML, "standard", unknown),
    ]


@pytest.mark.parametrize(
    ("override", "location", "message"),
    [
        ({"audience": "everyone"}, "audience",
         "'everyone' is not allowed for 'audience': use 'self-study' or 'graded'"),
        ({"id": "Street Data"}, "id", "'Street Data' is not valid for 'id': use lower-case "
         "letters, digits and single hyphens, e.g. parking-fines"),
        ({"estimated_hours": 0}, "estimated_hours",
         "'estimated_hours' is 0: it should be greater than 0"),
        ({"outcomes": []}, "outcomes", "'outcomes' must have at least 1 item(s)"),
        ({"standard": "st118"}, "standard",
         "'st118' is not valid for 'standard': a standard id is ST and four digits, e.g. ST0118"),
    ],
)
def test_bad_values_in_a_track(
    tmp_path: Path, override: dict[str, Any], location: str, message: str
) -> None:
    root = make_repo(tmp_path, tracks={"street-data": track(**override)})
    assert problems_of(root) == [Problem(TRACK_YML, location, message)]


def test_bad_item_in_a_required_list_is_reported_once(tmp_path: Path) -> None:
    item = lesson(estimated_minutes="half an hour")
    root = make_repo(tmp_path, tracks={"street-data": track("street-data", item)})
    assert problems_of(root) == [
        Problem(TRACK_YML, "modules[0].lessons[0].estimated_minutes",
                "'estimated_minutes' must be a whole number, not 'half an hour'"),
    ]


def test_one_bad_exercise_does_not_hide_the_others(tmp_path: Path) -> None:
    root = make_repo(
        tmp_path,
        tracks={"street-data": track("street-data", lesson(exercises=["fines-count", "b-ex"]))},
        exercises={"street-data": {"exercises": [exercise(titel="x"), exercise("b-ex")]}},
    )
    catalogue, problems = read_catalogue(root)
    assert list(problems) == [
        Problem(EXERCISES_YML, "exercises[0].titel", "unknown key 'titel' (check its spelling)"),
    ]
    assert list(catalogue.exercises) == ["b-ex"]


def test_track_id_must_match_its_folder(tmp_path: Path) -> None:
    root = make_repo(tmp_path, tracks={"street-data": track(id="streets")})
    assert problems_of(root) == [
        Problem(TRACK_YML, "id", "track id 'streets' must match its folder name 'street-data'"),
    ]


def test_no_courses_folder(tmp_path: Path) -> None:
    assert problems_of(tmp_path) == [Problem("courses", "", "the folder does not exist")]


def test_error_lists_every_problem_one_per_line(tmp_path: Path) -> None:
    root = make_repo(tmp_path, tracks={"street-data": track(standard=None, audience="x")})
    with pytest.raises(CatalogueError) as info:
        load_catalogue(root)
    assert str(info.value).splitlines() == [
        "courses/street-data/track.yml (audience): 'x' is not allowed for 'audience': "
        "use 'self-study' or 'graded'",
    ]


def test_checked_in_json_schema_matches_the_models() -> None:
    path = Path(__file__).resolve().parents[1] / "courses" / "catalogue.schema.json"
    assert path.is_file(), f"{path} is missing: run `grader schema --write`"
    checked_in = json.loads(path.read_text(encoding="utf-8"))
    assert checked_in == json_schema(), (
        f"{path} is out of date with grader/content/catalogue.py: run `grader schema --write`"
    )


def test_json_schema_rejects_unknown_keys_like_the_models() -> None:
    track_schema = json_schema()["$defs"]["track"]
    assert track_schema["additionalProperties"] is False
    assert "audience" in track_schema["required"]


# Pass marks


def test_pass_mark_comes_from_the_exercise_else_its_folders_track(tmp_path: Path) -> None:
    exercises = {"street-data": {"exercises": [
        exercise(), exercise("fines-total", pass_percent=80)]}}
    root = make_repo(tmp_path, tracks={"street-data": track(pass_percent=65)},
                     exercises=exercises)
    cat = load_catalogue(root)
    assert cat.pass_percent("fines-count") == 65
    assert cat.pass_percent("fines-total") == 80


def test_pass_mark_defaults_to_half_when_no_track_sets_one(tmp_path: Path) -> None:
    cat = load_catalogue(make_repo(tmp_path))
    assert cat.track("street-data").pass_percent == DEFAULT_PASS_PERCENT == 50
    assert cat.pass_percent("fines-count") == 50


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (0, "'pass_percent' is 0: it should be greater than or equal to 1"),
        (101, "'pass_percent' is 101: it should be less than or equal to 100"),
        ("most", "'pass_percent' must be a whole number, not 'most'"),
    ],
)
def test_bad_pass_mark_names_the_file_and_the_key(
    tmp_path: Path, value: Any, message: str
) -> None:
    root = make_repo(tmp_path, exercises={"street-data": {"exercises": [
        exercise(pass_percent=value)]}})
    assert problems_of(root) == [Problem(EXERCISES_YML, "exercises[0].pass_percent", message)]
    root = make_repo(tmp_path / "t", tracks={"street-data": track(pass_percent=value)})
    assert problems_of(root) == [Problem(TRACK_YML, "pass_percent", message)]


def test_every_workplace_only_code_of_the_real_standards_says_why() -> None:
    """The KSB page and the portfolio show the reason; it lives in courses/standards.yml."""
    cat = load_catalogue(Path(__file__).resolve().parents[1])
    missing = [f"{s.id} {k.code}" for s in cat.standards.values() for k in s.ksbs
               if k.workplace_only and not (k.workplace_reason or "").strip()]
    assert missing == []
