"""The kernel zygote: a process that has imported ipykernel and pandas once, and forks a fresh
kernel for each submission, each child sandboxing itself before any learner code runs.

This file runs as its own program (`forking.py` starts `python -I -B` on it, with the modules
to import as arguments), not as part of the `grader` package: the zygote's memory is copied
into every learner's kernel, so it imports nothing of the grader, holds no secret (it is
started with a clean environment and only ever receives paths and limits) and never runs
learner code itself.

Protocol, one JSON object per line: the grader writes a request on stdin, the zygote forks
and answers `{"pid": N}` (or `{"error": "..."}`) on stdout. It exits when stdin closes, and
its children are killed when it exits (the parent-death signal).

For a sandboxed request, each learner gets two processes:

- the *holder* (the zygote's child, still root, outside the new PID namespace): joins the
  sandbox's cgroups (none in the fallback without cgroups), unshares new mount, PID,
  network, IPC, UTS and cgroup namespaces, forks the kernel and waits for it; the grader
  watches and kills the holder;
- the namespace's *init* (PID 1): builds an empty root on tmpfs with read-only binds and
  private scratch space, pivots into it, drops every open file, sets rlimits, drops
  capabilities and becomes the sandbox's uid with no new privileges, loads the seccomp
  filter, then forks the kernel and reaps orphans until the kernel ends;
- the *kernel* (PID 2) starts a new IPython kernel application: its own ZeroMQ sockets,
  threads, shell, history and namespace. Nothing of one learner is shared with another.

Errors during set-up are written to stderr (the grader logs them) and end the child before
any learner code runs; the grader then sees a kernel that died before it was ready.
"""

import ctypes
import json
import os
import platform
import signal
import struct
import sys

LIBC = ctypes.CDLL(None, use_errno=True)
for _name in ("mount", "umount2", "unshare", "sethostname", "prctl", "syscall", "capset"):
    getattr(LIBC, _name).restype = ctypes.c_int

CLONE_NEWNS = 0x00020000
CLONE_NEWCGROUP = 0x02000000
CLONE_NEWUTS = 0x04000000
CLONE_NEWIPC = 0x08000000
CLONE_NEWPID = 0x20000000
CLONE_NEWNET = 0x40000000
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC = 1, 2, 4, 8
MS_REMOUNT, MS_BIND, MS_REC, MS_PRIVATE = 32, 4096, 16384, 1 << 18
MNT_DETACH = 2
PR_SET_PDEATHSIG, PR_SET_DUMPABLE, PR_CAPBSET_DROP, PR_SET_SECCOMP = 1, 4, 24, 22
PR_SET_NO_NEW_PRIVS = 38
SECCOMP_MODE_FILTER = 2
PIVOT_ROOT = {"x86_64": 155, "aarch64": 41}
LINUX_CAPABILITY_VERSION_3 = 0x20080522
DEVICES = ("null", "zero", "full", "random", "urandom")


class SetupError(Exception):
    """A step of the sandbox could not be made: the child stops before any learner code."""


def check(result, what):
    if result != 0:
        errno = ctypes.get_errno()
        raise SetupError(f"{what}: {os.strerror(errno)} (errno {errno})")


def b(text):
    return text.encode() if isinstance(text, str) else text


def mount(source, target, fstype, flags, data=None):
    check(LIBC.mount(b(source) if source else None, b(target), b(fstype) if fstype else None,
                     ctypes.c_ulong(flags), b(data) if data else None),
          f"mount {source or ''} on {target}")


def prctl(option, arg, what):
    check(LIBC.prctl(option, ctypes.c_ulong(arg), ctypes.c_ulong(0), ctypes.c_ulong(0),
                     ctypes.c_ulong(0)), what)


def die_with_parent(parent):
    """SIGKILL when the parent dies; `parent` None when it is outside our PID namespace (its
    pid is not visible here; the cgroup still catches an orphan)."""
    prctl(PR_SET_PDEATHSIG, signal.SIGKILL, "parent-death signal")
    if parent is not None and os.getppid() != parent:  # it died before the signal was armed
        os._exit(1)


# --- the new root -------------------------------------------------------------------------

def make_parents(root, path):
    """Create the ancestors of `path` under `root` with mode 0755 (readable by the learner)."""
    current = root
    for part in path.strip("/").split("/")[:-1]:
        current = os.path.join(current, part)
        if not os.path.isdir(current):
            os.mkdir(current)
            os.chmod(current, 0o755)


def mountpoint(root, source, target):
    """An empty file or directory at `target` (under `root`) for `source` to be bound on."""
    make_parents(root, target)
    place = root + target
    if os.path.isdir(source):
        os.makedirs(place, mode=0o755, exist_ok=True)
    elif not os.path.exists(place):
        with open(place, "w"):
            pass
    return place


def bind(root, source, target, readonly, device=False):
    place = mountpoint(root, source, target)
    mount(source, place, None, MS_BIND | MS_REC)
    flags = (MS_BIND | MS_REMOUNT | MS_NOSUID | (0 if device else MS_NODEV)
             | (MS_RDONLY if readonly else 0))
    mount(None, place, None, flags)


def tmpfs(root, target, size, mode):
    make_parents(root, target)
    place = root + target
    os.makedirs(place, mode=0o755, exist_ok=True)
    mount("tmpfs", place, "tmpfs", MS_NOSUID | MS_NODEV, f"size={size},mode={mode:o}")


def dev(root, target, size):
    """A minimal /dev: the harmless character devices, /dev/shm, and the fd links."""
    tmpfs(root, target, 65536, 0o755)
    for name in DEVICES:
        bind(root, "/dev/" + name, f"{target}/{name}", readonly=False, device=True)
    tmpfs(root, target + "/shm", size, 0o1777)
    for name, link in (("fd", "/proc/self/fd"), ("stdin", "/proc/self/fd/0"),
                       ("stdout", "/proc/self/fd/1"), ("stderr", "/proc/self/fd/2")):
        os.symlink(link, f"{root}{target}/{name}")
    mount(None, root + target, None, MS_REMOUNT | MS_NOSUID | MS_NODEV | MS_RDONLY,
          f"size=65536,mode={0o755:o}")


def build_root(root, plan):
    """Carry out the grader's mount plan on an empty tmpfs at `root`, then pivot into it."""
    mount(None, "/", None, MS_REC | MS_PRIVATE)
    mount("tmpfs", root, "tmpfs", MS_NOSUID | MS_NODEV, "size=1048576,mode=755")
    for step in plan:
        kind = step[0]
        if kind == "ro-bind":
            bind(root, step[1], step[2], readonly=True)
        elif kind == "bind":
            bind(root, step[1], step[2], readonly=False)
        elif kind == "tmpfs":
            tmpfs(root, step[1], step[2], step[3])
        elif kind == "symlink":
            make_parents(root, step[2])
            os.symlink(step[1], root + step[2])
        elif kind == "proc":
            os.makedirs(root + step[1], mode=0o755, exist_ok=True)
            mount("proc", root + step[1], "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC)
        elif kind == "dev":
            dev(root, step[1], step[2])
        else:
            raise SetupError(f"unknown mount step {kind!r}")
    number = PIVOT_ROOT.get(platform.machine())
    if number is None:
        raise SetupError(f"pivot_root: unknown on {platform.machine()}")
    os.chdir(root)
    os.mkdir(".old-root")
    check(LIBC.syscall(ctypes.c_long(number), b".", b".old-root"), "pivot_root")
    os.chdir("/")
    check(LIBC.umount2(b"/.old-root", MNT_DETACH), "unmount the old root")
    os.rmdir("/.old-root")
    mount(None, "/", None, MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV)


# --- privileges ---------------------------------------------------------------------------

def drop_privileges(uid, gid):
    """Empty the capability bounding set, become uid/gid with no groups and no capabilities
    (inheritable included), and forbid gaining privileges again (setuid files, file caps)."""
    cap = 0
    while LIBC.prctl(PR_CAPBSET_DROP, ctypes.c_ulong(cap), ctypes.c_ulong(0),
                     ctypes.c_ulong(0), ctypes.c_ulong(0)) == 0:
        cap += 1
    if cap < 32:
        raise SetupError(f"capability bounding set: only {cap} capabilities dropped")
    os.setgroups([])
    os.setresgid(gid, gid, gid)
    os.setresuid(uid, uid, uid)
    header = struct.pack("Ii", LINUX_CAPABILITY_VERSION_3, 0)
    check(LIBC.capset(ctypes.c_char_p(header), ctypes.c_char_p(bytes(24))), "capset")
    prctl(PR_SET_NO_NEW_PRIVS, 1, "no new privileges")
    # Changing uid made the process non-dumpable, which leaves /proc/self owned by root
    # (programs read /proc/self/fd, /proc/self/status...). An exec would reset it; there is
    # no exec here, and nothing privileged is left to protect.
    prctl(PR_SET_DUMPABLE, 1, "dumpable")
    if os.getuid() != uid or os.geteuid() != uid or os.getgid() != gid or os.getgroups():
        raise SetupError("the unprivileged user could not be taken")
    status = open("/proc/self/status").read()
    for line in status.splitlines():
        if line.startswith(("CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb")):
            if int(line.split()[1], 16) != 0:
                raise SetupError(f"capabilities left: {line}")


def load_seccomp(program):
    """Load a BPF program (an array of `struct sock_filter`, 8 bytes each)."""
    if len(program) % 8:
        raise SetupError("seccomp filter: not a BPF program")
    code = ctypes.create_string_buffer(program, len(program))
    fprog = ctypes.create_string_buffer(struct.pack("HxxxxxxQ", len(program) // 8,
                                                    ctypes.addressof(code)))
    check(LIBC.prctl(PR_SET_SECCOMP, ctypes.c_ulong(SECCOMP_MODE_FILTER),
                     ctypes.c_void_p(ctypes.addressof(fprog)), ctypes.c_ulong(0),
                     ctypes.c_ulong(0)), "seccomp filter")


def set_rlimits(rlimits):
    import resource

    for name, value in rlimits:
        number = getattr(resource, "RLIMIT_" + name)
        resource.setrlimit(number, (value, value))


def blank_fds(devnull):
    """stdin, stdout and stderr on /dev/null; every other descriptor closed."""
    fd = os.open(devnull, os.O_RDWR)
    for target in (0, 1, 2):
        os.dup2(fd, target)
    os.closerange(3, 65536)


# --- the kernel ---------------------------------------------------------------------------

def run_kernel(argv, env, cwd):
    """Start a new kernel application in this process (never returns)."""
    os.chdir(cwd)
    os.environ.clear()
    os.environ.update(env)
    import random

    random.seed()
    numpy = sys.modules.get("numpy")
    if numpy is not None:
        numpy.random.seed()
    sys.argv = ["ipykernel_launcher", *argv]
    status = 0
    try:
        from ipykernel import kernelapp

        kernelapp.launch_new_instance(argv=argv)
    except SystemExit as stop:
        status = stop.code if isinstance(stop.code, int) else 1
    except BaseException:  # noqa: BLE001 - nowhere to report: stderr is /dev/null now
        status = 1
    os._exit(status)


def kernel_child(request):
    """PID 1 of the new namespaces: sandbox this process, then fork the kernel."""
    sandbox = request["sandbox"]
    die_with_parent(None)
    program = bytes.fromhex(sandbox["seccomp"] or "")
    build_root(sandbox["root"], sandbox["plan"])
    check(LIBC.sethostname(b(sandbox["hostname"]), len(sandbox["hostname"])), "hostname")
    os.setsid()
    blank_fds("/dev/null")
    set_rlimits(sandbox["rlimits"])
    drop_privileges(sandbox["uid"], sandbox["gid"])
    if program:
        load_seccomp(program)
    # PID 1 of a namespace ignores signals from inside it, SIGKILL included: the kernel runs
    # as PID 2, so that a learner's `os.kill(os.getpid(), ...)` works.
    # This process stays as the namespace's init: it reaps orphans and ends with the kernel.
    kernel = os.fork()
    if kernel == 0:
        run_kernel(request["argv"], request["env"], request["cwd"])
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Python's handler would end this loop
    while True:
        try:
            pid, status = os.waitpid(-1, 0)
        except InterruptedError:
            continue
        except ChildProcessError:
            os._exit(0)
        if pid == kernel:
            os._exit(os.waitstatus_to_exitcode(status) & 0xFF)


def holder_child(request, zygote):
    """The zygote's child: join the cgroups, unshare namespaces, fork the kernel, wait."""
    sandbox = request["sandbox"]
    die_with_parent(zygote)
    pid = str(os.getpid())
    for path in sandbox["cgroups"]:
        with open(os.path.join(path, "cgroup.procs"), "w") as handle:
            handle.write(pid)
    check(LIBC.unshare(CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWIPC
                       | CLONE_NEWUTS | CLONE_NEWCGROUP), "unshare namespaces")
    kernel = os.fork()
    if kernel == 0:
        try:
            kernel_child(request)
        except BaseException as error:  # noqa: BLE001
            report(error)
            os._exit(71)
    blank_fds("/dev/null")
    while True:
        try:
            _, status = os.waitpid(kernel, 0)
        except InterruptedError:
            continue
        os._exit(os.waitstatus_to_exitcode(status) & 0xFF)


def unsandboxed_child(request, zygote):
    """Authoring only (`--unsafe-no-sandbox`): a fresh kernel, no protection at all."""
    die_with_parent(zygote)
    os.setsid()
    blank_fds(os.devnull)
    run_kernel(request["argv"], request["env"], request["cwd"])


def report(error):
    try:
        os.write(2, f"zygote child {os.getpid()}: {type(error).__name__}: {error}\n".encode())
    except OSError:
        pass


# --- the zygote ---------------------------------------------------------------------------

# What a kernel application imports as it starts, beyond the modules above: imported once
# here rather than in every kernel.
KERNEL_MODULES = (
    "ipykernel.ipkernel", "ipykernel.kernelapp", "ipykernel.zmqshell", "ipykernel.debugger",
    "IPython.core.completerlib", "IPython.core.debugger", "IPython.core.logger",
    "IPython.core.oinspect", "IPython.extensions.storemagic", "IPython.utils.wildcard",
    "sqlite3", "pdb", "code", "faulthandler", "resource", "tornado.gen", "tornado.locks",
    "tornado.platform.asyncio", "tornado.queues",
    # what IPython's first traceback imports (0.1 s, and every canary cell makes one)
    "stack_data", "executing", "pure_eval", "asttokens", "fractions", "pygments.console",
    "pygments.formatters.terminal256", "pygments.styles",
)


def preload(modules):
    # ipykernel imports the debugger if it can (~0.2 s); None makes that import fail.
    sys.modules["debugpy"] = None  # type: ignore[assignment]
    for name in KERNEL_MODULES + tuple(modules):
        __import__(name)
    # IPython's tracebacks ask `inspect.getmodule`, which resolves the file of every loaded
    # module once (0.13 s, in the first error of every kernel: each canary cell is one).
    # Its cache holds only module names and their files.
    import inspect

    inspect.getmodule(compile("pass", "<zygote>", "exec"))
    threads = os.listdir("/proc/self/task")
    if len(threads) != 1:  # a fork copies only the calling thread: refuse to go on
        raise RuntimeError(f"the zygote has {len(threads)} threads after its imports")


def serve(modules):
    preload(modules)
    # Everything imported so far is moved out of the garbage collector's reach: a child's
    # collections then do not touch (and so copy) the zygote's memory page by page.
    import gc

    gc.collect()
    gc.freeze()
    # Children are reaped at once (no zombies); each child restores the default.
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)
    zygote = os.getpid()
    out = sys.stdout
    out.write(json.dumps({"ready": True}) + "\n")
    out.flush()
    for line in sys.stdin:
        try:
            request = json.loads(line)
        except ValueError as error:
            out.write(json.dumps({"error": f"bad request: {error}"}) + "\n")
            out.flush()
            continue
        try:
            pid = os.fork()
        except OSError as error:
            out.write(json.dumps({"error": f"fork: {error}"}) + "\n")
            out.flush()
            continue
        if pid == 0:
            signal.signal(signal.SIGCHLD, signal.SIG_DFL)
            try:
                if request.get("sandbox"):
                    holder_child(request, zygote)
                else:
                    unsandboxed_child(request, zygote)
            except BaseException as error:  # noqa: BLE001
                report(error)
            os._exit(70)
        out.write(json.dumps({"pid": pid}) + "\n")
        out.flush()


if __name__ == "__main__":
    serve(sys.argv[1:])
