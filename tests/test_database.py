"""The Camden SQLite database (grader.content.database): made from the CSV files, with keys
that hold, the same bytes every time, and rebuilt only when an input changes."""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
from pathlib import Path

import pandas as pd
import pytest

from grader.content import database as db

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """A repository root holding copies of the source CSVs (tests may change them)."""
    data = tmp_path / db.DATA_DIR
    data.mkdir(parents=True)
    for name in db.source_files():
        shutil.copyfile(REPO / db.DATA_DIR / name, data / name)
    return tmp_path


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_tables_keys_and_rows(root: Path) -> None:
    path = db.build_database(root)
    with sqlite3.connect(path) as con:
        tables = [r[0] for r in con.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY rowid")]
        assert tables == [t.name for t in db.TABLES]
        assert con.execute("PRAGMA foreign_key_check").fetchall() == []
        counts = {t: con.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in tables}
        fks = {t: {r[2] for r in con.execute(f"PRAGMA foreign_key_list({t})")} for t in tables}
    csv = {n: pd.read_csv(root / db.DATA_DIR / n, dtype=str) for n in db.source_files()}
    assert counts["wards"] == csv["lsoa_ward_lookup.csv"]["WD22CD"].nunique()
    assert counts["areas"] == len(csv["imd2025_lsoa.csv"])
    assert counts["pcns"] == len(csv["parking_pcns.csv"].drop_duplicates())
    assert counts["pcns"] < len(csv["parking_pcns.csv"]), "the data has repeated notices"
    assert counts["school_fsm"] == len(csv["school_fsm.csv"])
    assert counts["schools"] == csv["school_fsm.csv"]["URN"].nunique()
    assert fks == {"wards": set(), "areas": {"wards"}, "schools": {"wards"},
                   "school_fsm": {"schools"}, "contraventions": set(),
                   "pcns": {"wards", "contraventions"}}


def test_quirks_are_fixed_on_the_way_in(root: Path) -> None:
    with sqlite3.connect(db.build_database(root)) as con:
        codes = {r[0] for r in con.execute("SELECT code FROM contraventions")}
        holborn = con.execute(
            "SELECT COUNT(*) FROM schools JOIN wards USING (ward_code) "
            "WHERE ward_name = 'Holborn & Covent Garden'").fetchone()[0]
        no_ward = con.execute("SELECT COUNT(*) FROM pcns WHERE ward_code IS NULL").fetchone()[0]
    assert "01" in codes and "1" not in codes, "a code that lost its zero gets it back"
    assert holborn > 0, "'Holborn and Covent Garden' in the schools file is matched to its ward"
    assert no_ward > 0, "notices with no location keep a NULL ward (for LEFT JOIN lessons)"


def test_same_bytes_every_time_and_rebuilt_only_on_change(root: Path) -> None:
    path = db.build_database(root)
    assert path.stat().st_mode & 0o777 == 0o644, "the grading sandbox's user must read it"
    first = sha(path)
    built_at = path.stat().st_mtime_ns
    assert db.build_database(root).stat().st_mtime_ns == built_at, "up to date: not rebuilt"
    assert sha(db.build_database(root, force=True)) == first
    imd = root / db.DATA_DIR / "imd2025_lsoa.csv"
    imd.write_text(imd.read_text().replace("Camden 001A", "Camden 001Z"))
    assert sha(db.build_database(root)) != first, "an input changed: rebuilt"


def test_a_broken_key_names_the_table_and_files(root: Path) -> None:
    fsm = root / db.DATA_DIR / "school_fsm.csv"
    fsm.write_text(fsm.read_text().replace("West Hampstead", "Nowhere Ward"))
    with pytest.raises(db.DatabaseError, match=r"school_fsm.csv: ward 'Nowhere Ward' is not in"):
        db.build_database(root)
    assert not db.database_path(root).exists(), "no half-built database is left behind"


def test_missing_csv_and_no_data_folder(root: Path, tmp_path: Path) -> None:
    (root / db.DATA_DIR / "parking_pcns.csv").unlink()
    with pytest.raises(db.DatabaseError, match=r"datasets/data/parking_pcns.csv: missing"):
        db.build_database(root)
    assert db.prepare_database(tmp_path / "no-data") is None
