"""The glossary: plain definitions of the words lessons use, in courses/glossary.yml.

A lesson links a word to its entry with an ordinary Markdown link whose target is
`glossary:<term-id>`, e.g. `the [median](glossary:median) age`. The catalogue reader checks
that every such link names a term; the site turns the links into links to the glossary page.
"""

from __future__ import annotations

import re

from pydantic import Field

from grader.content.fields import Slug, Strict, Text

GLOSSARY_FILE = "glossary.yml"
"""Under courses/."""
GLOSSARY_SCHEME = "glossary:"
GLOSSARY_LINK = re.compile(r"\]\(glossary:([^)\s]*)\)")
"""A Markdown link to a glossary term; group 1 is the term id."""


class GlossaryTerm(Strict):
    """One word or phrase and what it means, in plain English."""

    id: Slug = Field(description="Used in links: glossary:<id>, and as the page anchor.")
    term: Text = Field(description="The word as the glossary lists it, e.g. median.")
    definition: Text = Field(description="One to three plain sentences.")
    see_also: tuple[Slug, ...] = Field(default=(), description="Ids of related terms.")


class Glossary(Strict):
    """The contents of courses/glossary.yml."""

    terms: tuple[GlossaryTerm, ...] = Field(min_length=1)


def glossary_links(markdown: str) -> list[str]:
    """The term ids a lesson body links to, in order of first use, each once."""
    return list(dict.fromkeys(GLOSSARY_LINK.findall(markdown)))
