"""Starting the web server without root: a user of its own, and a view of the file system in
which it can reach the Python installation it runs on.

`grader serve` started as root starts the web server as `ACADEMY_WEB_USER` with no
supplementary groups and no capabilities. Python may be installed where that user cannot
enter (pyenv under root's 0700 home, as on the build machines); then the web server gets a
mount namespace of its own in which each such directory is replaced by an empty read-only
directory holding only the entries it needs (bind-mounted from the real ones), so it can run
Python there without seeing anything else of the directory.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import stat
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

CLONE_NEWNS = 0x00020000
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_REMOUNT, MS_BIND, MS_REC = 1, 2, 4, 32, 4096, 16384
MS_PRIVATE = 1 << 18
_LIBC = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)


@dataclass(frozen=True)
class Account:
    uid: int
    gid: int
    name: str
    home: str


def _check(result: int, what: str) -> None:
    if result != 0:
        errno = ctypes.get_errno()
        raise OSError(errno, f"{what}: {os.strerror(errno)}")


def _mount(source: str | None, target: str, fstype: str | None, flags: int,
           data: str | None = None) -> None:
    def b(text: str | None) -> bytes | None:
        return text.encode() if text is not None else None

    _check(_LIBC.mount(b(source), b(target), b(fstype), ctypes.c_ulong(flags), b(data)),
           f"mount {target}")


def can_enter(path: Path, account: Account) -> bool:
    """Whether `account` may search (traverse) the directory `path`."""
    info = path.stat()
    if info.st_uid == account.uid:
        return bool(info.st_mode & stat.S_IXUSR)
    if info.st_gid == account.gid:
        return bool(info.st_mode & stat.S_IXGRP)
    return bool(info.st_mode & stat.S_IXOTH)


def closed_directories(paths: Iterable[Path], account: Account) -> dict[Path, set[str]]:
    """Directories on the way to `paths` that `account` cannot enter, each with the names of
    its entries that lead to one of `paths`."""
    closed: dict[Path, set[str]] = {}
    for path in paths:
        path = Path(os.path.realpath(path))
        for parent, child in zip(path.parents, [path, *path.parents], strict=False):
            if parent != child and not can_enter(parent, account):
                closed.setdefault(parent, set()).add(child.name)
    return closed


def needed_paths(extra: Iterable[Path]) -> list[Path]:
    """What the web server reads: the interpreter, its library, every import path, `extra`."""
    found = [Path(sys.executable), Path(sys.base_prefix), Path(sys.prefix), *map(Path, extra)]
    found += [Path(p) for p in sys.path if p]
    return [p for p in found if p.exists()]


def open_up(closed: dict[Path, set[str]]) -> None:
    """In a new mount namespace, replace each closed directory by a read-only one holding only
    the needed entries. Outer directories first: an inner one is reached through them."""
    _check(_LIBC.unshare(CLONE_NEWNS), "unshare(CLONE_NEWNS)")
    _mount(None, "/", None, MS_REC | MS_PRIVATE)
    for directory in sorted(closed, key=lambda p: len(p.parts)):
        kept = {name: os.open(directory / name, os.O_PATH) for name in sorted(closed[directory])}
        _mount("tmpfs", str(directory), "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755,size=64k")
        for name, fd in kept.items():
            target = directory / name
            if stat.S_ISDIR(os.fstat(fd).st_mode):
                target.mkdir()
            else:
                target.touch()
            _mount(f"/proc/self/fd/{fd}", str(target), None, MS_BIND | MS_REC)
            os.close(fd)
        _mount(None, str(directory), None, MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV)


def become(account: Account) -> None:
    """Drop root for good: no supplementary groups, then the group, then the user."""
    os.setgroups([])
    os.setresgid(account.gid, account.gid, account.gid)
    os.setresuid(account.uid, account.uid, account.uid)
    if os.getuid() == 0 or os.geteuid() == 0:
        raise OSError("still root after setresuid")


def preexec_for(account: Account, extra: Iterable[Path]) -> Callable[[], None]:
    """What the child runs before exec: opens the file system if needed, then drops root.
    Worked out in the parent: the child should only make system calls."""
    closed = closed_directories(needed_paths(extra), account)

    def preexec() -> None:
        if closed:
            open_up(closed)
        become(account)

    return preexec
