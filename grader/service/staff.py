"""The staff list: which directorate and service each member of staff works in.

Imported from a CSV file (`grader manage import_staff staff.csv`) with the columns `email`,
`directorate` and `service`. Only a keyed hash of each email address is stored, never the
address: the list covers staff who may never use the academy. A person's directorate and
service are copied onto their account when they have one (now, or when they first sign in),
and are only ever counted (grader/service/uptake.py). Rotating `ACADEMY_SECRET_KEY` changes
the hashes: import the list again after it.
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import io
import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction

from grader.service.models import StaffArea, User

log = logging.getLogger(__name__)

COLUMNS = ("email", "directorate", "service")
MAX_AREA_CHARS = 200


@dataclass(frozen=True)
class StaffImportReport:
    rows: int
    """Rows in the file (each stored as a hash and an area)."""
    accounts_updated: int
    """People already in the academy whose directorate or service changed."""


class StaffImportError(Exception):
    def __init__(self, source: str, problems: list[str]) -> None:
        self.problems = tuple(problems)
        super().__init__(f"{source}: nothing was imported because of {len(problems)} "
                         "problem(s):\n" + "\n".join(f"  {p}" for p in problems))


def digest(email: str) -> str:
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, f"staff:{email.strip().lower()}".encode(), hashlib.sha256).hexdigest()


def _parse(text: str, source: str) -> dict[str, tuple[str, str]]:
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    header = [h.strip().lower() for h in reader.fieldnames or []]
    missing = [c for c in COLUMNS[:2] if c not in header]
    if missing:
        raise StaffImportError(source, [f"line 1: the header must name the columns "
                                        f"{', '.join(COLUMNS)}; missing {', '.join(missing)}"])
    reader.fieldnames = header
    rows: dict[str, tuple[str, str]] = {}
    problems = []
    for row in reader:
        email = (row.get("email") or "").strip().lower()
        directorate = (row.get("directorate") or "").strip()
        service = (row.get("service") or "").strip()
        try:
            validate_email(email)
        except ValidationError:
            problems.append(f"line {reader.line_num}: '{email}' is not an email address")
            continue
        if not directorate:
            problems.append(f"line {reader.line_num}: the directorate is empty")
        elif max(len(directorate), len(service)) > MAX_AREA_CHARS:
            problems.append(f"line {reader.line_num}: a name is longer than "
                            f"{MAX_AREA_CHARS} characters")
        else:
            rows[email] = (directorate, service)
    if problems:
        raise StaffImportError(source, problems)
    return rows


@transaction.atomic
def import_staff(text: str, *, source: str = "the CSV file") -> StaffImportReport:
    """Replace the staff list with the file's rows, and update the accounts it names."""
    rows = _parse(text, source)
    StaffArea.objects.all().delete()
    StaffArea.objects.bulk_create(
        StaffArea(digest=digest(email), directorate=d, service=s)
        for email, (d, s) in rows.items())
    updated = 0
    for user in User.objects.filter(email__in=list(rows)):
        directorate, service = rows[user.email.lower()]
        if (user.directorate, user.service) != (directorate, service):
            user.directorate, user.service = directorate, service
            user.save(update_fields=["directorate", "service"])
            updated += 1
    log.info("staff list imported: %d rows, %d accounts updated", len(rows), updated)
    return StaffImportReport(len(rows), updated)


def fill_area(user: User) -> None:
    """Copy the person's directorate and service from the staff list, if it names them."""
    if user.directorate:
        return
    area = StaffArea.objects.filter(digest=digest(user.email)).first()
    if area is not None:
        user.directorate, user.service = area.directorate, area.service
        user.save(update_fields=["directorate", "service"])


def forget(email: str) -> None:
    """Remove the person's row from the staff list (on erasure)."""
    if email:
        StaffArea.objects.filter(digest=digest(email)).delete()
