"""Fixtures for the autograder tests."""

from __future__ import annotations

import os
import sys
from pathlib import Path

# nbgrader runs `alembic` by name.
os.environ["PATH"] = f"{Path(sys.prefix) / 'bin'}:{os.environ.get('PATH', '')}"
