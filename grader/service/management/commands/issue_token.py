from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser

from grader.service.tokens import UnknownUser, issue_token


class Command(BaseCommand):
    help = "Issue an API token for a user and print it (it is shown only once)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email")
        parser.add_argument("--label", default="", help="What the token is for.")

    def handle(self, *args: object, email: str, label: str, **options: object) -> None:
        try:
            self.stdout.write(issue_token(email, label=label))
        except UnknownUser as exc:
            raise CommandError(str(exc)) from exc
