"""The site's markup templates (grader/sitebuild/templates/), rendered with Jinja2.

HTML templates escape every value unless it is marked safe; Markdown templates do not, because
their values are the author's own Markdown (lesson text, definitions) and Markdown escapes
nothing. A value missing from the context is an error, not an empty string.
"""

from __future__ import annotations

from typing import Any

import jinja2

_ENV = jinja2.Environment(
    loader=jinja2.PackageLoader("grader.sitebuild", "templates"),
    autoescape=jinja2.select_autoescape(enabled_extensions=("html",), default=False),
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=True,
)


def render(name: str, **context: Any) -> str:
    """The template `name` filled in with `context`."""
    return _ENV.get_template(name).render(**context)
