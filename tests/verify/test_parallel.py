"""Checking at scale (verify/parallel.py): the same results on a real local Dask cluster (scheduler and worker
processes) as in one process, a worker killed mid-run, an interrupted client resumed from its journal, the time
limit inside workers, and the command line's errors. The whole catalogue and a paper's mutants: the slow tests."""
import dataclasses
import json
import logging
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from boundlab.theory import Registry
from boundlab.verify import parallel
from boundlab.verify.cli import main
from boundlab.verify.parallel import Engine, Task

ROOT = Path(__file__).resolve().parents[2]
USER = ROOT / "tests" / "data" / "user_worstcase.py"  # a scenario of its own, with a worst-case program
FEW = ["shachaf2021.never_hurts", "shachaf2021.beta_mean_identity", "classical.am_gm", "mine.spiked_exact",
       "mine.spiked_halved", "classical.beta_variance_chain"]

SLOW_FILE = '''
import os
import time
import torch
from boundlab.theory import Claim, Provenance, Quantity
from boundlab.verify.scenarios import Scenario, register_scenario

class Pause(Scenario):
    name = "parallel_pause_demo"
    quantities = {"u": "a uniform draw, after a pause (BOUNDLAB_TEST_PAUSE seconds; `spin` seconds of CPU)"}
    inputs = {"spin": 0.0}

    def measure(self, point, batch, gen, wanted):
        time.sleep(float(os.environ.get("BOUNDLAB_TEST_PAUSE", 0)))  # on the test's workers only
        end = time.process_time() + point["spin"]
        while time.process_time() < end:
            pass
        return {"u": torch.rand(batch, generator=gen, dtype=torch.float64)}

register_scenario(Pause())
u = Quantity("u", "U", "a uniform draw")
P = Provenance("derived", "mine", "Me (2026)")
spin = Claim(id="mine.spin", title="spins", lhs="u", rel="<=", rhs="1", statistic="as", quantities=(u,),
             scenario="parallel_pause_demo", samples=100, grid=({"spin": 60.0},), provenance=P)
CLAIMS = [spin] + [Claim(id=f"mine.pause{i}", title="a pause", lhs="u", rel="<=", rhs="1", statistic="as",
                         quantities=(u,), scenario="parallel_pause_demo", samples=100, grid=({"spin": 0.0},),
                         provenance=P) for i in range(6)]
'''
PAUSES = [f"mine.pause{i}" for i in range(6)]


def interruptible(args, **kwargs) -> subprocess.Popen:
    """`boundlab ARGS` started in the background, its standard error read here; Ctrl-C (SIGINT) interrupts it even
    when this process ignores SIGINT (as a shell's background job does, and its children inherit)."""
    code = ("import runpy, signal; signal.signal(signal.SIGINT, signal.default_int_handler); "
            "runpy.run_module('boundlab.verify.cli', run_name='__main__')")
    return subprocess.Popen([sys.executable, "-c", code, *map(str, args)], cwd=ROOT, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True, **kwargs)


def boundlab(*args):
    return subprocess.run([sys.executable, "-m", "boundlab.verify.cli", *map(str, args)], capture_output=True,
                          text=True, cwd=ROOT)


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    """--file arguments for every test here (one set of files: a worker's child process serves them all), the
    claims PAUSES (a pause on the test cluster's workers) and mine.spin (60 s of CPU)."""
    path = tmp_path_factory.mktemp("parallel") / "pauses.py"
    path.write_text(SLOW_FILE)
    return ["--file", str(USER), "--file", str(path)]


@pytest.fixture(scope="module")
def cluster():
    """A real local Dask cluster, scheduler and two worker processes of one thread started with boundlab's preload
    hook (their children warm), shared by the tests; its workers pause 1 s in each `pauses` claim, so that a run
    lasts long enough to be interrupted."""
    from distributed import LocalCluster

    os.environ["BOUNDLAB_TEST_PAUSE"] = "1"  # the workers' environment, taken when they start
    try:
        local = LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                             silence_logs=logging.ERROR, preload=["boundlab.verify.parallel"])  # as the README's
    finally:
        del os.environ["BOUNDLAB_TEST_PAUSE"]
    with local:
        yield local.scheduler_address


def test_a_few_claims_on_a_local_cluster_give_the_serial_json_byte_for_byte(cluster, files, tmp_path):
    """An analytic claim, a simulated one, a known-false one, a derivation, a --file claim with its own scenario and
    worst case."""
    serial, dask = tmp_path / "serial.json", tmp_path / "dask.json"
    assert main(["check", *FEW, *files, "--quick", "--json", str(serial)]) == 1  # spiked_halved is not as expected
    assert main(["check", *FEW, *files, "--quick", "--json", str(dask), "--scheduler", cluster]) == 1
    assert serial.read_bytes() == dask.read_bytes()
    rows = [json.loads(line) for line in Path(f"{dask}.journal.jsonl").read_text().splitlines()]
    assert sorted(r["task"] for r in rows) == sorted(FEW)  # one journal line per task, as it finished


def test_an_interrupted_run_resumes_from_its_journal_without_redoing_finished_tasks(cluster, files, tmp_path,
                                                                                     capsys):
    out, journal = tmp_path / "out.json", tmp_path / "out.json.journal.jsonl"
    args = ["check", *PAUSES, *files, "--quick", "--json", out, "--scheduler", cluster]
    run = interruptible(args)
    while not (journal.exists() and len(journal.read_text().splitlines()) >= 2):
        assert run.poll() is None, run.stderr.read()
        time.sleep(0.05)
    run.send_signal(signal.SIGINT)  # Ctrl-C
    assert run.wait(timeout=60) == 130 and not out.exists()
    assert "same command with --resume continues" in run.stderr.read()
    finished = {json.loads(line)["task"] for line in journal.read_text().splitlines()}
    assert 2 <= len(finished) < 6
    assert main([*map(str, args), "--resume"]) == 0
    resumed = {line.split("] ")[1].split(":")[0] for line in capsys.readouterr().err.splitlines()
               if "(from the journal)" in line}
    assert resumed == finished
    serial = tmp_path / "serial.json"
    assert main(["check", *PAUSES, *files, "--quick", "--json", str(serial)]) == 0
    assert out.read_bytes() == serial.read_bytes()


def test_the_time_limit_holds_inside_workers(cluster, files, capsys):
    start = time.perf_counter()
    assert main(["check", "mine.spin", *files, "--time-limit", "1", "--scheduler", cluster, "--json", "-"]) == 1
    (row,) = json.loads(capsys.readouterr().out)["results"]
    assert row["verdict"] == "INCONCLUSIVE" and "ran past 1 s of CPU time" in row["evidence"]["note"]
    assert time.perf_counter() - start < 30


def test_a_worker_killed_mid_run_has_its_tasks_rerun_and_the_results_are_the_serial_ones(cluster, files):
    reg = Registry.catalogue(files[1::2])
    tasks = [Task("check", i) for i in PAUSES]
    with Engine(parallel.setup(files[1::2]), reg, progress=False) as engine:
        serial = [r.to_json() for r in engine.map(tasks)]
    with Engine(parallel.setup(files[1::2]), reg, scheduler=cluster, progress=False) as engine:
        pids = engine.client.run(os.getpid)  # the worker processes, by address
        assert len(set(pids.values())) == 2 and os.getpid() not in pids.values()
        killed = []

        def kill_one():  # as soon as a task runs on a worker
            while not engine.progress.running:
                time.sleep(0.02)
            os.kill(pids[next(iter(pids))], signal.SIGKILL)
            killed.append(pids[next(iter(pids))])
        threading.Thread(target=kill_one, daemon=True).start()
        dask = [r.to_json() for r in engine.map(tasks)]
        assert killed and killed[0] not in engine.client.run(os.getpid).values()
    assert dask == serial


def test_a_worker_keeps_its_child_for_the_same_files_and_threads_and_replaces_it_for_others():
    """A warm child (started with the worker) takes any files and keeps them; other files or another torch thread
    count get a fresh interpreter, and the replaced child is stopped."""
    pool = parallel._Children()
    pool.warm(1)
    started = [pool.idle[0][0]]
    try:
        for threads, files, same in ((1, ("a",), True), (1, ("a",), True), (1, ("b",), False), (2, ("b",), False)):
            child = pool.take(threads, files)
            assert (child is started[-1]) == same and child.alive()
            started.append(child)
            pool.give_back(child, threads, files)
        assert [not c.alive() for c in started[2:]] == [True, True, False]  # replaced ones were stopped
        assert len(pool.idle) == 1
    finally:
        for child in started:
            child.kill()


def test_a_local_cluster_forks_its_workers_children_from_one_server_and_a_killed_workers_child_stops(files,
                                                                                                     monkeypatch):
    """--jobs from Python, in a process with threads (a notebook's): the workers' children are forks of one fork
    server, a fresh interpreter that loaded the run's files (a scenario of their own included), and give the serial
    results; a worker killed mid-run has its tasks rerun, and its child, busy with a task, exits instead of running
    on; the server stops with the engine. (The command line's own fork: the test after the next.)"""
    import psutil

    monkeypatch.setattr(parallel, "_single_threaded", lambda: False)

    reg = Registry.catalogue(files[1::2])
    tasks = [Task("check", i) for i in ["classical.am_gm", "mine.spiked_exact", *PAUSES]]
    with Engine(parallel.setup(files[1::2]), reg, progress=False) as engine:
        serial = [r.to_json() for r in engine.map(tasks)]
    os.environ["BOUNDLAB_TEST_PAUSE"] = "1"  # the fork server's environment, taken when it starts
    try:
        engine = Engine(parallel.setup(files[1::2]), reg, jobs=2, progress=False).__enter__()
    finally:
        del os.environ["BOUNDLAB_TEST_PAUSE"]
    with engine:
        server = psutil.Process(engine.forks.pid)
        assert "_fork_server" in " ".join(server.cmdline())  # a fresh interpreter
        pids = engine.client.run(os.getpid)
        killed = []

        def kill_one():  # as soon as both workers run a task
            while len(server.children()) < 2 or not engine.progress.running:
                time.sleep(0.02)
            os.kill(pids[next(iter(pids))], signal.SIGKILL)
            killed.append(pids[next(iter(pids))])
        threading.Thread(target=kill_one, daemon=True).start()
        dask = [r.to_json() for r in engine.map(tasks)]
        assert killed
        workers = set(engine.client.run(os.getpid).values())
        assert killed[0] not in workers
        deadline = time.perf_counter() + 10
        while len(server.children()) > len(workers) and time.perf_counter() < deadline:
            time.sleep(0.1)
        assert len(server.children()) == len(workers)  # the killed worker's child exited
        folder = engine.forks.folder
    assert dask == serial
    assert not server.is_running() and not os.path.exists(folder)


def test_a_usage_error_with_jobs_stops_the_early_local_cluster_at_once(capsys, monkeypatch):
    """--jobs starts the local cluster while the arguments are still being read; a command that stops on an error
    never takes it, and does not wait for it to start: it is stopped."""
    import psutil

    started, real = [], parallel.ClusterProcess.__init__

    def spy(self, *args, **kwargs):
        real(self, *args, **kwargs)
        started.append(self)
    monkeypatch.setattr(parallel.ClusterProcess, "__init__", spy)
    start = time.perf_counter()
    assert main(["check", "nope.claim", "--jobs", "2"]) == 2
    assert time.perf_counter() - start < 10
    assert "unknown claim id 'nope.claim'" in capsys.readouterr().err
    assert len(started) == 1 and started[0].process.poll() is not None
    assert parallel._EARLY == [] and started[0].process.pid not in [c.pid for c in psutil.Process().children()]


def test_a_usage_error_with_jobs_prints_only_its_message(tmp_path):
    """The cluster, stopped while it starts, takes its workers and their resource tracker with it: standard error
    holds the usage error alone (no warning of leaked semaphores), and is closed when the command exits."""
    run = boundlab("check", "--file", tmp_path / "missing.py", "--jobs", "2")
    assert run.returncode == 2
    assert run.stderr == f"boundlab check: error: --file {tmp_path / 'missing.py'}: no such file\n"


def test_a_local_cluster_that_does_not_start_is_a_clear_error():
    """A bad Dask setting stops the cluster's process before its scheduler is up: the command stops with a usage
    error that says so, after Dask's own message."""
    run = subprocess.run([sys.executable, "-m", "boundlab.verify.cli", "check", *FEW[:3], "--jobs", "2"],
                         capture_output=True, text=True, cwd=ROOT, timeout=120,
                         env={**os.environ, "DASK_DISTRIBUTED__SCHEDULER__WORK_STEALING_INTERVAL": "bogus"})
    assert run.returncode == 2
    assert "Invalid time unit: bogus" in run.stderr
    assert run.stderr.rstrip().endswith("error: the local Dask cluster of --jobs 2 did not start (exit status 1); "
                                        "its error is above")


def test_a_local_clusters_workers_hold_only_the_task_they_run():
    """List scheduling: with more tasks than workers, each worker of a --jobs cluster holds the one task it runs
    and the rest wait at the scheduler, for the first worker that frees (Dask's default gives a one-thread worker a
    second task, which then waits behind the first however long that runs, while another worker may be idle)."""
    from distributed import Client

    local = parallel.ClusterProcess(2)
    try:
        with Client(local.address) as client:
            futures = client.map(time.sleep, [3] * 5, pure=False)  # one batch: Dask queues a batch of > 2N
            deadline = time.monotonic() + 60
            while sum(map(len, client.processing().values())) < 2 and time.monotonic() < deadline:
                time.sleep(0.1)
            held = sorted(len(keys) for keys in client.processing().values())
            queued = client.run_on_scheduler(lambda dask_scheduler: len(dask_scheduler.queued))
            client.cancel(futures)
    finally:
        local.close()
    assert held == [1, 1] and queued == 3


def test_with_jobs_the_command_forks_its_workers_children_from_itself_and_ctrl_c_stops_every_process(files,
                                                                                                     tmp_path):
    """`boundlab check --jobs 2` as a user runs it: the local cluster (scheduler, workers) runs in a process of its
    own, and the workers' children are forks of a fork of the command (no second interpreter loads boundlab);
    Ctrl-C stops the command with status 130, and with it every process it started."""
    import psutil

    args = ["check", *PAUSES, *files, "--quick", "--json", tmp_path / "out.json", "--jobs", "2"]
    run = interruptible(args, env={**os.environ, "BOUNDLAB_TEST_PAUSE": "2"})  # each claim pauses 2 s in a child
    client = psutil.Process(run.pid)

    def started():
        """The command's processes: its fork server, with a child per worker, and its cluster's process."""
        try:
            kids = client.children()
            forks = [p for p in kids if p.cmdline() == client.cmdline() and len(p.children()) == 2]
            return forks, [p for p in kids if "_local_cluster" in " ".join(p.cmdline())]
        except psutil.NoSuchProcess:  # one exited while we looked
            return [], []
    deadline = time.perf_counter() + 60
    while not started()[0] and time.perf_counter() < deadline:
        assert run.poll() is None, run.stderr.read()
        time.sleep(0.05)
    (server,), (cluster,) = started()
    assert all(c.cmdline() == client.cmdline() for c in server.children())  # forks, running the workers' tasks
    workers = [p for p in cluster.children() if "multiprocessing-fork" in " ".join(p.cmdline())]
    assert len(workers) == 2
    everyone = [client, *client.children(recursive=True)]
    run.send_signal(signal.SIGINT)  # Ctrl-C
    assert run.wait(timeout=60) == 130
    assert "same command with --resume continues" in run.stderr.read()
    _, alive = psutil.wait_procs(everyone, timeout=10)
    assert alive == []


def test_a_claim_redefined_under_the_same_id_is_mutated_anew():
    """Mutants are generated once per claim object: a notebook or a test that redefines a claim keeps its id but
    must not get the old claim's mutants."""
    claim = Registry.catalogue().get("classical.am_gm")
    again = dataclasses.replace(claim, rhs=f"2*({claim.rhs})")
    first, second = parallel._mutants(claim), parallel._mutants(again)
    assert parallel._mutants(claim) is not first  # the other claim object was cached in between
    assert [m.description for m in first] != [m.description for m in second]
    assert parallel._mutants(claim) is parallel._mutants(claim)


def test_every_task_starts_from_empty_caches():
    """A task's CPU time must not depend on the tasks its process ran before: caches warmed by a claim's earlier
    mutants made an 8 s proof fit within the prover's budget serially and not on a worker. What a task caches (in
    SymPy, and in boundlab's own `task_cache`s, such as branch and bound's derivatives) is gone when the next task
    starts, in the serial path and on workers alike (the same `execute`)."""
    import sympy as sp

    from boundlab.numerics.intervals.branch_and_bound import _derivative

    registry = Registry.catalogue()
    s = parallel.setup(seed=0, quick=True)
    x = sp.Symbol("x_cache_probe", positive=True)
    expanded, derivative = sp.expand((x + 1) ** 7), _derivative(sp.exp(x) / x, x)
    assert sp.expand((x + 1) ** 7) is expanded and _derivative(sp.exp(x) / x, x) is derivative  # both cached
    parallel.execute(Task("check", "classical.am_gm"), s, registry)
    assert sp.expand((x + 1) ** 7) is not expanded
    assert _derivative(sp.exp(x) / x, x) is not derivative


def test_a_child_runs_on_the_clients_torch_threads_without_dasks_malloc_trim_threshold(monkeypatch):
    monkeypatch.setenv("MALLOC_TRIM_THRESHOLD_", "65536")  # as Dask's nanny sets it for its workers
    env = parallel._child_environment(3)
    assert env["OMP_NUM_THREADS"] == "3" and "MALLOC_TRIM_THRESHOLD_" not in env and env["PATH"] == os.environ["PATH"]


def test_an_unreachable_scheduler_is_reported_within_seconds(capsys):
    start = time.perf_counter()
    assert main(["check", "classical.am_gm", "--scheduler", "tcp://127.0.0.1:9"]) == 2
    err = capsys.readouterr().err
    assert "no Dask scheduler answers there" in err and "dask scheduler" in err
    assert time.perf_counter() - start < 15  # the connection times out after parallel.CONNECT_SECONDS


@pytest.mark.parametrize("args, message", [
    (["--jobs", "0"], "at least 1"),
    (["--jobs", "-2"], "at least 1"),
    (["--jobs", "two"], "not a number of worker processes"),
])
def test_a_bad_number_of_jobs_is_a_usage_error(args, message, capsys):
    with pytest.raises(SystemExit) as exit:
        main(["check", "classical.am_gm", *args])
    assert exit.value.code == 2 and message in capsys.readouterr().err


@pytest.mark.parametrize("args, message", [
    (["--jobs", "2", "--scheduler", "tcp://127.0.0.1:9"], "give one of them"),
    (["--resume"], "--resume needs the journal"),
    (["--resume", "--journal", "nowhere.jsonl"], "no journal at nowhere.jsonl"),
])
def test_bad_parallel_options_are_usage_errors(args, message, capsys):
    assert main(["check", "classical.am_gm", *args]) == 2
    assert message in capsys.readouterr().err


def test_a_torn_last_line_is_dropped_and_a_changed_claim_is_redone(tmp_path):
    reg = Registry.catalogue()
    journal = tmp_path / "j.jsonl"
    tasks = [Task("check", "classical.am_gm"), Task("check", "shachaf2021.beta_mean_identity")]
    with Engine(parallel.setup(), reg, journal=journal, progress=False) as engine:
        first = [r.to_json() for r in engine.map(tasks)]
        keys = [engine.key(t) for t in tasks]
    with journal.open("a") as fh:
        fh.write('{"key": "torn')  # an interrupted write
    with Engine(parallel.setup(), reg, journal=journal, resume=True, progress=False) as engine:
        assert set(engine.journal.done) == set(keys)
        assert [r.to_json() for r in engine.map(tasks)] == first
        assert engine.resumed == set(tasks)  # nothing ran again
    assert journal.read_text().endswith("}\n")  # the torn line is gone
    changed = Registry([dataclasses.replace(reg.get("classical.am_gm"), rhs="(l1 + l2)/4 + 1")])
    assert Engine(parallel.setup(), changed, progress=False).key(tasks[0]) != keys[0]
    assert Engine(parallel.setup(seed=1), reg, progress=False).key(tasks[0]) != keys[0]


def _without_seconds(doc):
    if isinstance(doc, dict):
        return {k: _without_seconds(v) for k, v in doc.items() if k != "seconds"}
    return [_without_seconds(v) for v in doc] if isinstance(doc, list) else doc


@pytest.mark.slow
def test_the_whole_catalogue_at_the_quick_budget_gives_the_serial_json_on_two_workers(tmp_path):
    serial, dask = tmp_path / "serial.json", tmp_path / "dask.json"
    assert main(["check", "--all", "--quick", "--json", str(serial)]) == 0
    assert main(["check", "--all", "--quick", "--json", str(dask), "--jobs", "2"]) == 0
    assert serial.read_bytes() == dask.read_bytes()


@pytest.mark.slow
def test_the_mutants_of_a_paper_on_two_workers_are_the_serial_ones(tmp_path):
    """Mutants run as tasks of their own, wherever their original was checked; only the claims' seconds differ."""
    serial, dask = tmp_path / "serial.json", tmp_path / "dask.json"
    assert main(["mutate", "--paper", "shachaf2021", "--json", str(serial)]) == 0
    assert main(["mutate", "--paper", "shachaf2021", "--json", str(dask), "--jobs", "2"]) == 0
    assert _without_seconds(json.loads(serial.read_text())) == _without_seconds(json.loads(dask.read_text()))


def _without_command(tex: str) -> str:
    """The LaTeX without its comment lines that quote the command (which names --jobs and the folder)."""
    return "\n".join(line for line in tex.splitlines() if not (line.startswith("%") and "(boundlab report " in line))


@pytest.mark.slow
def test_a_report_on_two_workers_is_the_serial_one(tmp_path):
    """The LaTeX, the macros and report.json (apart from timings and the command line) are the serial report's."""
    docs = {}
    for name, extra in (("serial", []), ("dask", ["--jobs", "2"])):
        folder = tmp_path / name
        assert main(["report", "--paper", "cliff2023", "--quick", "-o", str(folder), *extra]) == 0
        doc = json.loads((folder / "report.json").read_text())
        doc.pop("command", None)
        docs[name] = (_without_seconds(doc), *(_without_command((folder / f).read_text())
                                               for f in ("appendix.tex", "macros.tex")))
    assert docs["serial"] == docs["dask"]
