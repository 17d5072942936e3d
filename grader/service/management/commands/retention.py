from __future__ import annotations

from django.core.management.base import BaseCommand, CommandParser

from grader.service import retention


class Command(BaseCommand):
    help = ("Delete what is past its retention period (submissions after a learner leaves "
            "their last cohort, old 'who looked at my work' entries, used invitations). "
            "With --dry-run, only say what would go.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true",
                            help="Report what would be deleted; delete nothing.")

    def handle(self, *args: object, dry_run: bool, **options: object) -> None:
        found = retention.plan() if dry_run else retention.apply()
        lines = found.lines()
        lines[0] += " (dry run: nothing deleted)" if dry_run else " (deleted)"
        self.stdout.write("\n".join(lines))
