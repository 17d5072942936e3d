"""`{% marksheet sub as sheet %}`: the tutor's marks of a submission as the viewer may see
them (see `grader.service.marksheet`)."""

from __future__ import annotations

from typing import Any

from django import template

from grader.service.marksheet import Marksheet
from grader.service.marksheet import marksheet as build

register = template.Library()


@register.simple_tag(takes_context=True)
def marksheet(context: dict[str, Any], sub: Any) -> Marksheet | None:
    return build(sub, context["request"].user)


@register.filter
def points(value: float | None) -> str:
    """A score as people write it: 2, 2.5, 1.25 (never 2.50); empty for None."""
    return "" if value is None else f"{float(value):g}"
