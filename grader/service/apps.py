"""The Django app that holds the academy's models, views and commands."""

from __future__ import annotations

from django.apps import AppConfig


class AcademyConfig(AppConfig):
    name = "grader.service"
    label = "academy"
    verbose_name = "Camden Data Academy"
    default_auto_field = "django.db.models.BigAutoField"
