"""Plain `nbgrader autograde` in a throwaway course folder: the reference our scores must
equal, used by the tests and the benchmark (never to grade learners: it is not sandboxed)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ASSIGNMENT = "ps1"
CONFIG = """c = get_config()
c.CourseDirectory.course_id = "reference"
c.CourseDirectory.db_assignments = [dict(name="{assignment}")]
c.CourseDirectory.db_students = [{students}]
"""


def _nbgrader(course: Path, *args: str) -> None:
    env = {**os.environ, "PATH": f"{Path(sys.prefix) / 'bin'}:{os.environ.get('PATH', '')}"}
    subprocess.run([str(Path(sys.prefix) / "bin" / "nbgrader"), *args], cwd=course, env=env,
                   check=True, capture_output=True)


def prepare_course(source: Path, students: list[str]) -> Path:
    """A course folder with `source` released and room for each student's submission."""
    course = Path(tempfile.mkdtemp(prefix="nbgrader-reference-"))
    folder = course / "source" / ASSIGNMENT
    shutil.copytree(source.parent, folder)
    (course / "nbgrader_config.py").write_text(CONFIG.format(
        assignment=ASSIGNMENT, students=", ".join(f'dict(id="{s}")' for s in students)))
    _nbgrader(course, "generate_assignment", ASSIGNMENT, "--force")
    return course


def autograde_plain(source: Path, submissions: dict[str, Path], course: Path | None = None
                    ) -> dict[str, float]:
    """Scores (student id -> total) from one `nbgrader autograde` call over all submissions."""
    from nbgrader.api import Gradebook

    course = course or prepare_course(source, list(submissions))
    for student, path in submissions.items():
        target = course / "submitted" / student / ASSIGNMENT
        target.mkdir(parents=True, exist_ok=True)
        shutil.copy(path, target / source.name)
        for data in source.parent.iterdir():
            if data.is_file() and data.suffix != ".ipynb":
                shutil.copy(data, target / data.name)
    _nbgrader(course, "autograde", ASSIGNMENT, "--force")
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        return {student: gradebook.find_submission(ASSIGNMENT, student).score
                for student in submissions}
