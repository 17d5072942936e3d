"""Importing a cohort from CSV: every bad row reported by line, nothing half-imported."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from grader.service.cohort_import import CohortImportError, import_cohort
from grader.service.models import Cohort, User

pytestmark = pytest.mark.django_db

GOOD = """name,email,role
Dana Scully,Dana.Scully@camden.example,learner
Fox Mulder,fox.mulder@camden.example,learner
Walter Skinner,walter.skinner@camden.example,manager
"""


def test_good_file_imports_everyone(catalogue) -> None:  # noqa: ANN001
    report = import_cohort(GOOD, cohort_name="Spring 2027", tracks=("apprentice-data",))
    cohort = Cohort.objects.get(slug="spring-2027")
    assert report.added == 3 and report.created == 3
    assert sorted(u.email for u in cohort.learners.all()) == [
        "dana.scully@camden.example", "fox.mulder@camden.example"]
    assert [u.email for u in cohort.managers.all()] == ["walter.skinner@camden.example"]
    assert list(cohort.tracks.values_list("id", flat=True)) == ["apprentice-data"]
    dana = User.objects.get(email="dana.scully@camden.example")
    assert dana.first_name == "Dana" and not dana.has_usable_password()
    # Importing again changes nothing and creates no one.
    assert import_cohort(GOOD, cohort_name="Spring 2027").created == 0


def test_every_bad_row_is_reported_and_nothing_is_imported(catalogue) -> None:  # noqa: ANN001
    bad = GOOD + (
        ",nobody@camden.example,learner\n"
        "Eve,not-an-email,learner\n"
        "Frank,frank@camden.example,boss\n"
        "Dana Again,dana.scully@camden.example,learner\n"
    )
    with pytest.raises(CohortImportError) as info:
        import_cohort(bad, cohort_name="Spring 2027", source="spring.csv")
    assert info.value.problems == (
        "line 5: the name is empty",
        "line 6: 'not-an-email' is not an email address",
        "line 7: the role 'boss' is not one of learner, tutor, manager, admin",
        "line 8: dana.scully@camden.example is already on line 2 as learner",
    )
    assert str(info.value).startswith("spring.csv: nothing was imported because of 4 problem(s)")
    assert not Cohort.objects.exists() and not User.objects.exists()


def test_tutors_are_imported_and_a_manager_may_also_tutor(catalogue) -> None:  # noqa: ANN001
    text = GOOD + (
        "Tess Tutor,tess.tutor@camden.example,tutor\n"
        "Walter Skinner,walter.skinner@camden.example,tutor\n"
    )
    report = import_cohort(text, cohort_name="Spring 2027", tracks=("apprentice-data",))
    cohort = Cohort.objects.get(slug="spring-2027")
    assert report.added == 5 and report.created == 4
    assert sorted(u.email for u in cohort.tutors.all()) == [
        "tess.tutor@camden.example", "walter.skinner@camden.example"]
    assert [u.email for u in cohort.managers.all()] == ["walter.skinner@camden.example"]
    # Being a tutor is membership of the cohort, not an account role.
    assert User.objects.get(email="tess.tutor@camden.example").role == "learner"
    assert User.objects.get(email="walter.skinner@camden.example").role == "manager"


def test_a_learner_cannot_also_tutor_the_cohort(catalogue) -> None:  # noqa: ANN001
    text = GOOD + "Dana Scully,dana.scully@camden.example,tutor\n"
    with pytest.raises(CohortImportError) as info:
        import_cohort(text, cohort_name="Spring 2027")
    assert info.value.problems == (
        "line 5: dana.scully@camden.example is already on line 2 as learner; a learner "
        "cannot also tutor or manage the same cohort",)
    assert not Cohort.objects.exists()


def test_missing_columns_are_named() -> None:
    with pytest.raises(CohortImportError, match="missing role"):
        import_cohort("name,email\nA,a@camden.example\n", cohort_name="X")


def test_unknown_track_stops_the_import(catalogue) -> None:  # noqa: ANN001
    with pytest.raises(CohortImportError, match="no track called 'nope'"):
        import_cohort(GOOD, cohort_name="X", tracks=("nope",))
    assert not User.objects.exists()


def test_command_reports_problems_as_a_command_error(catalogue, tmp_path) -> None:  # noqa: ANN001
    path = tmp_path / "cohort.csv"
    path.write_text("name,email,role\nEve,bad,learner\n")
    with pytest.raises(CommandError, match="line 2: 'bad' is not an email address"):
        call_command("import_cohort", str(path), "--cohort", "X")
    path.write_text(GOOD)
    call_command("import_cohort", str(path), "--cohort", "X", "--track", "apprentice-data")
    assert Cohort.objects.get(slug="x").learners.count() == 2
