from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from grader.service.staff import StaffImportError, import_staff


class Command(BaseCommand):
    help = ("Replace the staff list from a CSV file with columns email, directorate, service. "
            "Only a keyed hash of each email is stored; the uptake page counts by the "
            "directorate and service. Imports all rows or none.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("csv_file", type=Path)

    def handle(self, *args: object, csv_file: Path, **options: object) -> None:
        try:
            report = import_staff(csv_file.read_text(encoding="utf-8-sig"),
                                  source=str(csv_file))
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"{csv_file}: cannot read it as UTF-8 text ({exc})") from exc
        except StaffImportError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Staff list: {report.rows} rows; {report.accounts_updated} "
                          "academy accounts updated.")
