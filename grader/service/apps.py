"""The Django app that holds the academy's models, views and commands."""

from __future__ import annotations

from django.apps import AppConfig


class AcademyConfig(AppConfig):
    name = "grader.service"
    label = "academy"
    verbose_name = "Camden Data Academy"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django_q.signals import post_spawn

        # Imported for their signal receivers: sign-in throttling, and the day a learner
        # leaves their last cohort (retention counts from it).
        from grader.service import retention, signin  # noqa: F401
        from grader.service.cluster import on_worker_spawn

        post_spawn.connect(on_worker_spawn, dispatch_uid="academy-worker-spawn")
