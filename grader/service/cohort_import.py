"""Import a cohort from a CSV file of names, emails and roles: all of it, or nothing.

The file needs a header row with `name`, `email` and `role` (learner, tutor, manager or
admin). A tutor marks the cohort's written answers. A person may be both a manager and a
tutor of the cohort: give them one line for each role. Every row is checked before anything
is written; if any row is bad, `CohortImportError` lists each problem with its line number
and the database is left as it was.
"""

from __future__ import annotations

import csv
import io
import logging
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.text import slugify

from grader.service.models import Cohort, Role, Track, User

log = logging.getLogger(__name__)

COLUMNS = ("name", "email", "role")
TUTOR = "tutor"
"""Not a `Role`: being a tutor is membership of `Cohort.tutors`, whatever the account's role."""
ROLES = (Role.LEARNER.value, TUTOR, Role.MANAGER.value, Role.ADMIN.value)
STAFF_ROLES = frozenset({TUTOR, Role.MANAGER.value, Role.ADMIN.value})
"""Roles one person may combine in a cohort (a learner is only a learner)."""


@dataclass(frozen=True)
class Person:
    line: int
    name: str
    email: str
    role: str
    """One of ROLES."""


@dataclass(frozen=True)
class ImportReport:
    cohort: str
    created: int
    """People new to the academy."""
    added: int
    """People added to the cohort (new or existing)."""
    new_people: tuple[int, ...] = ()
    """Ids of the people new to the academy (to invite)."""


class CohortImportError(Exception):
    def __init__(self, source: str, problems: list[str]) -> None:
        self.problems = tuple(problems)
        super().__init__(
            f"{source}: nothing was imported because of {len(problems)} problem(s):\n"
            + "\n".join(f"  {p}" for p in problems)
        )


def parse_people(text: str, source: str) -> list[Person]:
    """Read and check every row; raise CohortImportError listing all bad rows."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    header = [h.strip().lower() for h in reader.fieldnames or []]
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        raise CohortImportError(source, [
            f"line 1: the header must name the columns {', '.join(COLUMNS)}; "
            f"missing {', '.join(missing)}"])
    reader.fieldnames = header
    people: list[Person] = []
    problems: list[str] = []
    seen: dict[str, dict[str, int]] = {}
    for row in reader:
        line = reader.line_num
        name = (row.get("name") or "").strip()
        email = (row.get("email") or "").strip().lower()
        role = (row.get("role") or "").strip().lower()
        bad = []
        if not name:
            bad.append("the name is empty")
        try:
            validate_email(email)
        except ValidationError:
            bad.append(f"'{email}' is not an email address" if email else "the email is empty")
        if role not in ROLES:
            bad.append(f"the role '{role}' is not one of {', '.join(ROLES)}")
        elif clash := _clash(email, role, seen.get(email, {})):
            bad.append(clash)
        if bad:
            problems.append(f"line {line}: {'; '.join(bad)}")
            continue
        seen.setdefault(email, {})[role] = line
        people.append(Person(line, name, email, role))
    if problems:
        raise CohortImportError(source, problems)
    if not people:
        raise CohortImportError(source, ["the file has a header but no people"])
    return people


def _clash(email: str, role: str, earlier: dict[str, int]) -> str:
    """Why this line's person and role cannot join the earlier lines for the same email."""
    if role in earlier:
        return f"{email} is already on line {earlier[role]} as {role}"
    for other, line in earlier.items():
        if not {role, other} <= STAFF_ROLES:
            return (f"{email} is already on line {line} as {other}; a learner cannot also "
                    "tutor or manage the same cohort")
    return ""


def _split_name(name: str) -> tuple[str, str]:
    first, _, last = name.partition(" ")
    return first, last


def _membership(cohort: Cohort, role: str) -> Any:  # a related manager
    if role == TUTOR:
        return cohort.tutors
    if role in (Role.MANAGER, Role.ADMIN):
        return cohort.managers
    return cohort.learners


@transaction.atomic
def import_cohort(
    text: str, *, cohort_name: str, source: str = "the CSV file",
    tracks: tuple[str, ...] = (),
) -> ImportReport:
    """Create (or extend) the cohort and its people from CSV text, in one transaction."""
    people = parse_people(text, source)
    unknown = [t for t in tracks if not Track.objects.filter(pk=t).exists()]
    if unknown:
        raise CohortImportError(source, [f"there is no track called '{t}'" for t in unknown])
    cohort, _ = Cohort.objects.get_or_create(
        slug=slugify(cohort_name)[:50], defaults={"name": cohort_name})
    if tracks:
        cohort.tracks.add(*Track.objects.filter(pk__in=tracks))
    created: list[int] = []
    for p in people:
        first, last = _split_name(p.name)
        user, is_new = User.objects.get_or_create(username=p.email, defaults={
            "email": p.email, "first_name": first, "last_name": last,
            "role": p.role if p.role in Role.values else Role.LEARNER})
        if is_new:
            user.set_unusable_password()
            created.append(user.pk)
        if p.role == Role.ADMIN:
            user.is_staff = user.is_superuser = True
        if p.role in (Role.MANAGER, Role.ADMIN) and p.role != user.role:
            user.role = p.role  # promotion only: an import never demotes anyone
        user.save()
        _membership(cohort, p.role).add(user)
    log.info("imported %d people into cohort %s", len(people), cohort.slug)
    return ImportReport(cohort.slug, len(created), len(people), tuple(created))
