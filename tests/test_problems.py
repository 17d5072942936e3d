"""Reading YAML into models and phrasing what is wrong, independent of the catalogue."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from grader.content.problems import Problem, format_location, parse_file, read_yaml


class Thing(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str
    size: int = Field(ge=1)
    tags: tuple[str, ...] = ()
    ok: bool = True


def parse(tmp_path: Path, text: str) -> tuple[Thing | None, list[Problem]]:
    path = tmp_path / "thing.yml"
    path.write_text(text, encoding="utf-8")
    problems: list[Problem] = []
    return parse_file(path, tmp_path, Thing, problems, {}), problems


def test_problem_prints_file_place_and_sentence() -> None:
    assert str(Problem("a.yml", "x[0]", "it is wrong")) == "a.yml (x[0]): it is wrong"
    assert str(Problem("a.yml", "", "it is wrong")) == "a.yml: it is wrong"


def test_location_format() -> None:
    assert format_location(("modules", 0, "lessons", 2, "id")) == "modules[0].lessons[2].id"


def test_good_file(tmp_path: Path) -> None:
    thing, problems = parse(tmp_path, "name: bench\nsize: 2\ntags: [a, b]\n")
    assert problems == [] and thing == Thing(name="bench", size=2, tags=("a", "b"))


def test_each_kind_of_value_error_in_plain_words(tmp_path: Path) -> None:
    _, problems = parse(tmp_path, "name: [a]\nsize: 0\ntags: a\nok: perhaps\n")
    assert [(p.location, p.message) for p in problems] == [
        ("name", "'name' must be text, not a list (put it in quotes)"),
        ("size", "'size' is 0: it should be greater than or equal to 1"),
        ("tags", "'tags' must be a list, not 'a'"),
        ("ok", "'ok' must be true or false, not 'perhaps'"),
    ]


def test_missing_file_and_bad_encoding(tmp_path: Path) -> None:
    problems: list[Problem] = []
    assert read_yaml(tmp_path / "nope.yml", "nope.yml", problems) is None
    (tmp_path / "latin.yml").write_bytes(b"name: caf\xe9\n")
    assert read_yaml(tmp_path / "latin.yml", "latin.yml", problems) is None
    assert [p.message.split(" (")[0] for p in problems] == [
        "the file does not exist", "cannot read the file as UTF-8 text",
    ]


def test_duplicate_key_in_a_nested_mapping(tmp_path: Path) -> None:
    problems: list[Problem] = []
    path = tmp_path / "d.yml"
    path.write_text("a:\n  b: 1\n  b: 2\n")
    assert read_yaml(path, "d.yml", problems) is None
    assert problems == [Problem("d.yml", "line 3, column 3",
                                "malformed YAML: key 'b' appears twice in the same mapping")]
