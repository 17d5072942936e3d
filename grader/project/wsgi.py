"""WSGI entry point (waitress serves it in `grader serve`)."""

from __future__ import annotations

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "grader.project.settings")
application = get_wsgi_application()
