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
@click.option(
    "--cache-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Remember exercises that passed grading here; unchanged ones are not graded again.",
)
@click.option(
    "--sandbox",
    "sandbox_only",
    is_flag=True,
    help="Only say which layers of the grading sandbox are active here; exit 1 if grading "
    "would be refused.",
)
def check(root: Path, no_grading: bool, cache_dir: Path | None, sandbox_only: bool) -> None:
    """Validate courses/ and exercises/; print every problem; exit 1 if there is any."""
    if sandbox_only:
        from grader.autograde.sandbox.layers import sandbox_report

        report = sandbox_report()
        click.echo("\n".join(report.lines()), err=not report.available)
        sys.exit(0 if report.available else 1)
    from grader.checks.repository import check_repository
    from grader.content.database import prepare_database

    prepare_database(root)  # exercise folders link to the database it builds
    problems = check_repository(root, grade=not no_grading, cache_dir=cache_dir)
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
    from grader.content.catalogue import json_schema

    text = json.dumps(json_schema(), indent=2, sort_keys=True) + "\n"
    if write:
        (root / "courses" / "catalogue.schema.json").write_text(text, encoding="utf-8")
    else:
        click.echo(text, nl=False)


@main.command()
@ROOT_OPTION
@click.option(
    "--site-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("site"),
    show_default=True,
    help="Where to write the built site (emptied first).",
)
@click.option(
    "--cache-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path(".cache"),
    show_default=True,
    help="Where to keep the student notebooks and the JupyterLite builds between builds.",
)
@click.option(
    "--no-grading",
    is_flag=True,
    help="Skip grading each exercise (instructor full marks, student zero); for authoring.",
)
def build(root: Path, site_dir: Path, cache_dir: Path, no_grading: bool) -> None:
    """Build the course site: student notebooks, JupyterLite and the pages, into SITE_DIR."""
    from grader.content.catalogue import CatalogueError
    from grader.lite.jupyterlite import LiteBuildError
    from grader.release.assignment import ReleaseError
    from grader.sitebuild.build import BuildError, build_site

    try:
        report = build_site(root, site_dir, cache_dir=cache_dir, validate=not no_grading)
    except CatalogueError as exc:
        for problem in exc.problems:
            click.echo(str(problem), err=True)
        click.echo(
            f"Build stopped: {len(exc.problems)} problem(s) in courses/ or exercises/.", err=True
        )
        sys.exit(1)
    except (BuildError, LiteBuildError, ReleaseError) as exc:
        click.echo(f"Build stopped: {exc}", err=True)
        sys.exit(1)
    lite = "reused from the cache" if report.lite_reused else "built"
    click.echo(
        f"Built {report.site_dir} in {report.total_seconds:.1f} s "
        f"({report.exercises} exercises; JupyterLite {lite})."
    )


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=int, help="Port to listen on.")
@click.option(
    "--site-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("site"),
    show_default=True,
    help="The built course site to serve at /.",
)
@click.option("--workers", default=None, type=int,
              help="Grading worker processes to start beside the web server (0 for none). "
                   "Default: ACADEMY_WORKERS, else one per CPU core.")
@click.option("--no-demo", is_flag=True, help="Do not create the demo cohort.")
def serve(host: str, port: int, site_dir: Path, workers: int | None, no_demo: bool) -> None:
    """Run the academy: migrate, sync the catalogue, start the grading workers and the web
    server (as ACADEMY_WEB_USER when started as root). One SIGTERM stops everything."""
    from grader.service.serve import ServeError, ServeOptions
    from grader.service.serve import serve as run

    logging.getLogger().setLevel(logging.INFO)
    try:
        status = run(ServeOptions(host=host, port=port, site_dir=site_dir, workers=workers,
                                  demo=not no_demo))
    except ServeError as error:
        raise click.ClickException(str(error)) from error
    from grader.service.lifecycle import exit_now

    exit_now(status)


@main.command(
    context_settings={"ignore_unknown_options": True, "allow_interspersed_args": False}
)
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
def manage(args: tuple[str, ...]) -> None:
    """Run a Django management command of the academy service.

    For example `grader manage import_cohort people.csv --cohort "Spring 2027"`,
    `grader manage issue_token someone@camden.gov.uk`, `grader manage grading_workers`
    (grading workers), `grader manage createsuperuser`. `grader manage help` lists them all.
    """
    import os

    from django.core.management import execute_from_command_line

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "grader.project.settings")
    execute_from_command_line(["grader manage", *args])


@main.command()
@click.argument("source", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.argument("submissions", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object per line.")
@click.option("--workers", default=2, show_default=True, help="Submissions graded at once.")
@click.option(
    "--feedback-dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Write each graded submission's feedback page here (<name>.html).",
)
@click.option("--cell-timeout", type=float, help="Seconds a cell may run (default 30).")
@click.option("--notebook-timeout", type=float, help="Seconds the whole notebook may run.")
@click.option(
    "--unsafe-no-sandbox",
    is_flag=True,
    help="DANGEROUS: run learner code without the sandbox (authoring or benchmarking only).",
)
def autograde(
    source: Path,
    submissions: tuple[Path, ...],
    as_json: bool,
    workers: int,
    feedback_dir: Path | None,
    cell_timeout: float | None,
    notebook_timeout: float | None,
    unsafe_no_sandbox: bool,
) -> None:
    """Grade SUBMISSIONS against the nbgrader instructor notebook SOURCE, in a sandbox."""
    import dataclasses

    # jsonschema (through nbformat) compiles an IRI grammar on import when rfc3987_syntax is
    # installed: 1.2 s per run for a format no notebook schema uses. Skip that checker.
    sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]
    from grader.autograde import GradingOptions, Limits, autograde_many

    if unsafe_no_sandbox:
        click.secho("WARNING: --unsafe-no-sandbox: learner code runs UNPROTECTED.", err=True,
                    fg="red", bold=True)
    limits = Limits()
    if cell_timeout:
        limits = dataclasses.replace(limits, cell_timeout=cell_timeout)
    if notebook_timeout:
        limits = dataclasses.replace(limits, notebook_timeout=notebook_timeout)
    options = GradingOptions(limits=limits, workers=workers, unsafe_no_sandbox=unsafe_no_sandbox)
    results = autograde_many(source, list(submissions), options=options)
    for result in results:
        if feedback_dir and result.feedback_html:
            feedback_dir.mkdir(parents=True, exist_ok=True)
            name = Path(result.submission).stem + ".html"
            (feedback_dir / name).write_text(result.feedback_html, encoding="utf-8")
        if as_json:
            click.echo(json.dumps(result.to_json(), sort_keys=True))
        else:
            score = "-" if result.score is None else f"{result.score:g}"
            detail = result.reason or ", ".join(result.flags)
            click.echo(f"{result.submission}: {result.status.value} {score}/"
                       f"{result.max_score:g} {detail}".rstrip())
