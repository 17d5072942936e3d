"""Options and fixtures shared by the whole test suite. Keep it small: put fixtures for one
area in that area's own conftest (tests/site/conftest.py, ...)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

GOLDEN_DIR = Path(__file__).resolve().parent / "golden"
REPO = Path(__file__).resolve().parents[1]


def pytest_configure(config: pytest.Config) -> None:
    """The Camden SQLite database exists before any test reads the catalogue, as after
    `grader build` (exercise folders link to it; it is not kept in git)."""
    from grader.content.database import prepare_database

    prepare_database(REPO)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        default=False,
        help="Rewrite the golden files in tests/golden/ from the current output (review the diff).",
    )


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    """True when the run was started with --update-golden."""
    return bool(request.config.getoption("--update-golden"))


@pytest.fixture
def golden(update_golden: bool) -> Callable[[str, str], None]:
    """`golden(name, text)`: compare `text` with tests/golden/<name>, or rewrite the file.

    Normalise volatile fields before calling it; the comparison is exact.
    """

    def check(name: str, text: str) -> None:
        path = GOLDEN_DIR / name
        if update_golden:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            return
        assert path.is_file(), f"{path} is missing: run `pytest --update-golden` to create it"
        expected = path.read_text(encoding="utf-8")
        assert text == expected, (
            f"output differs from {path}; if the change is intended, run "
            "`pytest --update-golden` and review the diff"
        )

    return check
