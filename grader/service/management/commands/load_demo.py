from __future__ import annotations

from django.core.management.base import BaseCommand

from grader.service.demo import load_demo


class Command(BaseCommand):
    help = "Create the demo cohort and print its sign-in details (new passwords each time)."

    def handle(self, *args: object, **options: object) -> None:
        for login in load_demo():
            self.stdout.write(f"{login.role:8} {login.email:32} {login.password}")
