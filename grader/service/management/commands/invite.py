from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser

from grader.service import invitations
from grader.service.models import User


class Command(BaseCommand):
    help = ("Email people a new single-use link to set their password (their earlier links "
            "stop working). Give their email addresses.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("emails", nargs="+")

    def handle(self, *args: object, emails: list[str], **options: object) -> None:
        people = []
        for email in emails:
            user = User.objects.filter(email__iexact=email.strip(), is_active=True).first()
            if user is None:
                raise CommandError(f"There is no active account with the email {email}; "
                                   "nobody was invited.")
            people.append(user)
        sent, failed = invitations.send_many(people)
        self.stdout.write(f"{len(sent)} invitation(s) sent.")
        if failed:
            raise CommandError("The mail server refused the invitations to: "
                               + ", ".join(u.email for u in failed))
