from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from grader.service import invitations
from grader.service.cohort_import import CohortImportError, import_cohort
from grader.service.models import User


class Command(BaseCommand):
    help = ("Import a cohort from a CSV file with columns name, email, role "
            "(learner, tutor, manager or admin). Imports all rows or none. With --invite, "
            "each person new to the academy gets an email with a link to set a password.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("csv_file", type=Path)
        parser.add_argument("--cohort", required=True, help="Cohort name (created if new).")
        parser.add_argument("--track", action="append", default=[],
                            help="Track id to assign to the cohort (repeatable).")
        parser.add_argument("--invite", action="store_true",
                            help="Email each new person a single-use link to set a password "
                                 "(valid for ACADEMY_INVITATION_DAYS days).")

    def handle(self, *args: object, csv_file: Path, cohort: str, track: list[str],
               invite: bool, **options: object) -> None:
        try:
            text = csv_file.read_text(encoding="utf-8-sig")
            report = import_cohort(text, cohort_name=cohort, source=str(csv_file),
                                   tracks=tuple(track))
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"{csv_file}: cannot read it as UTF-8 text ({exc})") from exc
        except CohortImportError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Cohort {report.cohort}: {report.added} people added, "
                          f"{report.created} new to the academy.")
        if invite:
            new = list(User.objects.filter(pk__in=report.new_people).order_by("pk"))
            sent, failed = invitations.send_many(new)
            self.stdout.write(f"{len(sent)} invitation(s) sent.")
            if failed:
                raise CommandError(
                    "The mail server refused the invitations to: "
                    + ", ".join(u.email for u in failed)
                    + ". They are in the cohort: send them again with `grader manage invite`.")
