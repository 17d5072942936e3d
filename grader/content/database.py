"""The Camden SQLite database: the practice data sets as related tables with keys.

The SQL lessons and exercises of the Data analyst track query `camden.sqlite`. It is not
kept in git: `build_database(root)` makes it from the CSV files in `datasets/data/` whenever
they (or this schema) change, at site-build time (`grader build`), before `grader check` and
before the tests. Exercise folders link to it like any other data set
(`exercises/<id>/camden.sqlite -> ../../datasets/built/camden.sqlite`), so the learner gets
the same file in the browser (JupyterLite) and the autograder gets it beside the notebook.

The tables are `TABLES`, in the order they are filled: a table comes after every table its
foreign keys point to, so SQLite can check each key as the rows go in. The build fixes two
things on the way in, as a database design would: exact repeats of a parking notice are
stored once (a primary key identifies each notice), and the schools file's ward names that
say "and" where the ward lookup says "&" are matched to their ward code.
"""

from __future__ import annotations

import hashlib
import logging
import os
import sqlite3
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

log = logging.getLogger(__name__)

DATA_DIR = "datasets/data"
"""The CSV files the database is made from, relative to the repository root."""
BUILT_DIR = "datasets/built"
"""Where the database is written (ignored by git), relative to the repository root."""
DATABASE_NAME = "camden.sqlite"
DATABASE_MODE = 0o644
"""Readable by everyone, like the CSV files: the autograder reads it as another user."""
INPUTS_SUFFIX = ".inputs"
"""Beside the database: the sha256 of everything it was made from, to know when to rebuild."""


class DatabaseError(Exception):
    """The database could not be built; the message names the file and the problem."""


@dataclass(frozen=True)
class Table:
    """One table: how SQLite defines it and how its rows are made from the CSV files."""

    name: str
    ddl: str
    """`CREATE TABLE` statement, with the primary and foreign keys."""
    sources: tuple[str, ...]
    """CSV files in datasets/data/ that the rows come from."""
    rows: Callable[[dict[str, pd.DataFrame]], pd.DataFrame]
    """Makes the rows from the CSVs (by file name); columns in the order of `ddl`."""


def _read(data_dir: Path, name: str) -> pd.DataFrame:
    import pandas as pd

    path = data_dir / name
    try:
        return pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""])
    except (OSError, ValueError) as exc:
        raise DatabaseError(f"{DATA_DIR}/{name}: cannot read it to build {DATABASE_NAME}: "
                            f"{exc}") from exc


def _ward_codes(csvs: dict[str, pd.DataFrame]) -> dict[str, str]:
    lookup = csvs["lsoa_ward_lookup.csv"]
    return dict(zip(lookup["WD22NM"], lookup["WD22CD"], strict=True))


def _wards(csvs: dict[str, pd.DataFrame]) -> pd.DataFrame:
    lookup = csvs["lsoa_ward_lookup.csv"]
    wards = lookup[["WD22CD", "WD22NM"]].drop_duplicates().sort_values("WD22CD")
    return wards.set_axis(["ward_code", "ward_name"], axis=1)


def _areas(csvs: dict[str, pd.DataFrame]) -> pd.DataFrame:
    imd = csvs["imd2025_lsoa.csv"]
    lookup = csvs["lsoa_ward_lookup.csv"][["LSOA21CD", "WD22CD"]]
    areas = imd.merge(lookup, left_on="LSOA code (2021)", right_on="LSOA21CD",
                      how="inner", validate="one_to_one")
    imd_decile = ("Index of Multiple Deprivation (IMD) Decile "
                  "(where 1 is most deprived 10% of LSOAs)")
    out = areas[["LSOA code (2021)", "LSOA name (2021)", "WD22CD",
                 "Index of Multiple Deprivation (IMD) Score", imd_decile, "Income Score (rate)"]]
    out = out.set_axis(["lsoa_code", "lsoa_name", "ward_code", "imd_score", "imd_decile",
                        "income_score"], axis=1)
    return out.sort_values("lsoa_code")


def _school_ward(name: str, codes: dict[str, str]) -> str:
    code = codes.get(name) or codes.get(name.replace(" and ", " & "))
    if code is None:
        raise DatabaseError(f"{DATA_DIR}/school_fsm.csv: ward '{name}' is not in "
                            f"{DATA_DIR}/lsoa_ward_lookup.csv")
    return code


def _schools(csvs: dict[str, pd.DataFrame]) -> pd.DataFrame:
    codes = _ward_codes(csvs)
    fsm = csvs["school_fsm.csv"]
    latest = fsm.sort_values("time_period").drop_duplicates("URN", keep="last")
    out = latest[["URN", "ward_name", "phase_type_grouping"]].copy()
    out["ward_name"] = out["ward_name"].map(lambda n: _school_ward(n, codes))
    out = out.set_axis(["urn", "ward_code", "phase"], axis=1)
    out["urn"] = out["urn"].astype(int)
    return out.sort_values("urn")


def _school_fsm(csvs: dict[str, pd.DataFrame]) -> pd.DataFrame:
    fsm = csvs["school_fsm.csv"]
    out = fsm[["URN", "time_period", "headcount of pupils",
               "number of pupils known to be eligible for free school meals"]]
    out = out.set_axis(["urn", "time_period", "pupils", "fsm_pupils"], axis=1).astype(int)
    return out.sort_values(["urn", "time_period"])


def _code(value: str) -> str:
    """A contravention code as printed on the notice: a lone digit lost its zero ('1' -> '01')."""
    return value.zfill(2) if value.isdigit() else value


def _pcns(csvs: dict[str, pd.DataFrame]) -> pd.DataFrame:
    pcns = csvs["parking_pcns.csv"].drop_duplicates()
    out = pcns[["Contravention Date", "Ticket Type", "Contravention Code", "Street",
                "Vehicle Category", "Status Of Case", "Cancelled", "Ward Code"]].copy()
    out["Contravention Code"] = out["Contravention Code"].map(_code)
    out = out.set_axis(["issued_at", "ticket_type", "contravention_code", "street",
                        "vehicle_category", "status", "cancelled", "ward_code"], axis=1)
    out = out.sort_values(["issued_at", "street", "contravention_code"], kind="stable")
    out.insert(0, "pcn_id", range(1, len(out) + 1))
    return out


def _contraventions(csvs: dict[str, pd.DataFrame]) -> pd.DataFrame:
    pcns = csvs["parking_pcns.csv"].sort_values("Contravention Date", kind="stable")
    pairs = pcns[["Contravention Code", "Ticket Description"]].copy()
    pairs["Contravention Code"] = pairs["Contravention Code"].map(_code)
    # A code whose wording changed keeps its latest wording.
    latest = pairs.drop_duplicates("Contravention Code", keep="last")
    out = latest.set_axis(["code", "description"], axis=1)
    return out.sort_values("code")


# Order matters: each table comes after the tables its foreign keys point to, so that SQLite
# checks every key as the rows go in (PRAGMA foreign_keys is on while building).
TABLES: tuple[Table, ...] = (
    Table("wards", """CREATE TABLE wards (
    ward_code TEXT PRIMARY KEY,
    ward_name TEXT NOT NULL UNIQUE
)""", ("lsoa_ward_lookup.csv",), _wards),
    Table("areas", """CREATE TABLE areas (
    lsoa_code TEXT PRIMARY KEY,
    lsoa_name TEXT NOT NULL,
    ward_code TEXT NOT NULL REFERENCES wards (ward_code),
    imd_score REAL NOT NULL,
    imd_decile INTEGER NOT NULL,
    income_score REAL NOT NULL
)""", ("imd2025_lsoa.csv", "lsoa_ward_lookup.csv"), _areas),
    Table("schools", """CREATE TABLE schools (
    urn INTEGER PRIMARY KEY,
    ward_code TEXT NOT NULL REFERENCES wards (ward_code),
    phase TEXT NOT NULL
)""", ("school_fsm.csv", "lsoa_ward_lookup.csv"), _schools),
    Table("school_fsm", """CREATE TABLE school_fsm (
    urn INTEGER NOT NULL REFERENCES schools (urn),
    time_period INTEGER NOT NULL,
    pupils INTEGER NOT NULL,
    fsm_pupils INTEGER NOT NULL,
    PRIMARY KEY (urn, time_period)
)""", ("school_fsm.csv",), _school_fsm),
    Table("contraventions", """CREATE TABLE contraventions (
    code TEXT PRIMARY KEY,
    description TEXT NOT NULL
)""", ("parking_pcns.csv",), _contraventions),
    Table("pcns", """CREATE TABLE pcns (
    pcn_id INTEGER PRIMARY KEY,
    issued_at TEXT NOT NULL,
    ticket_type TEXT NOT NULL,
    contravention_code TEXT NOT NULL REFERENCES contraventions (code),
    street TEXT NOT NULL,
    vehicle_category TEXT,
    status TEXT NOT NULL,
    cancelled TEXT NOT NULL CHECK (cancelled IN ('Y', 'N')),
    ward_code TEXT REFERENCES wards (ward_code)
)""", ("parking_pcns.csv",), _pcns),
)


def source_files() -> tuple[str, ...]:
    """Every CSV file in datasets/data/ that some table is made from, sorted."""
    return tuple(sorted({name for table in TABLES for name in table.sources}))


def inputs_digest(root: Path) -> str:
    """sha256 over the source CSVs and this module: it changes when the database must."""
    digest = hashlib.sha256(Path(__file__).read_bytes())
    for name in source_files():
        path = Path(root) / DATA_DIR / name
        if not path.is_file():
            raise DatabaseError(f"{DATA_DIR}/{name}: missing, and {DATABASE_NAME} is made "
                                "from it (run datasets/generate.py)")
        digest.update(name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def database_path(root: Path) -> Path:
    return Path(root) / BUILT_DIR / DATABASE_NAME


def _fill(connection: sqlite3.Connection, csvs: dict[str, pd.DataFrame]) -> None:
    connection.execute("PRAGMA foreign_keys = ON")
    for table in TABLES:
        connection.execute(table.ddl)
        frame = table.rows(csvs)
        marks = ", ".join("?" * frame.shape[1])
        rows = [tuple(None if v != v else v for v in row)  # NaN -> NULL
                for row in frame.itertuples(index=False, name=None)]
        try:
            connection.executemany(f"INSERT INTO {table.name} VALUES ({marks})", rows)
        except sqlite3.Error as exc:
            raise DatabaseError(f"{BUILT_DIR}/{DATABASE_NAME}: table {table.name} could not "
                                f"take the rows made from {', '.join(table.sources)}: "
                                f"{exc}") from exc
    connection.commit()


def prepare_database(root: Path) -> Path | None:
    """Build the database for a repository that has the practice data sets; None without them.

    What `grader build`, `grader check` and the tests call first: a catalogue without
    datasets/data/ (such as a test fixture) needs no database.
    """
    if not (Path(root) / DATA_DIR).is_dir():
        return None
    return build_database(root)


def build_database(root: Path, *, force: bool = False) -> Path:
    """Make datasets/built/camden.sqlite from datasets/data/ unless it is up to date.

    The same CSV files always give the same bytes. Returns the path of the database.
    """
    root = Path(root).resolve()
    path = database_path(root)
    marker = path.with_name(path.name + INPUTS_SUFFIX)
    digest = inputs_digest(root)
    if not force and path.is_file() and marker.is_file() and marker.read_text() == digest:
        if path.stat().st_mode & 0o777 != DATABASE_MODE:
            path.chmod(DATABASE_MODE)
        return path
    csvs = {name: _read(root / DATA_DIR, name) for name in source_files()}
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    os.close(fd)
    try:
        connection = sqlite3.connect(tmp)
        try:
            _fill(connection, csvs)
            connection.execute("VACUUM")
        finally:
            connection.close()
        os.chmod(tmp, DATABASE_MODE)  # mkstemp makes it private; the sandbox user reads it
        os.replace(tmp, path)  # readers never see a half-built file
    finally:
        Path(tmp).unlink(missing_ok=True)
    marker.write_text(digest)
    log.info("built %s", path)
    return path
