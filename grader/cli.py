"""The `grader` command: a thin layer over the library functions it names.

Each command parses its arguments and calls one function; the functions are what the tests
exercise. Heavy imports (nbgrader, Django, jupyterlite) happen inside the commands so that
`grader --help` stays fast.
"""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path

import click

ROOT_OPTION = click.option(
    "--root",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("."),
    show_default=True,
    help="Repository root holding courses/ and exercises/.",
)


@click.group()
@click.option("-v", "--verbose", is_flag=True, help="Show progress messages.")
def main(verbose: bool) -> None:
    """Camden Data Academy: check and build the course site, grade notebooks, run the service."""
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )


@main.command()
@ROOT_OPTION
@click.option(
    "--no-grading",
    is_flag=True,
    help="Skip grading each exercise (instructor full marks, student zero); faster.",
)
def check(root: Path, no_grading: bool) -> None:
    """Validate courses/ and exercises/; print every problem; exit 1 if there is any."""
    from grader.checks import check_repository

    problems = check_repository(root, grade=not no_grading)
    for problem in problems:
        click.echo(str(problem), err=True)
    if problems:
        click.echo(f"{len(problems)} problem(s) found.", err=True)
        sys.exit(1)
    click.echo("No problems found.")


@main.command()
@ROOT_OPTION
@click.option("--write", is_flag=True, help="Write courses/catalogue.schema.json.")
def schema(root: Path, write: bool) -> None:
    """Print (or write) the JSON Schema generated from the catalogue models."""
    from grader.catalogue import json_schema

    text = json.dumps(json_schema(), indent=2, sort_keys=True) + "\n"
    if write:
        (root / "courses" / "catalogue.schema.json").write_text(text, encoding="utf-8")
    else:
        click.echo(text, nl=False)
