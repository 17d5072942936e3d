"""Claims: every figure or direction the course states about its data, checked against it.

A sentence such as "about a third of notices have no location" in a lesson, a model answer
or a data card is a claim. Each one is written down in a `claims.yml` file beside the
content (`courses/<track-id>/claims.yml` for that track's lessons and exercises,
`exercises/claims.yml` for notebooks, `datasets/claims.yml` for the data cards), with the
words as they appear in the file and a
small Python expression that must be true of the generated data:

    define:                       # optional: names shared by every claim in this file
      pcns: parking_pcns.drop_duplicates()
    claims:
      - file: courses/data-analyst-l4/tidy-categories.md
        text: about a third of notices have no location
        let:                      # optional: names for this claim, worked out in order
          share: pcns["Ward Name"].isna().mean()
        check: 0.30 <= share <= 0.37
      - file: exercises/da-parking-clean/da-parking-clean.ipynb
        cell: answer-privacy      # a notebook claim names the cell (its grade id)
        text: 39% of notices have no location
        check: f"{pcns['Ward Name'].isna().mean():.0%}" == "39%"

Expressions see `pd`, `np`, `read(name, **read_csv_options)`, `pearson(x, y)` and every file
of `datasets/data/` as a DataFrame named after it (`parking_pcns`, `school_fsm`, ...), read
as the exercises read it (READ_OPTIONS). In YAML, quote an expression that contains ': '.

The text must occur in the file (or cell) once white space, `**` and `_` emphasis, backticks
and case are ignored, so a claim cannot drift away from its sentence; and the check must
hold, so a change to the generator that makes a sentence false fails the course's claims test.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import nbformat
import numpy as np
import pandas as pd
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

CLAIMS_FILE = "claims.yml"
CLAIMS_GLOBS = (f"courses/*/{CLAIMS_FILE}", f"exercises/{CLAIMS_FILE}", f"datasets/{CLAIMS_FILE}")
"""Where claims files live, relative to the repository root."""
DATA_DIR = Path("datasets") / "data"
MAX_SHOWN = 120
"""Characters of a value shown when a check fails."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Claim(_Strict):
    """One figure or direction stated in the course, and how to check it."""

    file: str = Field(description="Repository-relative path of the lesson, notebook or "
                                  "data card that states the claim.")
    cell: str | None = Field(None, description="Grade id of the notebook cell that holds "
                                               "the text (notebooks only).")
    text: str = Field(min_length=3, description="The words of the claim as they appear in "
                                                "the file.")
    let: dict[str, str] = Field(default_factory=dict, description="Names worked out in "
                                "order before the check: name -> Python expression.")
    check: str = Field(min_length=1, description="A Python expression that must be true.")
    note: str = Field("", description="Why the check is written this way, if not obvious.")


class ClaimsFile(_Strict):
    """The contents of one claims.yml."""

    define: dict[str, str] = Field(default_factory=dict, description="Names shared by the "
                                   "claims of this file: name -> Python expression.")
    claims: list[Claim]


class ClaimsError(ValueError):
    """A claims file cannot be read (names the file and the problem)."""


class _ExpressionFailed(Exception):
    """A `define` or `let` expression raised: the message names it."""


@dataclass(frozen=True)
class ClaimResult:
    """The outcome of checking one claim."""

    source: str
    """The claims file, relative to the root, and the claim's number in it (from 1)."""
    claim: Claim
    problem: str
    """Empty when the claim holds; else a plain sentence saying what is wrong."""

    @property
    def holds(self) -> bool:
        return not self.problem


def claims_files(root: Path) -> list[Path]:
    return sorted(p for pattern in CLAIMS_GLOBS for p in root.glob(pattern))


def load_claims(path: Path, root: Path) -> ClaimsFile:
    where = path.relative_to(root)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        raise ClaimsError(f"{where}: not valid YAML ({error}). Put an expression that "
                          "contains ': ' or starts with a quote mark inside single quotes, "
                          "or on the lines after '|'") from error
    try:
        return ClaimsFile.model_validate(raw)
    except ValidationError as error:
        details = "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}"
                            for e in error.errors())
        raise ClaimsError(f"{where}: {details}") from error


_EMPHASIS = re.compile(r"\*\*|__|`|(?<!\w)_|_(?!\w)")
_SPACE = re.compile(r"\s+")


def normalise(text: str) -> str:
    """Text as compared: emphasis and code marks dropped, any run of white space one space,
    case ignored (a claim may quote the middle of a sentence)."""
    return _SPACE.sub(" ", _EMPHASIS.sub("", text)).strip().casefold()


def _file_text(root: Path, claim: Claim) -> str:
    path = root / claim.file
    if not path.is_file():
        raise LookupError(f"names {claim.file}, which does not exist")
    if path.suffix != ".ipynb":
        if claim.cell:
            raise LookupError(f"names cell '{claim.cell}', but {claim.file} is not a notebook")
        return path.read_text(encoding="utf-8")
    nb = nbformat.read(path, as_version=4)
    if claim.cell is None:
        return "\n".join(c.source for c in nb.cells)
    cells = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == claim.cell]
    if not cells:
        raise LookupError(f"names cell '{claim.cell}', which {claim.file} does not have")
    return cells[0].source


def pearson(x: Any, y: Any) -> float:
    """Pearson's correlation of two equal-length sequences (pandas aligns two Series)."""
    return float(pd.Series(x).corr(pd.Series(y), method="pearson"))


READ_OPTIONS: dict[str, dict[str, Any]] = {
    "parking_pcns": {"dtype": {"Contravention Code": "str"}},
}
"""How a file is read when the exercises read it differently from pandas' defaults (codes
such as "01" stay text)."""


@functools.lru_cache(maxsize=4)
def _frames(data_dir: Path) -> dict[str, pd.DataFrame]:
    return {p.stem: pd.read_csv(p, **READ_OPTIONS.get(p.stem, {}))
            for p in sorted(data_dir.glob("*.csv"))}


def namespace(data_dir: Path) -> dict[str, Any]:
    """What claim expressions can use (a fresh dict: expressions may add names)."""

    def read(name: str, **options: Any) -> pd.DataFrame:
        return pd.read_csv(data_dir / name, **options)

    frames = {name: frame.copy() for name, frame in _frames(data_dir).items()}
    return {"pd": pd, "np": np, "read": read, "pearson": pearson, **frames}


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= MAX_SHOWN else text[: MAX_SHOWN - 3] + "..."


def _evaluate(names: dict[str, str], scope: dict[str, Any], label: str) -> None:
    for name, expression in names.items():
        try:
            scope[name] = eval(expression, scope)  # noqa: S307 - authors' own YAML
        except Exception as error:  # noqa: BLE001 - reported with the claim
            raise _ExpressionFailed(f"{label} '{name}' raised {type(error).__name__}: "
                                  f"{error}") from error


def check_claim(claim: Claim, shared: dict[str, Any], root: Path) -> str:
    """Empty when the claim holds; else the problem, with the values the check used."""
    try:
        if normalise(claim.text) not in normalise(_file_text(root, claim)):
            where = f"cell '{claim.cell}' of {claim.file}" if claim.cell else claim.file
            return f"the text is not in {where} any more: update the claim with the sentence"
    except LookupError as error:
        return str(error)
    scope = dict(shared)
    try:
        _evaluate(claim.let, scope, "let")
        held = eval(claim.check, scope)  # noqa: S307 - authors' own YAML
    except _ExpressionFailed as error:
        return str(error)
    except Exception as error:  # noqa: BLE001 - reported with the claim
        return f"the check raised {type(error).__name__}: {error}"
    if bool(held):
        return ""
    values = ", ".join(f"{name} = {_shown(scope[name])}" for name in claim.let)
    return f"the check `{claim.check}` is false" + (f" ({values})" if values else "")


def check_file(path: Path, root: Path, data_dir: Path | None = None) -> list[ClaimResult]:
    """Check every claim of one claims file against the data in `data_dir`."""
    where = str(path.relative_to(root))
    claims = load_claims(path, root)
    shared = namespace(data_dir or root / DATA_DIR)
    try:
        _evaluate(claims.define, shared, "define")
    except _ExpressionFailed as error:
        return [ClaimResult(f"{where}#{i}", c, f"{where}: {error}")
                for i, c in enumerate(claims.claims, start=1)]
    return [ClaimResult(f"{where}#{i}", claim, check_claim(claim, shared, root))
            for i, claim in enumerate(claims.claims, start=1)]


def check_all(root: Path, data_dir: Path | None = None) -> list[ClaimResult]:
    """Every claim of every claims file under `root`."""
    return [result for path in claims_files(root) for result in check_file(path, root, data_dir)]
