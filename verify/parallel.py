"""Checking at scale: claims, derivations and mutants as tasks, run here or on a Dask cluster, none lost.

A task names its work by ids (`Task`): a claim, a derivation step, a derivation, a claim of a report (its check,
worst cases and figure), a claim's original check before mutation, or one mutant. `execute` runs a task, and it is
the same function in every process: in this one (serial, as before), or on a Dask worker, which runs each task in
a child process (`_Children`: one per busy worker thread) whose main thread enforces the per-claim CPU-time limit
as the serial path does (`boundlab.numerics.limits` needs a main thread; Dask runs tasks in threads). The child
holds the registry of the catalogue and the run's --file modules (sent by content). A local cluster (--jobs) runs
in a process of its own (`ClusterProcess`), started while the command loads boundlab, and its workers' children are
forks of one `ForkServer`, itself a fork of the command once loaded; on any other cluster each child is a fresh
interpreter, started with its worker by the preload hook `dask_setup`. Every random draw depends only on
(seed, claim id, point, stage), so results do not depend on where or in which order tasks run; they are returned
in the input order. A worker that dies has its tasks rerun elsewhere (the scheduler's reassignment, then
`RETRIES` retries of a task whose child process died).

The journal is JSON lines, one per finished task, written (and fsynced) as results arrive: its key (a hash of the
task, seed, budget, time limit and the definition of its claim or derivation, so that a changed claim is redone),
the task, its verdict, its seconds and the result itself (pickled, base64). `resume=True` takes every result whose
key matches and runs only the rest; a torn last line (an interrupted write) is dropped. Without `resume` the
journal is started afresh, after its durations are read: tasks start longest first.
"""
from __future__ import annotations

import base64
import contextlib
import copy
import dataclasses
import hashlib
import json
import os
import pickle
import select
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from boundlab.numerics.limits import DEFAULT_SECONDS, clear_task_caches
from boundlab.verify import installed_version

FORMAT = 1
TOPIC = "boundlab-task-started"  # the workers' start events, for the progress line
RETRIES = 2  # reruns of a task whose child process died (the scheduler reruns those of a dead worker by itself)
CONNECT_SECONDS = 5


class EngineError(Exception):
    """A cluster that cannot be reached, a journal that cannot be resumed, or a task that failed on the cluster."""


@dataclass(frozen=True)
class Task:
    """One unit of work: `kind` is check, step (of a derivation; `index` from 0), derive, report (a claim's
    check, worst cases and figure), original (a claim's own check before mutation) or mutant (`index` into
    `claim_mutants`, `note` its description, compared on the worker)."""

    kind: str
    id: str
    index: int = -1
    note: str = ""

    @property
    def name(self) -> str:
        return {"step": f"{self.id} step {self.index + 1}", "original": f"{self.id} (original)",
                "mutant": f"{self.id} mutant {self.index + 1}"}.get(self.kind, self.id)


@dataclass(frozen=True)
class Setup:
    """What every task of a run shares: the --file modules as (absolute path, sha256, source), the seed, the budget,
    the CPU seconds of each task, torch's thread count here (torch's parallel reductions add in an order that
    depends on it: workers use the same, so that their numbers are this process's to the last digit), and the
    address of the run's fork server (a local cluster's; "" for none)."""

    files: tuple = ()
    seed: int = 0
    quick: bool = False
    seconds: float | None = DEFAULT_SECONDS
    threads: int = 1
    forks: str = ""


def setup(files=(), seed: int = 0, quick: bool = False, seconds: float | None = DEFAULT_SECONDS) -> Setup:
    """The run's Setup: the --file arguments (globs expanded) read as (absolute path, sha256, source)."""
    from boundlab.theory.registry import expand_files

    sources = []
    for path in (Path(f).resolve() for f in expand_files(list(files))):
        data = path.read_bytes()
        sources.append((str(path), hashlib.sha256(data).hexdigest(), data.decode()))
    import torch

    return Setup(tuple(sources), seed, quick, seconds, torch.get_num_threads())


# ---- running one task: the same code here and on a worker ---------------------------------------------------------
_STATE: dict = {"files": None, "registry": None, "measured": None, "mutants": {}}  # mutants: id -> (claim, list)


def _registry(s: Setup):
    """The catalogue and the run's files, loaded once per process: a file is read from its path when that holds
    the same source (a shared file system), else from a copy of the source sent with the task."""
    key = tuple(sha for _, sha, _ in s.files)
    if _STATE["files"] != key:
        from boundlab.theory.registry import Registry

        paths = []
        for path, sha, text in s.files:
            here = Path(path)
            if not (here.is_file() and hashlib.sha256(here.read_bytes()).hexdigest() == sha):
                here = Path(os.environ.get("TMPDIR", "/tmp")) / "boundlab-files" / sha / Path(path).name
                here.parent.mkdir(parents=True, exist_ok=True)
                here.write_text(text)
            paths.append(str(here))
        _STATE["registry"], _STATE["files"] = Registry.catalogue(paths), key
    return _STATE["registry"]


def _mutants(claim) -> list:
    """The claim's mutants, generated once per claim object (a claim of 50 mutants takes 0.1 s to mutate: once per
    mutant task, that was a tenth of a paper's mutation work); a claim redefined under the same id is mutated anew."""
    known = _STATE["mutants"].get(claim.id)
    if known is None or known[0] is not claim:
        from .mutate import claim_mutants

        known = _STATE["mutants"][claim.id] = (claim, claim_mutants(claim))
    return known[1]


def _measurements(owner) -> bool:
    """Keep one `reuse_measurements()` block open for `owner` (claim id, seed), as `mutate_claim` does for a claim
    and its mutants; None closes it. True when that block was open already."""
    from .measure import reuse_measurements

    current = _STATE["measured"]
    if current is not None and current[0] == owner:
        return True
    if current is not None:
        current[1].__exit__(None, None, None)
        _STATE["measured"] = None
    if owner is not None:
        block = reuse_measurements()
        block.__enter__()
        _STATE["measured"] = (owner, block)
    return False


def execute(task: Task, s: Setup, registry):
    """The result of one task, as the serial commands compute it: a Result (check, step, derive), a report Entry
    without its claim, (ClaimReport, mutant descriptions) for an original, (outcome, verdict, reason) for a mutant.
    Each task starts from empty caches (`clear_task_caches`): its CPU time, and so a proof near the edge of a
    CPU-time budget, must not depend on which tasks this process ran before (caches warmed by a claim's earlier
    mutants made a mutant's 8 s proof fit on one side only)."""
    from .check import check

    clear_task_caches()

    if task.kind not in ("original", "mutant"):
        _measurements(None)
    if task.kind == "check":
        return check(registry.get(task.id), seed=s.seed, quick=s.quick, seconds=s.seconds)
    if task.kind == "step":
        return check(registry.derivation(task.id).step_claims[task.index], seed=s.seed, quick=s.quick,
                     seconds=s.seconds)
    if task.kind == "derive":
        from .derive import check_derivation

        return check_derivation(registry.derivation(task.id), registry, seed=s.seed, seconds=s.seconds)
    claim = registry.get(task.id)
    if task.kind == "report":
        from .report import run

        (entry,), _ = run([claim], (), registry, s.seed, s.quick, None, s.seconds)
        return dataclasses.replace(entry, claim=None)
    from .mutate import judge_mutant, original_report

    if task.kind == "original":
        _measurements(None)
        _measurements((claim.id, s.seed))
        report = original_report(claim, s.seed, s.quick)
        return report, ([] if report.skipped else [(m.operator, m.where, m.description) for m in _mutants(claim)])
    if task.kind != "mutant":
        raise EngineError(f"unknown task kind {task.kind!r}")
    if not _measurements((claim.id, s.seed)) and claim.kind == "empirical":
        check(claim, seed=s.seed, quick=s.quick)  # the original ran elsewhere: measure its instances here
    m = copy.copy(_mutants(claim)[task.index])
    if m.description != task.note:
        raise EngineError(f"{task.name}: the worker's mutant is {m.description!r}, not {task.note!r}: the workers "
                          f"run another version of boundlab or of the claim")
    judge_mutant(claim, m, s.seed, s.quick, s.seconds)
    return m.outcome, m.verdict, m.reason


def verdict_of(result) -> str:
    """A task result's one-word outcome, for the progress line and the journal."""
    if isinstance(result, tuple) and isinstance(result[0], str):  # a mutant
        return result[0]
    if isinstance(result, tuple):  # an original
        return "skipped" if result[0].skipped else result[0].original
    return getattr(result, "verdict", None) or result.result.verdict  # a Result, or a report Entry


# ---- on a Dask worker -----------------------------------------------------------------------------------------
class ChildDied(Exception):
    """The child process running a task died (killed, out of memory): the task is retried."""


class _Child:
    """A process that runs this worker's tasks (`_answer`): pickles of (Setup, Task) in, (ok, result) out. Either
    spawned, a fresh interpreter on standard input and output (`spawned`), or forked by a fork server on this
    machine, ready at once (`forked`)."""

    def __init__(self, pid: int, writer, reader, process: subprocess.Popen | None = None):
        self.pid, self.writer, self.reader, self.process = pid, writer, reader, process

    @classmethod
    def spawned(cls, threads: int) -> "_Child":
        process = subprocess.Popen([sys.executable, "-c", "from boundlab.verify.parallel import _serve; _serve()",
                                    str(os.getpid())], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                   env=_child_environment(threads))
        return cls(process.pid, process.stdin, process.stdout, process)

    @classmethod
    def forked(cls, address: str) -> "_Child":
        connection = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        connection.connect(address)
        writer, reader = connection.makefile("wb"), connection.makefile("rb")
        connection.close()  # the files keep the connection open
        pickle.dump(os.getpid(), writer)  # the child exits when this worker does
        writer.flush()
        return cls(pickle.load(reader), writer, reader)

    def alive(self) -> bool:
        return self.process.poll() is None if self.process is not None else _signal(self.pid, 0)

    def run(self, s: Setup, task: Task):
        pickle.dump((s, task), self.writer)
        self.writer.flush()
        return pickle.load(self.reader)

    def kill(self) -> int | None:
        """Stop the child; its exit status when it was this process's own."""
        for f in (self.writer, self.reader):
            try:
                f.close()
            except OSError:
                pass
        if self.process is not None:
            self.process.kill()
            return self.process.wait()
        _signal(self.pid, signal.SIGKILL)
        return None


class _Children:
    """This worker's child processes that run tasks, one per busy worker thread. A child keeps the torch thread
    count it was started with and the --file modules it loaded (None: the catalogue only); it is reused for the
    same, a warm one (`warm`: started with the worker, on one thread, boundlab's default) takes any files, and
    one that loaded other files is replaced, since their scenarios and statistics may reuse names. With a fork
    server (`forks`, its address), children come from it, with the run's files loaded."""

    def __init__(self):
        self.idle: list[tuple[_Child, int, tuple | None, str]] = []
        self.lock = threading.Lock()

    def warm(self, count: int) -> None:
        with self.lock:
            self.idle += [(_Child.spawned(1), 1, None, "") for _ in range(count - len(self.idle))]

    def take(self, threads: int, files: tuple, forks: str = "") -> _Child:
        with self.lock:
            alive = [c for c in self.idle if c[0].alive()]
            fits = [i for i, (_, t, f, k) in enumerate(alive) if t == threads and f in (files, None) and k == forks]
            pick = min(fits, key=lambda i: alive[i][2] is None) if fits else None  # its own files first
            child = alive.pop(pick)[0] if pick is not None else None
            if child is None and alive:  # a child of other files or threads: replaced by a fresh one
                alive.pop(0)[0].kill()
            self.idle = alive
        if child is not None:
            return child
        if forks:
            try:
                return _Child.forked(forks)
            except (OSError, EOFError, pickle.UnpicklingError):
                pass  # the fork server is gone (its client stopped): a fresh interpreter still runs the task
        return _Child.spawned(threads)

    def give_back(self, child: _Child, threads: int, files: tuple, forks: str = "") -> None:
        with self.lock:
            self.idle.append((child, threads, files, forks))


_CHILDREN = _Children()


def dask_setup(worker) -> None:
    """Dask's preload hook (`dask worker --preload boundlab.verify.parallel`): start the children with the worker,
    so that they import boundlab and load the catalogue while the client prepares the run."""
    _CHILDREN.warm(worker.state.nthreads)


def _child_environment(threads: int) -> dict:
    """The worker's environment for a child on `threads` torch threads, without the malloc trim threshold that
    Dask's nanny sets for its workers (to hand memory back to the system): inherited, it turns every large
    allocation of a simulation into a fresh mmap, measured as 10.6 s of system time in an 11 s caulking claim."""
    env = {k: v for k, v in os.environ.items() if k != "MALLOC_TRIM_THRESHOLD_"}
    return {**env, "OMP_NUM_THREADS": str(threads)}


def _remote(s: Setup, task: Task):
    """A Dask task: run `task` in a child process of this worker (see `_answer`)."""
    from distributed import get_worker

    get_worker().log_event(TOPIC, {"task": task.name})
    files = tuple(sha for _, sha, _ in s.files)
    child = _CHILDREN.take(s.threads, files, s.forks)
    try:
        ok, payload = child.run(s, task)
    except (EOFError, OSError, pickle.UnpicklingError):
        status = child.kill()
        raise ChildDied(f"{task.name}: the child process of the worker died" +
                        (f" (exit status {status})" if status is not None else "")) from None
    _CHILDREN.give_back(child, s.threads, files, s.forks)
    if not ok:
        raise EngineError(payload)
    return payload


def _quiet() -> None:
    """A child's standard output is the results' channel or the client's table: what the checks print goes to
    standard error. Ctrl-C stops the client, which stops the workers, then the children."""
    os.dup2(2, 1)
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _watch(alive) -> None:
    """Exit this process as soon as `alive()` is false (its worker is gone), even in the middle of a task."""
    def watch():
        while alive():
            time.sleep(0.5)
        os._exit(1)
    threading.Thread(target=watch, daemon=True).start()


def _warm(s: Setup) -> None:
    """Load what every task needs before the first one arrives (a failure is the first task's to report)."""
    try:
        import boundlab.verify.check  # noqa: F401

        _registry(s)
    except Exception:  # noqa: BLE001
        pass


def _answer(tasks, results) -> None:
    """Tasks in, results out, each run in this process's main thread, so that the CPU-time limit holds as in the
    serial path; until the worker closes the channel."""
    while True:
        try:
            s, task = pickle.load(tasks)
        except EOFError:
            return
        try:
            registry = _registry(s)
            import torch

            if torch.get_num_threads() != s.threads:  # a forked child has the fork server's
                torch.set_num_threads(s.threads)
            start = time.perf_counter()
            out = True, (pickle.dumps(execute(task, s, registry)), time.perf_counter() - start)
        except Exception as exc:  # noqa: BLE001 - a registry that fails to load, a mutant that differs
            out = False, f"{task.name}: {type(exc).__name__}: {exc}"
        pickle.dump(out, results)
        results.flush()


def _serve() -> None:
    """A spawned child (`_Child.spawned`): tasks on standard input, results on standard output; it exits when its
    worker does."""
    parent = int(sys.argv[1])
    _watch(lambda: os.getppid() == parent)
    tasks, results = sys.stdin.buffer, os.fdopen(os.dup(1), "wb")
    _quiet()
    _warm(Setup())
    _answer(tasks, results)


class ForkServer:
    """A process on this machine that holds boundlab, the catalogue and the run's --file modules loaded, and forks
    a child, ready at once, for each worker that connects to its socket (`address`): a local cluster's workers take
    their children from it, so that no child loads boundlab again (3 s of CPU: torch, SymPy, the catalogue). When
    this process runs a single thread (the command line, before it connects to its cluster) the server is a fork of
    it, with the engine's registry; else a fresh interpreter that loads the files. The server never runs a task, so
    it forks a process with no thread pools in use. It stops when closed, or when this process exits."""

    def __init__(self, s: Setup, registry):
        self.folder = tempfile.mkdtemp(prefix="boundlab-forks-")
        self.address = os.path.join(self.folder, "socket")
        listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            listener.bind(self.address)  # before the server runs: a worker's connection waits in the backlog
            listener.listen(64)
            if _single_threaded():
                (self.pid, self.control), self.process = _fork_here(listener, s, registry), None
            else:
                self.process = subprocess.Popen(
                    [sys.executable, "-c", "from boundlab.verify.parallel import _fork_server; _fork_server()",
                     str(listener.fileno()), *(path for path, _, _ in s.files)], stdin=subprocess.PIPE,
                    pass_fds=[listener.fileno()], env=_child_environment(s.threads))
                self.pid, self.control = self.process.pid, self.process.stdin.fileno()
        except BaseException:
            shutil.rmtree(self.folder, ignore_errors=True)
            raise
        finally:
            listener.close()

    @staticmethod
    def available() -> bool:
        return hasattr(os, "fork") and hasattr(socket, "AF_UNIX")

    def close(self) -> None:
        """Stop the server and the children it forked, mid-task or not: a stopped run's workers then close at once.
        A spawned server still loading has none, and is killed."""
        if self.process is not None:
            self.process.stdin.close()
            try:
                self.process.wait(timeout=2)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        else:
            os.close(self.control)
            os.waitpid(self.pid, 0)
        shutil.rmtree(self.folder, ignore_errors=True)


def _fork_here(listener, s: Setup, registry) -> tuple[int, int]:
    """Fork this process as the fork server, with `registry` as the run's; its pid, and the pipe end whose closing
    stops it."""
    read, control = os.pipe()
    for stream in (sys.stdout, sys.stderr):
        stream.flush()
    pid = os.fork()
    if pid:
        os.close(read)
        return pid, control
    try:
        os.close(control)
        _quiet()
        _STATE.update(files=tuple(sha for _, sha, _ in s.files), registry=registry)
        _serve_forks(listener, read)
    finally:
        os._exit(0)  # never back into the caller, nor through its exit handlers


def _single_threaded() -> bool:
    """True when this process runs one thread, native ones included (Linux tells), so that a fork of it is safe."""
    try:
        return len(os.listdir("/proc/self/task")) == 1
    except OSError:
        return False


def _fork_server() -> None:
    """A spawned fork server (`ForkServer`): load the run's files, then serve."""
    listener = socket.socket(fileno=int(sys.argv[1]))
    _quiet()
    try:
        _warm(setup(sys.argv[2:]))
    except Exception:  # noqa: BLE001 - a file gone since: each task loads the run's files itself
        _warm(Setup())
    _serve_forks(listener, sys.stdin.fileno())


def _serve_forks(listener, control: int) -> None:
    """The fork server's loop: accept a worker, fork, and in the child answer that worker's tasks. When the `control`
    pipe ends (the client closed the server, or exited), stop the children and exit."""
    children: set[int] = set()  # reaped here, so that a pid stays theirs until then
    while True:
        ready, _, _ = select.select([listener, control], [], [], 1.0)
        while children and (done := os.waitpid(-1, os.WNOHANG)[0]):
            children.discard(done)
        if control in ready and not os.read(control, 1):
            for pid in children:
                _signal(pid, signal.SIGKILL)
            os._exit(0)
        if listener in ready:
            connection, _ = listener.accept()
            pid = os.fork()
            if pid == 0:
                try:
                    listener.close()
                    os.close(control)
                    _forked(connection)
                finally:
                    os._exit(0)  # never back into the server's loop, nor through its exit handlers
            children.add(pid)
            connection.close()


def _forked(connection) -> None:
    """A fork server's child: tell the worker this pid, then answer its tasks; exit when the worker does."""
    tasks, results = connection.makefile("rb"), connection.makefile("wb")
    worker = pickle.load(tasks)
    pickle.dump(os.getpid(), results)
    results.flush()
    _watch(lambda: _signal(worker, 0))
    _answer(tasks, results)


# ---- the local cluster ------------------------------------------------------------------------------------------
LOCAL_DASK = {"distributed.worker.profile.enabled": False,  # the workers' stack sampling, 0.3 s of CPU each
              "distributed.admin.tick.interval": "1s",  # a check that the event loop is not blocked: 50 a second
              "distributed.admin.system-monitor.interval": "5s",  # CPU and memory readings for the dashboard
              "distributed.scheduler.worker-saturation": 1.0}  # a worker holds the task it runs, no second one
"""Dask settings of a local cluster. A worker only hands tasks to its child process, so it needs no profiling and
no frequent monitoring, and each wake-up takes a core from the tasks (measured with work stealing off as well: 2.6 s
of CPU less in a 70 s run). At Dask's default saturation (1.1) a one-thread worker holds a second task behind the
one it runs, so at the end of a run a long task can wait behind another while a free worker has nothing; at 1.0 the
scheduler hands each task, in priority order, to the first worker that frees: list scheduling (a first
`mutate --paper cliff2023 --jobs 2`: 64.0 s against 65.3 s, the mean of four runs each)."""


class ClusterProcess:
    """A local Dask cluster, its scheduler and `jobs` worker processes (one thread each), in a process of its own
    (`_local_cluster`): the command line starts it first thing, so that it starts while this process loads
    boundlab, and this process stays single-threaded until it has forked its `ForkServer`. The workers run without
    a memory limit (their children, which do the work, are not theirs to watch). It closes when closed, or when
    this process exits."""

    def __init__(self, jobs: int):
        self.jobs, self._address = jobs, None
        self.process = subprocess.Popen(
            [sys.executable, "-c", "from boundlab.verify.parallel import _local_cluster; _local_cluster()",
             str(jobs)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
            start_new_session=True)  # a process group of its own: stopped whole (see `close`)

    @property
    def address(self) -> str:
        """The scheduler's address, once the cluster is up."""
        if self._address is None:
            line = self.process.stdout.readline().strip()
            if not line.startswith("tcp://"):
                raise EngineError(f"the local Dask cluster of --jobs {self.jobs} did not start (exit status "
                                  f"{self.process.wait()}); its error is above")
            self._address = line
        return self._address

    def close(self) -> None:
        """Close the cluster, its workers' scratch folders removed; one still starting is stopped at once (a command
        that stops on a usage error does not wait for it), with its whole process group: its workers, and the
        resource tracker that would otherwise warn of the semaphores they leave."""
        with contextlib.suppress(OSError):  # it has exited
            self.process.stdin.write("close\n")  # a line, not the end of the pipe: a fork of this process holds it
        with contextlib.suppress(OSError):
            self.process.stdin.close()
        if self._address is not None:
            try:
                self.process.wait(timeout=10)
                return
            except subprocess.TimeoutExpired:
                pass
        with contextlib.suppress(OSError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()


def _local_cluster() -> None:
    """The local cluster's process (`ClusterProcess`): start it, print the scheduler's address, and close it when a
    line or the end comes on standard input, or the client is gone. Ctrl-C is the client's: it closes the cluster."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # inherited by the workers
    parent = os.getppid()
    import logging
    import warnings

    import dask
    from distributed import LocalCluster

    warnings.filterwarnings("ignore", "Port .* is already in use")  # another cluster's: Dask takes a free port
    with dask.config.set(LOCAL_DASK):
        cluster = LocalCluster(n_workers=int(sys.argv[1]), threads_per_worker=1, processes=True,
                               dashboard_address=None, memory_limit=0, silence_logs=logging.ERROR,
                               preload=[] if ForkServer.available() else [__name__])  # a child warm with its worker
    print(cluster.scheduler_address, flush=True)
    while os.getppid() == parent and not select.select([sys.stdin], [], [], 0.5)[0]:
        pass
    cluster.close()
    os._exit(0)


_EARLY: list[ClusterProcess] = []  # started by `start_local_cluster`, taken by the engine


def start_local_cluster(jobs: int) -> None:
    """Start the local cluster of --jobs now, so that it starts while this process loads boundlab (the command
    line calls it first thing); the engine takes it."""
    _EARLY.append(ClusterProcess(jobs))


def local_cluster(jobs: int) -> ClusterProcess:
    """The early local cluster when it has `jobs` workers (any other is stopped), else a new one."""
    early = next((c for c in _EARLY if c.jobs == jobs), None)
    if early is not None:
        _EARLY.remove(early)
    stop_local_clusters()
    return early or ClusterProcess(jobs)


def stop_local_clusters() -> None:
    """Stop the early local clusters that no engine took."""
    while _EARLY:
        _EARLY.pop().close()


def _signal(pid: int, number: int) -> bool:
    """Send signal `number` to `pid` (0: none, a test that it exists); False when there is no such process."""
    try:
        os.kill(pid, number)
        return True
    except OSError:
        return False


def _probe() -> str:
    return installed_version()


class _Unpickler(pickle.Unpickler):
    """Classes of a --file module are found under this process's name for it (`load_file` names modules with a
    per-process hash of the path)."""

    def find_class(self, module, name):
        if module.startswith("boundlab_user_") and module not in sys.modules:
            stem = module.rsplit("_", 1)[0] + "_"
            module = next((m for m in list(sys.modules) if m.startswith(stem)), module)
        return super().find_class(module, name)


def _loads(blob: bytes):
    import io

    return _Unpickler(io.BytesIO(blob)).load()


# ---- the journal ----------------------------------------------------------------------------------------------
def fingerprint(subject) -> str:
    """A hash of a claim's or derivation's definition (every field)."""
    text = repr([(f.name, getattr(subject, f.name)) for f in dataclasses.fields(subject)])
    return hashlib.sha256(text.encode()).hexdigest()


class Journal:
    """JSON lines, one per finished task, beside the output; see the module's doc."""

    def __init__(self, path, resume: bool):
        self.path, self.done, self.durations = Path(path), {}, {}
        if resume and not self.path.is_file():
            raise EngineError(f"--resume: no journal at {self.path}: nothing to resume (run without --resume)")
        good = 0
        if self.path.is_file():
            data = self.path.read_bytes()
            for line in data.splitlines(keepends=True):
                try:
                    row = json.loads(line)
                    self.durations[row["key"]] = row["seconds"]
                    if resume:
                        self.done[row["key"]] = base64.b64decode(row["result"])
                except (ValueError, KeyError, TypeError):
                    break  # a torn last line: an interrupted write
                good += len(line)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.fd = os.open(self.path, os.O_WRONLY | os.O_CREAT, 0o644)
            os.ftruncate(self.fd, good if resume else 0)
            os.lseek(self.fd, 0, os.SEEK_END)
        except OSError as exc:
            raise EngineError(f"journal {self.path}: cannot write: {exc.strerror}") from None

    def write(self, key: str, task: Task, verdict: str, seconds: float, blob: bytes) -> None:
        row = {"key": key, "kind": task.kind, "task": task.name, "verdict": verdict, "seconds": round(seconds, 3),
               "result": base64.b64encode(blob).decode()}
        os.write(self.fd, (json.dumps(row) + "\n").encode())  # one write per line; fsynced before the next task
        os.fsync(self.fd)

    def close(self) -> None:
        os.close(self.fd)


# ---- the progress line ------------------------------------------------------------------------------------------
class Progress:
    """One line per finished task on standard error: done / total, the task and its outcome, how many run and
    are left, the slowest task so far."""

    def __init__(self, enabled: bool, stream=None):
        self.enabled, self.stream = enabled, stream or sys.stderr
        self.total = self.done = 0
        self.running: dict[str, float] = {}
        self.slowest = (0.0, "")
        self.lock = threading.Lock()

    def started(self, name: str) -> None:
        with self.lock:
            self.running.setdefault(name, time.perf_counter())
        if self.enabled and self.stream.isatty():
            print(f"[{self.done}/{self.total}] {name} ...", end="\r", file=self.stream, flush=True)

    def finished(self, task: Task, verdict: str, seconds: float, resumed: bool = False) -> None:
        with self.lock:
            self.running.pop(task.name, None)
            self.done += 1
            if not resumed and seconds > self.slowest[0]:
                self.slowest = (seconds, task.name)
            running, left = len(self.running), self.total - self.done - len(self.running)
        if self.enabled:
            how = "from the journal" if resumed else f"{seconds:.1f}s"
            slow = f"; slowest {self.slowest[0]:.1f}s {self.slowest[1]}" if self.slowest[1] else ""
            print(f"[{self.done}/{self.total}] {task.name}: {verdict} ({how})   {running} running, {left} left{slow}",
                  file=self.stream, flush=True)


# ---- the engine -------------------------------------------------------------------------------------------------
class Engine:
    """Runs tasks serially (jobs None), on a local Dask cluster of `jobs` worker processes, or on the cluster of
    the scheduler at `scheduler`; results written to the journal at `journal` (None: none) as they arrive. Use it
    as a context manager (the cluster is started and stopped with it)."""

    def __init__(self, s: Setup, registry, jobs: int | None = None, scheduler: str | None = None,
                 journal=None, resume: bool = False, progress: bool = True):
        if jobs is not None and scheduler:
            raise EngineError("--jobs starts a local cluster, --scheduler uses an existing one: give one of them")
        if resume and journal is None:
            raise EngineError("--resume needs the journal of the interrupted run: it is kept beside the output "
                              "(--json F: F.journal.jsonl), or name it with --journal F")
        self.setup, self.registry, self.jobs, self.scheduler = s, registry, jobs, scheduler
        self.journal = Journal(journal, resume) if journal is not None else None
        self.progress = Progress(progress)
        self.client = self.cluster = self.forks = None
        self.seconds: dict[Task, float] = {}  # each task's duration (as recorded, for one from the journal)
        self.resumed: set[Task] = set()  # the tasks taken from the journal
        self.fingerprints: dict = {}  # (is a derivation, id) -> fingerprint

    def __enter__(self):
        if self.jobs is None and not self.scheduler:
            return self
        try:
            self.client = self._connect()
        except BaseException:
            self.__exit__(None, None, None)
            raise
        self.client.subscribe_topic(TOPIC, lambda event: self.progress.started(event[1]["task"]))
        return self

    def _connect(self):
        from distributed import Client

        if self.scheduler:
            try:
                client = Client(self.scheduler, timeout=f"{CONNECT_SECONDS}s")
            except (OSError, TimeoutError, ValueError) as exc:
                raise EngineError(f"--scheduler {self.scheduler}: no Dask scheduler answers there within "
                                  f"{CONNECT_SECONDS} s ({type(exc).__name__}: {exc}); start one with "
                                  f"`dask scheduler` and workers with `dask worker {self.scheduler}`") from None
            if not client.scheduler_info().get("workers"):
                print(f"waiting for a worker to join {self.scheduler} (`dask worker {self.scheduler}`)",
                      file=sys.stderr, flush=True)
                client.wait_for_workers(1)
        else:
            self.cluster = local_cluster(self.jobs)
            if ForkServer.available():  # the workers' children come from it, else each worker starts its own
                try:
                    self.forks = ForkServer(self.setup, self.registry)
                    self.setup = dataclasses.replace(self.setup, forks=self.forks.address)
                except OSError:  # no socket here (a path too long for one): the workers start their children
                    pass
            client = Client(self.cluster.address)
        try:
            versions = set(client.run(_probe).values())
        except Exception as exc:  # noqa: BLE001 - a worker without boundlab cannot unpickle the probe
            client.close()
            raise EngineError(f"the workers cannot run boundlab ({type(exc).__name__}: {exc}); install the same "
                              f"boundlab where they run") from None
        if versions - {_probe()}:
            client.close()
            raise EngineError(f"the workers run boundlab {', '.join(sorted(versions))}, this is {_probe()}: "
                              f"install the same version on both")
        return client

    def __exit__(self, kind, exc, tb):
        _measurements(None)
        if kind is KeyboardInterrupt and self.journal is not None:
            print(f"interrupted: {len(self.seconds)} finished task(s) are in the journal {self.journal.path}; the "
                  f"same command with --resume continues", file=sys.stderr, flush=True)
        if self.client is not None:
            self.client.close()
        if self.forks is not None:  # first: its children stop, so that busy workers close at once
            self.forks.close()
        if self.cluster is not None:
            self.cluster.close()
        if self.journal is not None:
            self.journal.close()
        return False

    def key(self, task: Task) -> str:
        """The task's journal key; each claim's fingerprint is computed once (printing its formulas takes ms)."""
        derivation = task.kind in ("step", "derive")
        if (derivation, task.id) not in self.fingerprints:
            subject = self.registry.derivation(task.id) if derivation else self.registry.get(task.id)
            self.fingerprints[derivation, task.id] = fingerprint(subject)
        s = self.setup
        parts = [FORMAT, task.kind, task.id, task.index, task.note, s.seed, s.quick, s.seconds,
                 self.fingerprints[derivation, task.id]]
        return hashlib.sha256(json.dumps(parts).encode()).hexdigest()[:32]

    def map(self, tasks) -> list:
        """The results of `tasks`, in their order."""
        found = self.run(tasks)
        return [found[t] for t in tasks]

    def run(self, tasks, follow=None) -> dict:
        """Every task's result, by task; `follow(task, result)` may give more tasks to run (a claim's mutants once
        its original is checked)."""
        results: dict = {}
        tasks = list(dict.fromkeys(tasks))
        self.progress.total += len(tasks)
        if self.client is None:
            stack = list(reversed(tasks))  # depth first: a claim's mutants right after its original, as before
            while stack:
                task = stack.pop()
                more = self._finish(task, results, follow, *self._here(task))
                stack.extend(reversed(more))
            return results
        return self._on_cluster(tasks, results, follow)

    def _here(self, task: Task):
        key = self.key(task)
        if self.journal is not None and key in self.journal.done:
            return key, _loads(self.journal.done[key]), self.journal.durations[key], None, True
        self.progress.started(task.name)
        start = time.perf_counter()
        result = execute(task, self.setup, self.registry)
        seconds = time.perf_counter() - start
        return key, result, seconds, (pickle.dumps(result) if self.journal is not None else None), False

    def _finish(self, task, results, follow, key, result, seconds, blob, resumed) -> list:
        """Record one result (journal, progress); the tasks it leads to."""
        verdict = verdict_of(result)
        if blob is not None:
            self.journal.write(key, task, verdict, seconds, blob)
        results[task], self.seconds[task] = result, seconds
        if resumed:
            self.resumed.add(task)
        self.progress.finished(task, verdict, seconds, resumed)
        more = [t for t in (follow(task, result) if follow else []) if t not in results]
        self.progress.total += len(more)
        return more

    def _on_cluster(self, tasks, results, follow) -> dict:
        from distributed import as_completed

        waiting = as_completed()
        pending: dict[str, Task] = {}
        known = self.journal.durations if self.journal is not None else {}

        def submit(batch):
            while batch:
                task = batch.pop(0)
                key = self.key(task)
                if self.journal is not None and key in self.journal.done:
                    batch += self._finish(task, results, follow, key, _loads(self.journal.done[key]),
                                          self.journal.durations[key], None, True)
                    continue
                if key in pending:
                    continue
                pending[key] = task
                waiting.add(self.client.submit(_remote, self.setup, task, key=f"boundlab-{key}", retries=RETRIES,
                                               priority=_priority(known.get(key), task, self.registry)))
        submit(list(tasks))
        for future in waiting:
            task = pending.pop(future.key.removeprefix("boundlab-"))
            try:
                blob, seconds = future.result()
            except Exception as exc:  # noqa: BLE001 - a task that failed on every try
                raise EngineError(f"{task.name}: failed on the cluster: {type(exc).__name__}: {exc}") from None
            key = self.key(task)
            submit(self._finish(task, results, follow, key, _loads(blob), seconds,
                                blob if self.journal is not None else None, False))
        return results


def _priority(seconds, task: Task, registry) -> int:
    """Longest first (Dask runs higher priorities first): the task's duration in the previous journal, else a
    guess by kind; so that no long task starts last and bounds the makespan."""
    if seconds is not None:
        return int(seconds * 1000)
    if task.kind in ("derive", "step", "mutant"):
        return 2000
    claim = registry.get(task.id)  # curves (rates, trends, bounds) are the longest, then analytic claims (the prover)
    return 20000 if claim.stat.curve else 5000 if claim.kind == "empirical" else 10000
