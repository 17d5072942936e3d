"""Problems in content files, phrased for the course author.

`Problem` is what `grader check` prints. `parse_file` reads one YAML file into a pydantic
model and turns anything wrong with it (malformed YAML, a duplicated key, an unknown or missing
key, a value of the wrong kind) into problems that name the file, the place and what to do.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

M = TypeVar("M", bound=BaseModel)


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the content, phrased for the course author."""

    file: str
    """Path of the file, relative to the repository root."""
    location: str
    """Where in the file, e.g. `modules[0].lessons[2].exercises` ('' for the whole file)."""
    message: str
    """A plain sentence saying what is wrong."""

    def __str__(self) -> str:
        where = f" ({self.location})" if self.location else ""
        return f"{self.file}{where}: {self.message}"


class _UniqueKeyLoader(yaml.SafeLoader):
    """PyYAML's safe loader, except that a key given twice in one mapping is an error."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"key '{key}' appears twice in the same mapping",
                    key_node.start_mark,
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def read_yaml(path: Path, rel: str, problems: list[Problem]) -> Any:
    """The YAML value in `path`, or None after adding a problem when it cannot be read."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        problems.append(Problem(rel, "", "the file does not exist"))
        return None
    except (OSError, UnicodeDecodeError) as exc:
        problems.append(Problem(rel, "", f"cannot read the file as UTF-8 text ({exc})"))
        return None
    try:
        return yaml.load(text, Loader=_UniqueKeyLoader)  # noqa: S506 (a SafeLoader subclass)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problems.append(Problem(rel, where, f"malformed YAML: {getattr(exc, 'problem', exc)}"))
        return None


def format_location(loc: tuple[Any, ...]) -> str:
    """pydantic's error location as `modules[0].lessons[2].id`."""
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return f"the number {value}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    if value is None:
        return "nothing"
    return repr(value)


def plain_message(error: Mapping[str, Any], hints: Mapping[str, str]) -> str:
    """One pydantic error as a sentence. `hints` maps a regex pattern to advice for it."""
    kind, msg, value = error["type"], error["msg"], error.get("input")
    key = next((p for p in reversed(error["loc"]) if isinstance(p, str)), "value")
    if kind == "extra_forbidden":
        return f"unknown key '{error['loc'][-1]}' (check its spelling)"
    if kind == "missing":
        return f"required key '{error['loc'][-1]}' is missing"
    if kind == "string_pattern_mismatch":
        hint = hints.get(error["ctx"]["pattern"], "it does not have the expected form")
        return f"{value!r} is not valid for '{key}': {hint}"
    if kind == "string_type":
        return f"'{key}' must be text, not {_kind(value)} (put it in quotes)"
    if kind in {"tuple_type", "list_type"}:
        return f"'{key}' must be a list, not {_kind(value)}"
    if kind in {"model_type", "model_attributes_type", "dict_type"}:
        return f"must be a mapping of keys to values, not {_kind(value)}"
    if kind == "too_short":
        return f"'{key}' must have at least {error['ctx']['min_length']} item(s)"
    if kind == "string_too_short":
        return f"'{key}' must not be empty"
    if kind == "enum":
        return f"{value!r} is not allowed for '{key}': use {error['ctx']['expected']}"
    if kind in {"int_parsing", "int_type", "int_from_float"}:
        return f"'{key}' must be a whole number, not {_kind(value)}"
    if kind in {"float_parsing", "float_type"}:
        return f"'{key}' must be a number, not {_kind(value)}"
    if kind == "value_error":
        return str(error["ctx"]["error"])
    if kind in {"union_tag_invalid", "union_tag_not_found"}:
        expected = error.get("ctx", {}).get("expected_tags", "")
        return f"'kind' is missing or not known: use one of {expected}"
    if kind in {"bool_parsing", "bool_type"}:
        return f"'{key}' must be true or false, not {_kind(value)}"
    if kind in {"greater_than", "greater_than_equal", "less_than", "less_than_equal"}:
        return f"'{key}' is {value}: it {msg.removeprefix('Input ').lower()}"
    return f"'{key}': {msg[0].lower()}{msg[1:]}"


def _errors(exc: ValidationError) -> list[dict[str, Any]]:
    """pydantic's errors without the "too short after validation" echo of a bad item.

    A list with a minimum length whose only item is invalid also fails `too_short`; the
    item's own error is the one to fix, so the echo is dropped.
    """
    errors: list[dict[str, Any]] = [dict(e) for e in exc.errors()]
    return [
        e for e in errors
        if e["type"] != "too_short"
        or not any(o is not e and o["loc"][: len(e["loc"])] == e["loc"] for o in errors)
    ]


def validate(
    model: type[M],
    data: Any,
    rel: str,
    problems: list[Problem],
    hints: Mapping[str, str],
    prefix: tuple[str | int, ...] = (),
) -> M | None:
    """`data` as `model`; on failure add problems (located under `prefix`) and return None."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        for err in _errors(exc):
            loc = format_location(prefix + tuple(err["loc"]))
            problems.append(Problem(rel, loc, plain_message(err, hints)))
        return None


def read_mapping(path: Path, root: Path, problems: list[Problem]) -> dict[str, Any] | None:
    """The YAML mapping in `path`; None after adding a problem when it is not one."""
    rel = path.relative_to(root).as_posix()
    before = len(problems)
    data = read_yaml(path, rel, problems)
    if len(problems) > before:
        return None
    if data is None:
        problems.append(Problem(rel, "", "the file is empty"))
        return None
    if not isinstance(data, dict):
        problems.append(
            Problem(rel, "", f"must be a YAML mapping of keys to values, not {_kind(data)}")
        )
        return None
    return data


def parse_file(
    path: Path, root: Path, model: type[M], problems: list[Problem], hints: Mapping[str, str]
) -> M | None:
    """Validate the YAML file at `path` as `model`; on failure add problems and return None."""
    data = read_mapping(path, root, problems)
    if data is None:
        return None
    return validate(model, data, path.relative_to(root).as_posix(), problems, hints)
