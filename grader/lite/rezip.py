"""Zip an unpacked archive again, deterministically, with the files added to it listed.

Used by `grader.lite.precompile` after the pycs are written beside the sources: the same tree
gives the same bytes (sorted names, one timestamp), so the Pyodide folder's files, and the
sha256 its lock gives them, depend on their inputs only.
"""

from __future__ import annotations

import base64
import csv
import hashlib
import io
import stat
import zipfile
from pathlib import Path

#: The one timestamp of every entry of the zips written here (the earliest zip allows).
ZIP_DATE = (1980, 1, 1, 0, 0, 0)
NEW_FILE_MODE = (stat.S_IFREG | 0o644) << 16
ZIP_LEVEL = 9


def record_hash(data: bytes) -> str:
    """A RECORD hash (PEP 376/427): urlsafe base64 of the sha256, without padding."""
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=")
    return f"sha256={digest.decode()}"


def rewrite_record(text: str, tree: Path, *, added: list[str], changed: set[str]) -> str:
    """RECORD with the `added` pycs listed (no hash, no size) and the `changed` files'
    hash and size taken again from `tree`; its own row stays last."""
    rows = [row for row in csv.reader(io.StringIO(text)) if row]
    own = [row for row in rows if row[0].endswith(".dist-info/RECORD")]
    listed = {row[0] for row in rows}
    kept = []
    for row in rows:
        if row in own:
            continue
        if row[0] in changed:
            data = (tree / row[0]).read_bytes()
            row = [row[0], record_hash(data), str(len(data))]
        kept.append(row)
    kept += [[name, "", ""] for name in sorted(added) if name not in listed]
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(kept + own)
    return out.getvalue()


def write_zip(original: Path, tree: Path, target: Path) -> None:
    """Zip `tree` (the unpacked `original` plus new files) into `target`: entries sorted,
    every timestamp ZIP_DATE, modes of the original's entries kept, directory entries only
    where the original had them. The same tree gives the same bytes."""
    with zipfile.ZipFile(original) as archive:
        modes = {info.filename: info.external_attr for info in archive.infolist()}
    names = set(modes) | {
        path.relative_to(tree).as_posix() for path in tree.rglob("*") if path.is_file()
    }
    with zipfile.ZipFile(target, "w") as out:
        for name in sorted(names):
            info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
            info.create_system = 3  # Unix, whatever the build host
            info.external_attr = modes.get(name, NEW_FILE_MODE)
            if name.endswith("/"):
                out.writestr(info, b"")
            else:
                info.compress_type = zipfile.ZIP_DEFLATED
                out.writestr(info, (tree / name).read_bytes(), compresslevel=ZIP_LEVEL)


def repack(original: Path, tree: Path, into: Path, *, changed: set[str]) -> None:
    """List the new pycs (and `changed` files) in a wheel's RECORD, then zip `tree` (the
    unpacked `original`) into the folder `into`."""
    with zipfile.ZipFile(original) as archive:
        members = set(archive.namelist())
    records = [n for n in members if n.count("/") == 1 and n.endswith(".dist-info/RECORD")]
    if records:
        added = [
            path.relative_to(tree).as_posix()
            for path in tree.rglob("*.pyc")
            if path.relative_to(tree).as_posix() not in members
        ]
        record = tree / records[0]
        record.write_text(
            rewrite_record(record.read_text("utf-8"), tree, added=added, changed=changed),
            encoding="utf-8",
        )
    write_zip(original, tree, into / original.name)
