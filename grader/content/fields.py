"""Field types shared by the catalogue models (grader.content.catalogue, .activities, .glossary).

Every catalogue model derives from `Strict`: unknown keys are errors and objects never change.
The patterns have advice for authors in `PATTERN_HINTS`, which the problem messages quote.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
KSB_PATTERN = r"^[KSB][0-9]{1,2}$"
STANDARD_PATTERN = r"^ST[0-9]{4}$"
NOTEBOOK_PATTERN = r"^[\w][\w .-]*\.ipynb$"
RELATIVE_FILE_PATTERN = r"^[\w][\w .-]*(?:/[\w][\w .-]*)*$"
"""A relative path whose parts start with a letter, digit or `_`: no leading `/`, no `..`."""

PATTERN_HINTS = {
    SLUG_PATTERN: "use lower-case letters, digits and single hyphens, e.g. parking-fines",
    KSB_PATTERN: "a KSB code is a letter K, S or B and a number, e.g. K8",
    STANDARD_PATTERN: "a standard id is ST and four digits, e.g. ST0118",
    NOTEBOOK_PATTERN: "give the file name of a notebook (.ipynb) in the exercise's folder",
    RELATIVE_FILE_PATTERN: "give a relative path such as data/fines.csv, without '..'",
}
"""Advice shown when a value does not match one of the patterns above."""

Slug = Annotated[str, StringConstraints(pattern=SLUG_PATTERN)]
KsbCode = Annotated[str, StringConstraints(pattern=KSB_PATTERN)]
StandardId = Annotated[str, StringConstraints(pattern=STANDARD_PATTERN)]
Text = Annotated[str, StringConstraints(min_length=1, strip_whitespace=True)]
RelativeFile = Annotated[str, StringConstraints(pattern=RELATIVE_FILE_PATTERN)]
Minutes = Annotated[int, Field(ge=1, le=600, description="Estimated minutes for a learner.")]


class Strict(BaseModel):
    """Base for catalogue models: unknown keys are errors, objects never change."""

    model_config = ConfigDict(extra="forbid", frozen=True)
