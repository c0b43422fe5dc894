"""Checking at scale: serial against a local Dask cluster, side by side in one run, and what more workers could do.

What: wall-clock time of `boundlab check --all --quick` and of `boundlab mutate --paper P`, each run serially (one
process, as without --jobs) and with `--jobs N` (a local Dask cluster of N worker processes), one after the other on
this machine; the speedup; the seconds to the first finished task of each (the start: imports, the catalogue, the
cluster); whether the JSON is the same (byte for byte for check; for mutate, apart from each claim's `seconds`), and
where it is not, each value that differs. Then the --jobs command once more ("again"), as a user's next run of it:
the engine reads the first run's journal and starts the tasks longest first (a first run guesses: a mutant's
duration is not known before it runs, and a long one started last leaves the other workers idle). Then, from the
task durations of the serial runs (their journals), the grain: the total work, the critical path (the longest task;
for mutate a claim's original check and then its longest mutant, which needs it), and for 8, 32 and 128 workers the
ideal makespan max(critical path, work / workers) and the makespan of longest-first list scheduling (what the engine
does with the durations of a previous journal).

The ceiling: the same claims split into N groups of about equal serial seconds, each group one serial boundlab
process, the N started at once. Two processes on two cores do not each run at one process's speed (shared caches
and memory, the hypervisor): the sum of their task seconds over the serial run's is the machine's inflation for
this work, and N / inflation is the most any N-way split can gain here, before start-up and scheduling. (N copies of
one command run at once are not a fair stand-in: they run the same code in step and share its cache lines.)

Why: the grain of tasks (a claim, a derivation, a mutant) is right when no single task bounds the makespan far above
work / workers on the cluster sizes that matter.

How: each command is a fresh `boundlab` process (start-up, imports and the cluster's start included, as a user sees
them); time.perf_counter around it. The machine should be otherwise idle: the timings are wall-clock.

    .venv/bin/python benchmarks/scaling.py                   # the catalogue, quick; mutate on cliff2023; --jobs 2
    .venv/bin/python benchmarks/scaling.py --paper wu2022 --jobs 4 --json scaling.json
"""
from __future__ import annotations

import argparse
import heapq
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BOUNDLAB = [sys.executable, "-m", "boundlab.verify.cli"]
WORKERS = (8, 32, 128)


def timed(args: list[str]) -> tuple[float, float]:
    """Wall-clock seconds of one boundlab command, and to its first finished task (its first progress line: the
    start-up, imports, catalogue and cluster); its table is discarded, a usage error stops."""
    start, first = time.perf_counter(), None
    run = subprocess.Popen([*BOUNDLAB, *args], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    err = []
    for line in run.stderr:
        if first is None and line.startswith("["):
            first = time.perf_counter() - start
        err.append(line)
    if run.wait() == 2:
        sys.exit(f"boundlab {' '.join(args)}: {''.join(err)}")
    return time.perf_counter() - start, first or float("nan")


def run_together(commands: list[list[str]]) -> None:
    """boundlab commands started at once; returns when the last ends (a usage error stops)."""
    runs = [subprocess.Popen([*BOUNDLAB, *c], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
            for c in commands]
    for c, r in zip(commands, runs):
        if r.wait() == 2:
            sys.exit(f"boundlab {' '.join(c)}: {r.stderr.read()}")


def claim_of(task: str) -> str:
    return task.removesuffix(" (original)").rsplit(" mutant ", 1)[0]


def claim_groups(tasks: dict[str, tuple[str, float]], n: int) -> list[list[str]]:
    """The claims (with their mutants) in n groups of about equal serial seconds, longest first."""
    seconds: dict[str, float] = {}
    for name, (_, s) in tasks.items():
        seconds[claim_of(name)] = seconds.get(claim_of(name), 0.0) + s
    groups = [(0.0, i, []) for i in range(n)]
    for claim in sorted(seconds, key=seconds.get, reverse=True):
        total, i, ids = heapq.heappop(groups)
        heapq.heappush(groups, (total + seconds[claim], i, ids + [claim]))
    return [ids for _, _, ids in sorted(groups, key=lambda g: g[1])]


def durations(output: Path) -> dict[str, tuple[str, float]]:
    """Task name -> (kind, seconds) from the journal of the run that wrote `output`."""
    rows = [json.loads(line) for line in Path(f"{output}.journal.jsonl").read_text().splitlines()]
    return {r["task"]: (r["kind"], r["seconds"]) for r in rows}


def work(tasks: dict[str, tuple[str, float]]) -> float:
    """The sum of the tasks' seconds."""
    return sum(s for _, s in tasks.values())


def without_seconds(doc):
    if isinstance(doc, dict):
        return {k: without_seconds(v) for k, v in doc.items() if k != "seconds"}
    return [without_seconds(v) for v in doc] if isinstance(doc, list) else doc


def differences(a, b, path: str = "") -> list[str]:
    """Where two JSON documents differ: a path and both values, for each leaf that differs."""
    if isinstance(a, dict) and isinstance(b, dict):
        return [d for k in sorted(set(a) | set(b)) for d in differences(a.get(k), b.get(k), f"{path}/{k}")]
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        return [d for i, (x, y) in enumerate(zip(a, b))  # an item by its id (a claim), else its index from 0
                for d in differences(x, y, f"{path}[{x.get('id', i) if isinstance(x, dict) else i}]")]
    return [] if a == b else [f"{path}: {json.dumps(a)[:90]} | {json.dumps(b)[:90]}"]


def list_schedule(tasks: list[float], workers: int) -> float:
    """Makespan of independent tasks started longest first, each on the first free worker."""
    free = [0.0] * workers
    for t in sorted(tasks, reverse=True):
        heapq.heappush(free, heapq.heappop(free) + t)
    return max(free)


def grain(tasks: dict[str, tuple[str, float]]) -> dict:
    """Work, critical path, and makespans for WORKERS; a mutant waits for its claim's original check."""
    total = work(tasks)
    originals = {name.removesuffix(" (original)"): s for name, (kind, s) in tasks.items() if kind == "original"}
    chains = {}
    for name, (kind, s) in tasks.items():
        claim = claim_of(name)
        chains[claim] = max(chains.get(claim, 0.0), s + (originals.get(claim, 0.0) if kind == "mutant" else 0.0))
    longest = max(chains, key=chains.get)
    critical = chains[longest]
    flat = [s for _, s in tasks.values()]
    return {"tasks": len(tasks), "work": total, "critical_path": critical, "critical_task": longest,
            "workers": {p: {"ideal": max(critical, total / p), "longest_first": max(critical, list_schedule(flat, p))}
                        for p in WORKERS}}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--jobs", type=int, default=2, help="worker processes of the local cluster (default 2)")
    ap.add_argument("--paper", default="cliff2023", help="the paper whose claims are mutated (default cliff2023)")
    ap.add_argument("--json", metavar="F", help="also write the numbers as JSON to F")
    args = ap.parse_args()
    out = Path(tempfile.mkdtemp(prefix="boundlab-scaling-"))
    runs = {"check --all --quick": (["check", "--all"], ["--quick"]),  # (what, options), parts: (ids, options)
            f"mutate --paper {args.paper}": (["mutate", "--paper", args.paper], [])}
    rows, report = [], {"cores": os.cpu_count(), "jobs": args.jobs, "runs": {}}
    before = os.getloadavg()[0]
    for label, (what, options) in runs.items():
        command, times, firsts, docs, outputs = [*what, *options], {}, {}, {}, {}
        jobs, parallel = f"jobs {args.jobs}", ["--jobs", str(args.jobs)]
        for mode, extra in (("serial", []), (jobs, parallel), ("again", parallel)):  # again: into the same output
            outputs[mode] = outputs[jobs] if mode == "again" else out / f"{command[0]}-{mode.replace(' ', '')}.json"
            times[mode], firsts[mode] = timed([*command, "--json", str(outputs[mode]), *extra])
            docs[mode] = outputs[mode].read_text()
            if mode == jobs:  # the first run's task seconds, before the next run replaces its journal
                work_jobs = work(durations(outputs[jobs]))
        serial_tasks = durations(outputs["serial"])
        parts = [out / f"{command[0]}-part{i}.json" for i in range(args.jobs)]
        run_together([[command[0], *ids, *options, "--json", str(part)]
                      for ids, part in zip(claim_groups(serial_tasks, args.jobs), parts)])
        together = sum(work(durations(p)) for p in parts)
        ceiling = args.jobs / (together / work(serial_tasks))  # N / the machine's inflation for this work
        serial, *others = docs.values()
        base = without_seconds(json.loads(serial))  # parsed once, against each parallel run
        diffs = [f"{label}, serial | {mode}: {d}" for mode, p in zip(list(docs)[1:], others)
                 for d in differences(base, without_seconds(json.loads(p)))]
        same = all(serial == p for p in others) if command[0] == "check" else not diffs
        g = grain(serial_tasks)
        g["work_parts"], g["work_jobs"] = together, work_jobs
        t1, tn, again = times.values()
        rows.append((label, t1, tn, again, ceiling, same, g, (firsts["serial"], firsts[jobs]), diffs))
        report["runs"][label] = {"seconds": times, "first_result": firsts, "speedup": t1 / tn,
                                 "speedup_again": t1 / again, "ceiling": ceiling, "same_json": same,
                                 "differences": diffs, "grain": g}
    print(f"{os.cpu_count()} cores, load average {before:.2f} before and {os.getloadavg()[0]:.2f} after (other "
          f"processes take cores from both runs); serial against --jobs {args.jobs} (wall-clock seconds)\n")
    print(f"{'command':<28} {'serial':>8} {'jobs ' + str(args.jobs):>8} {'speedup':>8} {'ceiling':>8} "
          f"{'of it':>6}  {'first result':>12}   {'again':>6} {'speedup':>8}  same JSON")
    for label, t1, tn, again, ceiling, same, _, (f1, fn), _ in rows:
        print(f"{label:<28} {t1:>8.1f} {tn:>8.1f} {t1 / tn:>7.2f}x {ceiling:>7.2f}x {t1 / tn / ceiling:>6.0%}  "
              f"{f1:>5.1f} / {fn:<4.1f}   {again:>6.1f} {t1 / again:>7.2f}x  {'yes' if same else 'NO'}"
              + ("" if label.startswith("check") else " (apart from seconds)"))
    diffs = [d for row in rows for d in row[-1]]
    if diffs:
        print("\nwhere the JSON differs (path: serial | parallel):\n  " + "\n  ".join(diffs))
    print(f"\nwork (the sum of task seconds): serial, in the ceiling's {args.jobs} processes, on the {args.jobs} "
          f"workers; grain, from the serial runs' task durations (seconds):")
    print(f"{'command':<28} {'tasks':>6} {'work':>8} {'parts':>8} {'workers':>8} {'critical':>9}  " +
          "  ".join(f"{'P=' + str(p) + ' ideal / LPT':>20}" for p in WORKERS) + "   longest task")
    for label, *_, g, _, _ in rows:
        cells = "  ".join(f"{w['ideal']:>9.1f} / {w['longest_first']:>8.1f}" for w in g["workers"].values())
        print(f"{label:<28} {g['tasks']:>6} {g['work']:>8.1f} {g['work_parts']:>8.1f} {g['work_jobs']:>8.1f} "
              f"{g['critical_path']:>9.1f}  {cells}   {g['critical_task']}")
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=2) + "\n")
    return 0 if all(r[5] for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
