"""Run N generated claims through the whole pipeline and its invariants, on several processes, and print a table.

    python tests/fuzz/run.py [N] [--seed S] [--start I] [--workers W] [--out DIR] [--prove-seconds T] [--timeout T]

(`python3 dev.py fuzz [N]` sets up, then runs this with the virtual environment's python.) Claim i draws its
randomness from (seed, i) alone, so a run is reproducible whatever the number of workers. The table gives, per kind
of generated claim, how many were tried, their verdicts, the invariant failures, the misses (a false claim left
CONSISTENT, a true one left unproved, an exact simulated claim left INCONCLUSIVE: weaknesses, not defects) and the
CPU time. The first failing claims are written to DIR as claim files (`boundlab check --file DIR/<file>` replays
them). Exit status 1 on any invariant failure.
"""
from __future__ import annotations

import argparse
import collections
import multiprocessing
import random
import signal
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent / "numerics")]

KEEP = 10  # failing claims written out
MEMORY = 8 * 2 ** 30  # bytes of address space per worker


class ClaimTimeout(BaseException):
    """One claim ran past its time limit (a BaseException, so that the pipeline's own handlers let it through)."""


def _alarm(signum, frame):
    raise ClaimTimeout()


def _init(prove_seconds: float) -> None:
    import resource

    import torch

    # a claim that makes SymPy build a huge object fails with MemoryError, a finding, instead of the kernel's OOM
    # killer taking the worker (and the pool) down
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))

    import boundlab.numerics.prover

    torch.set_num_threads(1)
    boundlab.numerics.prover.SECONDS = prove_seconds
    signal.signal(signal.SIGALRM, _alarm)


def generate(seed: int, index: int):
    """Claim `index` of run `seed`, and the random stream its checks go on with."""
    from claims import ANALYTIC, draw_kind, simulated

    rnd = random.Random(f"{seed}:{index}")
    kind, cid = draw_kind(rnd), f"fuzz.s{seed}_{index}"
    return (simulated(rnd, cid) if kind == "simulated" else ANALYTIC[kind](rnd, cid)), rnd


def task(args) -> list[dict]:
    """The outcomes of one generated claim, as plain data for the parent process."""
    seed, index, timeout = args
    from invariants import judge

    start = time.process_time()
    gen = None
    signal.alarm(timeout)
    try:
        gen, rnd = generate(seed, index)
        outcomes = [vars(o) for o in judge(gen, seed, rnd)]
    except ClaimTimeout:
        outcomes = [{"kind": gen.kind if gen else "?", "verdict": "TIMEOUT", "misses": [], "source":
                     gen.source if gen else "", "failures": [f"no verdict within {timeout} s"]}]
    except Exception as exc:  # noqa: BLE001 - a crash of the harness or of the pipeline is a finding too
        outcomes = [{"kind": gen.kind if gen else "?", "verdict": "CRASH", "misses": [],
                     "source": gen.source if gen else "", "failures": [f"{type(exc).__name__}: {exc}"]}]
    finally:
        signal.alarm(0)
    seconds = (time.process_time() - start) / len(outcomes)
    return [{**o, "index": index, "seconds": seconds} for o in outcomes]


def _lost(jobs, rows) -> list[dict]:
    """The claims that never reported: their worker process died (a finding: check must never take it down)."""
    seen = {r["index"] for r in rows}
    return [{"kind": "?", "verdict": "LOST", "misses": [], "source": generate(seed, index)[0].source,
             "failures": ["no result: the worker process died while checking it"], "index": index, "seconds": 0.0}
            for seed, index, _ in jobs if index not in seen]


VERDICTS = ("PROVED", "CONSISTENT", "INCONCLUSIVE", "VIOLATED", "ERROR")


def table(rows: list[dict], wall: float) -> str:
    by_kind = collections.defaultdict(list)
    for r in rows:
        by_kind[r["kind"]].append(r)
    head = f"{'kind':28} {'tried':>6} " + " ".join(f"{v:>12}" for v in VERDICTS) + \
        f" {'other':>6} {'failures':>9} {'misses':>7} {'cpu s/claim':>12}"
    lines = [head, "-" * len(head)]
    for kind, rs in sorted(by_kind.items()) + [("total", rows)]:
        if kind == "total":
            lines.append("-" * len(head))
        counts = collections.Counter(r["verdict"] for r in rs)
        lines.append(f"{kind:28} {len(rs):>6} " + " ".join(f"{counts[v]:>12}" for v in VERDICTS) +
                     f" {sum(c for v, c in counts.items() if v not in VERDICTS):>6}"
                     f" {sum(bool(r['failures']) for r in rs):>9} {sum(bool(r['misses']) for r in rs):>7}"
                     f" {sum(r['seconds'] for r in rs) / max(len(rs), 1):>12.3f}")
    cpu = sum(r["seconds"] for r in rows)
    lines.append(f"{len(rows)} checks in {wall:.0f} s wall, {cpu:.0f} s CPU in the workers "
                 f"({len(rows) / max(wall, 1e-9):.2f} checks/s)")
    return "\n".join(lines)


def write_failures(rows: list[dict], out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for r in [r for r in rows if r["failures"]][:KEEP]:
        path = out / f"fuzz_{r['index']}.py"
        header = "".join(f"# FAILURE: {line}\n" for f in r["failures"] for line in f.splitlines())
        path.write_text(header + r["source"])
        written.append(path)
    return written


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("n", nargs="?", type=int, default=1000, help="how many claims (default 1000)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--start", type=int, default=0, help="the first claim's index (continue a stopped run)")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--out", type=Path, default=Path("build/fuzz-failures"), help="where failing claims go")
    ap.add_argument("--prove-seconds", type=float, default=1.0,
                    help="the prover's time budget per claim (default 1 s; `boundlab check` gives it 8 s)")
    ap.add_argument("--timeout", type=int, default=300, help="wall-clock limit per claim, in seconds (default 300)")
    args = ap.parse_args(argv)
    import invariants  # noqa: F401 - imported once here, shared by the forked workers

    start, rows = time.perf_counter(), []
    jobs = [(args.seed, i, args.timeout) for i in range(args.start, args.start + args.n)]
    with multiprocessing.get_context("fork").Pool(args.workers, _init, (args.prove_seconds,)) as pool:
        results = pool.imap_unordered(task, jobs)
        for done in range(1, len(jobs) + 1):
            try:  # a worker that dies (a C library aborting) loses its claim, and the pool would wait forever
                outcomes = results.next(timeout=2 * args.timeout + 60)
            except multiprocessing.TimeoutError:
                outcomes = _lost(jobs, rows)
                pool.terminate()
            rows += outcomes
            for r in outcomes:  # as they come, so that a long run shows its findings before it ends
                if r["failures"]:
                    print(f"\r\033[Kclaim {r['index']} ({r['kind']}, {r['verdict']}): " + "; ".join(r["failures"]),
                          file=sys.stderr, flush=True)
            failures = sum(bool(r["failures"]) for r in rows)
            print(f"\r[{done}/{args.n}] {time.perf_counter() - start:.0f} s, {failures} failure(s)", end="",
                  file=sys.stderr, flush=True)
            if len({r["index"] for r in rows}) == len(jobs):
                break
    print(file=sys.stderr)
    rows.sort(key=lambda r: r["index"])
    print(f"seed {args.seed}, {args.n} generated claims, prover budget {args.prove_seconds:g} s per claim")
    print(table(rows, time.perf_counter() - start))
    failing = [r for r in rows if r["failures"]]
    for r in failing[:KEEP]:
        print(f"\nclaim {r['index']} ({r['kind']}, {r['verdict']}):\n  " + "\n  ".join(r["failures"]))
    if failing[KEEP:]:
        print(f"\nand {len(failing) - KEEP} more: claims {', '.join(str(r['index']) for r in failing[KEEP:])}")
    if failing:
        files = write_failures(rows, args.out)
        print(f"\n{len(failing)} failing claim(s); the first {len(files)} written to {args.out}/ "
              f"(replay: boundlab check --file {files[0]})")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
