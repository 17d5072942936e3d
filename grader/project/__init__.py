"""The Django project around the academy app: settings, URLs, WSGI."""
