"""Import a cohort from a CSV file of names, emails and roles: all of it, or nothing.

The file needs a header row with `name`, `email` and `role` (learner, manager or admin).
Every row is checked before anything is written; if any row is bad, `CohortImportError`
lists each problem with its line number and the database is left as it was.
"""

from __future__ import annotations

import csv
import io
import logging
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.text import slugify

from grader.service.models import Cohort, Role, Track, User

log = logging.getLogger(__name__)

COLUMNS = ("name", "email", "role")


@dataclass(frozen=True)
class Person:
    line: int
    name: str
    email: str
    role: Role


@dataclass(frozen=True)
class ImportReport:
    cohort: str
    created: int
    """People new to the academy (they sign in once an admin sets their password)."""
    added: int
    """People added to the cohort (new or existing)."""


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
    seen: dict[str, int] = {}
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
        if role not in Role.values:
            bad.append(f"the role '{role}' is not one of {', '.join(Role.values)}")
        if email in seen:
            bad.append(f"{email} is already on line {seen[email]}")
        if bad:
            problems.append(f"line {line}: {'; '.join(bad)}")
            continue
        seen[email] = line
        people.append(Person(line, name, email, Role(role)))
    if problems:
        raise CohortImportError(source, problems)
    if not people:
        raise CohortImportError(source, ["the file has a header but no people"])
    return people


def _split_name(name: str) -> tuple[str, str]:
    first, _, last = name.partition(" ")
    return first, last


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
    created = 0
    for p in people:
        first, last = _split_name(p.name)
        user, is_new = User.objects.get_or_create(username=p.email, defaults={
            "email": p.email, "first_name": first, "last_name": last, "role": p.role})
        if is_new:
            user.set_unusable_password()
            created += 1
        if p.role == Role.ADMIN:
            user.is_staff = user.is_superuser = True
        if p.role != user.role and p.role != Role.LEARNER:
            user.role = p.role  # promotion only: an import never demotes anyone
        user.save()
        (cohort.managers if p.role in (Role.MANAGER, Role.ADMIN) else cohort.learners).add(user)
    log.info("imported %d people into cohort %s", len(people), cohort.slug)
    return ImportReport(cohort.slug, created, len(people))
