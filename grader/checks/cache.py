"""Remembering which exercises already passed grading, so a rebuild does not grade them again.

Grading an exercise twice (instructor and student version) takes seconds per exercise. A pass
is recorded as an empty file named by a hash of everything that could change the outcome:
the exercise folder's files (symlinks followed), the grader's own code and the versions of the
packages the kernel and nbgrader bring. Only passes are recorded; a failing exercise is graded
again every time.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import platform
from importlib import metadata
from pathlib import Path

log = logging.getLogger(__name__)

PACKAGE_DIR = Path(__file__).resolve().parents[1]
CODE_FILES = ("autograde/**/*.py", "checks/*.py", "release/*.py", "content/notebook.py")
"""Globs under grader/ whose code decides a grading outcome."""
PACKAGES = ("nbgrader", "nbclient", "ipykernel", "pandas", "numpy")
SUBDIR = "check"


@functools.cache
def code_fingerprint() -> str:
    """Hash of the grading code and package versions (fixed for the life of the process)."""
    digest = hashlib.sha256(platform.python_version().encode())
    for pattern in CODE_FILES:
        for path in sorted(PACKAGE_DIR.glob(pattern)):
            digest.update(path.relative_to(PACKAGE_DIR).as_posix().encode() + b"\0")
            digest.update(path.read_bytes())
    for name in PACKAGES:
        try:
            version = metadata.version(name)
        except metadata.PackageNotFoundError:
            version = "absent"
        digest.update(f"{name}=={version}\0".encode())
    return digest.hexdigest()


def exercise_key(notebook: Path) -> str:
    """Hash of the grading code and every file in the notebook's folder."""
    digest = hashlib.sha256(code_fingerprint().encode())
    digest.update(notebook.name.encode() + b"\0")
    folder = notebook.parent
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            digest.update(path.relative_to(folder).as_posix().encode() + b"\0")
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def has_passed(cache_dir: Path, key: str) -> bool:
    return (cache_dir / SUBDIR / key).is_file()


def record_pass(cache_dir: Path, key: str) -> None:
    folder = cache_dir / SUBDIR
    folder.mkdir(parents=True, exist_ok=True)
    (folder / key).touch()
