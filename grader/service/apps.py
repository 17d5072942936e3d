"""The Django app that holds the academy's models, views and commands."""

from __future__ import annotations

from django.apps import AppConfig


class AcademyConfig(AppConfig):
    name = "grader.service"
    label = "academy"
    verbose_name = "Camden Data Academy"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Imported for their signal receivers: sign-in throttling, and the day a learner
        # leaves their last cohort (retention counts from it).
        from grader.service import retention, signin  # noqa: F401
