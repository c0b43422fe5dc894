"""The `boundlab` command line.

Exit status: 0 when every checked claim came out as expected (true claims hold, registered false claims are
refuted), 1 when any claim is VIOLATED unexpectedly, ERROR, INCONCLUSIVE, or a known-false claim escapes,
2 for usage errors (unknown command or claim id, unreadable file).
"""
from __future__ import annotations

import argparse
import json
import math
import os
import shlex
import sys
import time

from boundlab.numerics.limits import DEFAULT_SECONDS  # stdlib only: cheap at start-up
from boundlab.verify import installed_version
from boundlab.verify.parallel import EngineError  # stdlib only, as above
from boundlab.verify.render import derivation_text, json_default, table

EPILOG = """examples:
  boundlab list
  boundlab show shachaf2021.isotropic_risk_mean
  boundlab check --all --quick
  boundlab check shachaf2021.isotropic_risk_mean --seed 3 --json results.json
  boundlab check --file my_claims.py          (checks the claims defined in that file)
  boundlab worstcase shachaf2021.worst_ratio   (the SDP at every grid point, judged against the claim's bound)
  boundlab scenarios                           (the simulators: inputs, defaults, measured quantities)
  boundlab statistics                          (what a claim's relation can be about: mean, prob, rate, ...)
  boundlab latex shachaf2021.isotropic_risk_law --standalone -o claim.tex
  boundlab snapshot -o theory.snapshot.json     (golden file; later: boundlab snapshot --check ...)
  boundlab mutate classical.am_gm               (how many slips in a claim the checker catches)
  boundlab report --paper shachaf2021 -o appendix  (LaTeX appendix, figures, number macros, PDF)

exit status: 0 all as expected; 1 a claim VIOLATED, ERROR or INCONCLUSIVE (or a known-false claim not
refuted); 2 usage error. Every claim gets at most --time-limit CPU seconds (default 1800)."""


CHECK_HELP = """Check claims and print a verdict table (progress on standard error).

Analytic claims are proved symbolically where SymPy can (PROVED) and otherwise searched for counterexamples,
confirmed at 50 digits (VIOLATED, with the point). Empirical claims are simulated by their scenario at every grid
point: means and variances by confidence intervals, probabilities by Clopper-Pearson, laws by Kolmogorov-Smirnov,
almost-sure claims on every instance; the family-wise error rate per claim is 1e-6 (Bonferroni over grid points).
A VIOLATED verdict carries a replayable witness (seed, grid point, instance, measured vs claimed).

examples:
  boundlab check shachaf2021.isotropic_risk_mean
  boundlab check --all --quick --json results.json
  boundlab check --paper caulking2026 --quick
  boundlab check --file my_claims.py --seed 7"""


DERIVE_HELP = r"""Check derivations: chains e0 = e1 <= e2 < e3 ... under shared hypotheses.

Every step is an analytic claim and goes through the same layers as `check`: falsification first (sampling,
local optimisation, confirmation at 50 digits), then the prover (exact identities, the Lambert W change of
variables, cases of min, max and |u|, sign rules under the domains and hypotheses, z3 for polynomials,
homogeneity, classical lemmas, monotonicity arguments for tight inequalities, interval branch and bound with arb
balls). A derivation is PROVED when every step is; one VIOLATED step refutes it, with the point.

A derivation file is plain Python:

  from boundlab import Derivation, Param, Provenance, Step, SIZE, UNIT_OPEN
  n, delta = Param("n", SIZE), Param("delta", UNIT_OPEN, r"\delta")
  tail = Derivation(
      id="mine.tail", title="A confidence radius", params=(n, delta), hypotheses=("n >= 2",),
      provenance=Provenance("derived", "mine", "Me (2026)"),
      start="sqrt(log(2/delta)/n)",
      steps=[("=", "sqrt((log(2) + log(1/delta))/n)", "log of a quotient"),
             Step("<=", "sqrt(log(2)/n) + sqrt(log(1/delta)/n)", hint="sqrt(a + b) <= sqrt(a) + sqrt(b)",
                  uses="classical.sqrt_subadditive")])

examples:
  boundlab derive my_derivation.py
  boundlab derive my_derivation.py --json out.json --latex chain.tex
  boundlab derive --all"""


MUTATE_HELP = """Mutation testing: how many small slips in each claim does the checker catch?

Each claim that holds is mutated one change at a time (a constant halved or doubled, an exponent scaled by 3/4 or
5/4, a term or factor dropped, log(x) -> log(1/x), a square root removed, the relation reversed, a hypothesis
dropped) and every mutant is checked with the quick budget on the same instances as its original. A mutant is
killed when VIOLATED; true when it is itself a true statement (PROVED, an algebraic rewrite, or implied by the
original as the prover shows: a weaker bound), which no checker may refute; invalid when malformed (ERROR);
otherwise it survived, listed with the likely reason. Kill rate = killed / (killed + survived).

examples:
  boundlab mutate classical.am_gm shachaf2021.isotropic_risk_mean
  boundlab mutate --all --json mutants.json           (the whole catalogue: tens of minutes on 2 cores)
  boundlab mutate --paper wu2022 --min-kill 0.9       (exit status 1 below 90%)"""


SNAPSHOT_HELP = """Golden snapshots: regression tests for theory.

`boundlab snapshot` checks every claim (and the worst-case programs) and writes a golden file: per claim the
statement as written, hypotheses, domains, provenance, expectation, verdict and method, worst-case constants with
solver and tolerance. It never overwrites an existing file without --update.

`boundlab snapshot --check` compares today's claims with the golden file, per claim: unchanged; rewritten but
equivalent (proved symbolically, or equal at 50 digits at sampled points: labelled which); changed meaning (with a
point where old and new differ); hypotheses weakened or strengthened (with a point); provenance or expectation
changed; worst-case constant moved beyond its tolerance; new; vanished. Verdicts are compared too when you pass
--results F (the JSON of `boundlab check --json F`) or --recheck (re-runs every check: slow). Exit status 1 on
any change of meaning, for CI. With --file, the snapshot holds only the claims of those files.

examples:
  boundlab snapshot -o theory.snapshot.json --quick
  boundlab snapshot --check --golden theory.snapshot.json
  boundlab check --all --json results.json && boundlab snapshot --check --results results.json"""


REPORT_HELP = r"""Write a paper-ready report of checked claims into a folder:

  report.tex     a standalone document (compiled to report.pdf when pdflatex is installed)
  appendix.tex   its body, to \input in a paper: summary, verification tables (booktabs), every claim as a
                 theorem-like block (hypotheses as a list, provenance in brackets) with its verdict and figure
  preamble.tex   for the paper's preamble: packages, claim environments, the figures' folder, the macros
  macros.tex     one \newcommand per number quoted in the text (worst-case constants, tightness ratios,
                 fitted slopes and constants, counts), named from the claim id: \blShachafTwoZeroTwoOneWorst...
  figures/*.pdf  measured against claimed with confidence intervals; log-log slopes; worst-case ratios
  report.json    everything, machine-readable; each macro with the JSON pointer of its number

In a paper (the report in the folder boundlab-report beside main.tex):

  boundlab report --all -o boundlab-report
  \input{boundlab-report/preamble}      % in the preamble
  \input{boundlab-report/appendix}      % where the appendix goes
  \bibliography{refs,boundlab-report/references}   % the claims' sources, beside your own

The folder may be anywhere (paths are relative to preamble.tex). Claims are labelled claim:<id with dots as
colons>, derivations derivation:<id>, figures fig:<id>: \ref or \cref (named Claim and Derivation).

Re-run the first line after any change to the theory: the numbers in the text follow. Exit status 1 when a claim
is not as expected or pdflatex reports an error or an overfull box; 2 for bad input.

examples:
  boundlab report --all --quick -o boundlab-report
  boundlab report --paper caulking2026 --seed 3 -o caulking
  boundlab report shachaf2021.worst_ratio --file my_claims.py -o mine
  boundlab report --all --columns 2 --summary --detail caulking2026.error_bound -o two-column"""


class UsageError(Exception):
    pass


def _seconds(text: str) -> float:
    """A --time-limit value: positive seconds, or inf for none."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds") from None
    if not value > 0:
        raise argparse.ArgumentTypeError(f"a time limit must be positive, got {text}")
    return value


def _jobs(text: str) -> int:
    """A --jobs value: a positive number of worker processes."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of worker processes") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"the number of worker processes must be at least 1, got {text}")
    return value


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="boundlab", description="Verify learning-theory bounds: symbolic claims, "
                                "worst-case programs, torch simulation, LaTeX.", epilog=EPILOG,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--version", action="version", version=f"boundlab {installed_version()}")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def with_limit(sp):
        sp.add_argument("--time-limit", type=_seconds, default=DEFAULT_SECONDS, metavar="S",
                        help=f"CPU seconds one claim (or derivation step) may take before it is INCONCLUSIVE "
                             f"'ran past S s' (default {DEFAULT_SECONDS:g}; 'inf' for none). CPU time, so a busy "
                             f"machine does not trip it")
        return sp

    def with_jobs(sp, journal: str):
        g = sp.add_argument_group(
            "running on many cores or a cluster",
            "Each claim (each derivation, each mutant) is a task; the results are the same, byte for byte, wherever "
            "and in whatever order the tasks run (but for a proof that takes its budget's last percent of CPU time: "
            "the same work takes a few percent more CPU time on a busy machine). Every finished task is written at "
            f"once to a journal (JSON lines), {journal}; --resume continues an interrupted run from it, and a later "
            f"run starts the tasks it timed longest first.")
        g.add_argument("--jobs", type=_jobs, default=None, metavar="N",
                       help="run the tasks on a local Dask cluster of N worker processes (default: one after another "
                            "in this process); on a machine with C cores, N = C is the usual choice")
        g.add_argument("--scheduler", metavar="ADDRESS",
                       help="run the tasks on the Dask cluster whose scheduler is at ADDRESS (tcp://host:8786; start "
                            "it with `dask scheduler` and workers with `dask worker ADDRESS --nthreads 1 --preload "
                            "boundlab.verify.parallel`); the workers need the same boundlab, the --file modules are "
                            "sent to them")
        g.add_argument("--journal", metavar="F", help="write the journal to F instead")
        g.add_argument("--resume", action="store_true",
                       help="continue from the journal: tasks it holds are not run again (a claim whose definition "
                            "changed is), the rest are")
        return sp

    def with_file(sp):
        sp.add_argument("--file", action="append", default=[], metavar="PY",
                        help="a Python file, or a quoted glob ('claims/*.py'), defining claims and derivations "
                             "(module-level objects or CLAIMS / DERIVATIONS lists) and scenarios; may be repeated")
        return sp

    sp = with_file(sub.add_parser("list", help="claims and derivations in the catalogue, or in the --file modules "
                                               "only when --file is given"))
    sp.add_argument("--json", action="store_true", help="print JSON rows (id, title, paper, provenance, kind, ...)")

    sp = with_file(sub.add_parser("scenarios", help="the simulators claims can name: built-in, installed (entry "
                                                    "points boundlab.scenarios), and those the --file modules "
                                                    "register; their inputs (type, domain, default, meaning) and "
                                                    "measured quantities"))
    sp.add_argument("name", nargs="?", metavar="NAME", help="only this scenario")
    sp.add_argument("--json", action="store_true", help="print JSON rows (name, description, inputs: type, domain, "
                                                        "required, default and description of each, quantities, "
                                                        "budget, worstcase, defined_in, installed_from)")

    sp = with_file(sub.add_parser("statistics", help="the statistics claims can name (`statistic=`): built-in, those "
                                                     "of installed packages and of the --file modules"))
    sp.add_argument("--json", action="store_true", help="print JSON rows (name, description, relations, kind, "
                                                        "sequential, defined_in)")

    sp = with_file(sub.add_parser("show", help="statement, hypotheses, provenance and LaTeX of a claim"))
    sp.add_argument("id")

    sp = with_file(sub.add_parser("latex", help="LaTeX of a claim: a snippet, or a compilable document"))
    sp.add_argument("id")
    sp.add_argument("--standalone", action="store_true", help="a complete document for pdflatex")
    sp.add_argument("-o", "--output", metavar="F", help="write to F instead of standard output")

    sp = with_file(sub.add_parser(
        "check", help="verdicts: PROVED, CERTIFIED, CONSISTENT, INCONCLUSIVE, VIOLATED or ERROR, with evidence and "
                      "witnesses", formatter_class=argparse.RawDescriptionHelpFormatter,
        description=CHECK_HELP))
    sp.add_argument("ids", nargs="*", metavar="ID", help="claim or derivation ids (see `boundlab list`)")
    sp.add_argument("--all", action="store_true", help="every claim in the catalogue (built in, and installed by "
                                                       "packages: boundlab.catalogues entry points) and the --file "
                                                       "modules; exit status 1 when an installed catalogue failed "
                                                       "to load")
    sp.add_argument("--paper", metavar="KEY", action="append", default=[],
                    help="every claim of one paper (e.g. caulking2026; see `boundlab list`); may be repeated")
    with_limit(sp)
    sp.add_argument("--quick", action="store_true",
                    help="half of each claim's simulation budget: at least 2000 instances per grid point, or 8 "
                         "repetitions per size for rate, trend and bound claims")
    sp.add_argument("--seed", type=int, default=0, help="seed of every random draw (default 0)")
    sp.add_argument("--json", metavar="F", help="write the results as JSON to F ('-' for standard output)")
    with_jobs(sp, "beside the output (--json F: F.journal.jsonl)")

    sp = with_file(sub.add_parser("worstcase", help="worst-case constant by SDP, its eigenvalue form, the "
                                                   "maximising instance replayed, solver diagnostics"))
    sp.add_argument("ids", nargs="+", metavar="ID")
    sp.add_argument("--seed", type=int, default=0)
    sp.add_argument("--point", type=int, default=None,
                    help="only the grid point with this index (default: every grid point)")
    sp.add_argument("--solver", default="CLARABEL", choices=["CLARABEL", "SCS"])
    sp.add_argument("--json", metavar="F", help="write the results as JSON to F ('-' for standard output)")

    sp = with_file(sub.add_parser(
        "snapshot", help="write a golden snapshot of the catalogue, or --check today's claims against it",
        formatter_class=argparse.RawDescriptionHelpFormatter, description=SNAPSHOT_HELP))
    sp.add_argument("--check", action="store_true", help="compare with the golden file instead of writing it")
    sp.add_argument("--golden", "-o", default=None, metavar="F",
                    help="the golden file (default boundlab.snapshot.json)")
    sp.add_argument("--update", action="store_true", help="allow replacing an existing golden file")
    sp.add_argument("--quick", action="store_true", help="check with the quick budget when writing or rechecking")
    sp.add_argument("--results", metavar="F", help="verdicts from `boundlab check --json F` instead of re-checking")
    sp.add_argument("--recheck", action="store_true", help="with --check: re-run every check and compare verdicts")
    sp.add_argument("--allow-unexpected", action="store_true",
                    help="write the golden file even when a claim is not as expected (ERROR, INCONCLUSIVE, ...)")
    with_limit(sp)
    sp.add_argument("--seed", type=int, default=0)
    sp.add_argument("--json", metavar="F", help="with --check: write the findings as JSON to F ('-': stdout)")
    with_jobs(sp, "beside the golden file (F.journal.jsonl)")

    sp = with_file(sub.add_parser(
        "mutate", help="mutation testing: the share of small slips in each claim that the checker catches",
        formatter_class=argparse.RawDescriptionHelpFormatter, description=MUTATE_HELP))
    sp.add_argument("ids", nargs="*", metavar="ID", help="claim ids (see `boundlab list`)")
    sp.add_argument("--all", action="store_true", help="every claim in the catalogue and the --file modules")
    sp.add_argument("--paper", metavar="KEY", action="append", default=[], help="every claim of one paper")
    sp.add_argument("--seed", type=int, default=0, help="seed of every random draw (default 0)")
    sp.add_argument("--json", metavar="F", help="write every mutant and its outcome as JSON to F ('-': stdout)")
    sp.add_argument("--time-limit", type=_seconds, default=60.0, metavar="S",
                    help="CPU seconds one mutant may take; a slower one counts as a survivor (default 60)")
    sp.add_argument("--min-kill", type=float, default=None, metavar="R",
                    help="exit with status 1 when the overall kill rate is below R (e.g. 0.9)")
    with_jobs(sp, "beside the output (--json F: F.journal.jsonl)")

    sp = with_file(sub.add_parser(
        "report", help="a LaTeX appendix of checked claims: statements, verdict tables, figures, number macros, PDF",
        formatter_class=argparse.RawDescriptionHelpFormatter, description=REPORT_HELP))
    sp.add_argument("ids", nargs="*", metavar="ID", help="claim or derivation ids (see `boundlab list`)")
    sp.add_argument("--all", action="store_true", help="every claim and derivation in the catalogue and the --file "
                                                       "modules")
    sp.add_argument("--paper", metavar="KEY", action="append", default=[],
                    help="every claim and derivation of one paper (e.g. caulking2026); may be repeated")
    with_limit(sp)
    sp.add_argument("-o", "--output", default="boundlab-report", metavar="DIR",
                    help="the folder to write into (created if missing; default boundlab-report)")
    sp.add_argument("--quick", action="store_true", help="half of each claim's simulation budget (as in check)")
    sp.add_argument("--seed", type=int, default=0, help="seed of every random draw (default 0)")
    sp.add_argument("--columns", type=int, choices=(1, 2), default=1,
                    help="typeset for a one- or two-column paper (default 1; a one-column appendix switches a "
                         "two-column paper to one column)")
    sp.add_argument("--summary", action="store_true",
                    help="compact: the tables list every claim, but only claims named by --detail (and any not as "
                         "expected) are given in full")
    sp.add_argument("--detail", metavar="ID", action="append", default=[],
                    help="with --summary: a claim or derivation to give in full; may be repeated")
    with_jobs(sp, "in the report's folder (journal.jsonl)")

    sp = with_file(sub.add_parser(
        "derive", help="check derivations step by step: each step proved, refuted or left open",
        formatter_class=argparse.RawDescriptionHelpFormatter, description=DERIVE_HELP))
    sp.add_argument("targets", nargs="*", metavar="PY|ID",
                    help="Python files defining derivations, or ids of catalogue derivations")
    sp.add_argument("--all", action="store_true", help="every derivation in the catalogue (and the files)")
    with_limit(sp)
    sp.add_argument("--seed", type=int, default=0, help="seed of the falsification search (default 0)")
    sp.add_argument("--json", metavar="F", help="write the results as JSON to F ('-' for standard output)")
    sp.add_argument("--latex", metavar="F", help="write a standalone LaTeX document of the checked derivations, "
                                                  "each step with its status mark")
    with_jobs(sp, "beside the output (--json F: F.journal.jsonl)")
    return p


def _registry(files):
    """The catalogue (built in and installed) and the files; an installed catalogue that was not loaded is
    warned about on standard error, naming its distribution and entry point."""
    from boundlab.theory.registry import Registry, RegistryError

    try:
        reg = Registry.catalogue(files)
    except RegistryError as exc:
        raise UsageError(str(exc)) from None
    for why in reg.broken:
        print(f"boundlab: warning: {why}", file=sys.stderr)
    return reg


def _resolve(reg, ids):
    from boundlab.theory.registry import RegistryError

    try:
        return [reg.get(i) for i in ids]
    except RegistryError as exc:
        raise UsageError(str(exc)) from None


def _write_json(results, target):
    _emit_json({"results": [r.to_json() for r in results]}, target)


def _emit_json(doc, target):
    """Write `doc` as JSON to the file `target`, or to standard output for '-'."""
    payload = json.dumps(doc, indent=2, default=json_default)
    if target == "-":
        print(payload)
        return
    try:
        with open(target, "w") as fh:
            fh.write(payload + "\n")
    except OSError as exc:
        raise UsageError(f"--json {target}: cannot write: {exc.strerror}") from None


def _check_writable(target, flag: str) -> None:
    """Refuse an output path before a long run rather than lose its results after it."""
    if not target or target == "-":
        return
    path = os.path.abspath(target)
    folder = os.path.dirname(path)
    if os.path.isdir(path):
        raise UsageError(f"{flag} {target}: cannot write: it is a folder")
    if not os.path.isdir(folder):
        raise UsageError(f"{flag} {target}: cannot write: no folder {folder}")
    if not os.access(folder, os.W_OK) or (os.path.exists(path) and not os.access(path, os.W_OK)):
        raise UsageError(f"{flag} {target}: cannot write: permission denied")


def _engine(args, reg, files, seed, quick, seconds, journal=None):
    """The task engine of a command (`boundlab.verify.parallel`): serial, or on Dask with --jobs / --scheduler; the
    journal at --journal, else at `journal` (beside the output), else none."""
    from boundlab.verify import parallel

    try:
        return parallel.Engine(parallel.setup(files, seed, quick, seconds), reg, args.jobs, args.scheduler,
                               args.journal or journal, args.resume)
    except parallel.EngineError as exc:
        raise UsageError(str(exc)) from None


def _beside(target):
    """The default journal of a --json F run: F.journal.jsonl (none for standard output)."""
    return f"{target}.journal.jsonl" if target and target != "-" else None


def cmd_list(args):
    reg = _registry(args.file)
    claims, derivations = ((reg.from_files, reg.derivations_from_files) if args.file
                           else (list(reg), reg.derivations()))
    rows = [{**c.summary(), "installed_from": reg.origins.get(c.id)} for c in claims] + \
        [{**d.summary(), "installed_from": reg.origins.get(d.id)} for d in derivations]
    if args.json:
        print(json.dumps(rows, indent=2))
        return 0
    width = max(len(r["id"]) for r in rows)
    for r in rows:
        flag = ("  (known false)" if r["expect"] == "VIOLATED" else "") + (
            f"  [installed from {r['installed_from']}]" if r["installed_from"] else "")
        print(f"{r['id']:<{width}}  {r['kind']:<10} {r['provenance']:<13} {r['title']}{flag}")
    return 0


def cmd_scenarios(args):
    from boundlab.theory.registry import RegistryError, expand_files, load_file

    try:
        for f in expand_files(args.file):  # a file may define scenarios only
            load_file(f)
    except RegistryError as exc:
        raise UsageError(str(exc)) from None
    from boundlab.verify.scenarios import SCENARIOS
    from boundlab.verify.scenarios.base import BROKEN

    for why in BROKEN:
        print(f"boundlab scenarios: warning: {why}", file=sys.stderr)
    if args.name is not None and args.name not in SCENARIOS:
        raise UsageError(f"unknown scenario {args.name!r}; known: {', '.join(SCENARIOS)}")
    rows = [s.summary() for name, s in SCENARIOS.items() if args.name in (None, name)]
    if args.json:
        for r in rows:  # strict JSON: an infinite default (e.g. m = inf) as its Python spelling
            for i in r["inputs"].values():
                i["default"] = repr(i["default"]) if isinstance(i["default"], float) and not math.isfinite(
                    i["default"]) else i["default"]
        print(json.dumps(rows, indent=2, default=json_default))
        return 0
    for r in rows:
        width = max(map(len, r["quantities"]), default=0)
        print(f"{r['name']}: {r['description']}")
        print(f"  defined in : {r['defined_in']}" + (f", installed from {r['installed_from']}"
                                                     if r["installed_from"] else ""))
        print("\n".join(_input_lines(r["inputs"])) if r["inputs"] else "  inputs     : none")
        for i, (q, meaning) in enumerate(r["quantities"].items()):
            print(f"  {'measures' if i == 0 else '':<11}: {q:<{width}}  {meaning}")
        for key, unit in (("instances", "instances per grid point"), ("repetitions", "repetitions per sweep value")):
            b = r["budget"][key]
            text = f"{b}" if isinstance(b, int) else _by_quantity(b)
            print(f"  {'by default' if key == 'instances' else '':<11}: {text} {unit}" +
                  (" (rate, trend, bound)" if key == "repetitions" else " (claims that set no samples)"))
        print(f"  worst case : {'yes (it implements instance: worstcase targets)' if r['worstcase'] else 'no'}\n")
    return 0


def cmd_statistics(args):
    from boundlab.theory.registry import RegistryError, expand_files, load_file
    from boundlab.theory.statistic import all_statistics

    try:
        stats = all_statistics()
        for f in expand_files(args.file):  # a file may define statistics only
            load_file(f)
    except (RegistryError, ValueError) as exc:
        raise UsageError(str(exc)) from None
    rows = [s.info() for s in all_statistics().values()]
    if args.json:
        print(json.dumps(rows, indent=2))
        return 0
    width = max(len(r["name"]) for r in rows)
    for r in rows:
        relations = " ".join(r["relations"])
        print(f"{r['name']:<{width}}  {r['kind']:<22} relations {relations:<16} {r['description']}")
        if r["name"] not in stats:
            print(f"{'':<{width}}  defined in {r['defined_in']}")
    return 0


def _input_lines(inputs: dict[str, dict]) -> list[str]:
    """One aligned line per input: name, default (or required), domain, description."""
    def default(i):
        v = i["default"]
        return "required" if i["required"] else repr(float(f"{v:.6g}") if isinstance(v, float) else v)

    cols = [(k, default(i), i["domain"], i["description"]) for k, i in inputs.items()]
    wk, wd, wr = (max(len(c[j]) for c in cols) for j in range(3))
    return [f"  {'inputs' if n == 0 else '':<11}: {k:<{wk}}  {d:<{wd}}  {r:<{wr}}  {m}".rstrip()
            for n, (k, d, r, m) in enumerate(cols)]


def _by_quantity(counts: dict[str, int]) -> str:
    """'4000 (64 for L_gd, gd_gap)': the commonest budget, then the quantities that differ from it."""
    values = list(counts.values())
    common = max(values, key=values.count)  # the first quantity's on a tie
    other: dict[int, list[str]] = {}
    for q, n in counts.items():
        if n != common:
            other.setdefault(n, []).append(q)
    return f"{common} (" + "; ".join(f"{n} for {', '.join(qs)}" for n, qs in other.items()) + ")"


def _show_derivation(d) -> int:
    from boundlab.theory.latex import derivation_latex

    print(f"{d.id}: {d.title}")
    print(f"  start     : {d.step_claims[0].left.source}")
    for i, (step, c) in enumerate(zip(d.steps, d.step_claims), 1):
        print(f"  step {i:<4} : {step.rel} {c.right.source}" + (f"   [{step.hint}]" if step.hint else "") +
              (f"   (uses {step.uses})" if step.uses else ""))
    print(f"  relation  : start {d.relation or 'has no relation to'} end")
    for p in d.params:
        print(f"  parameter : {p.name} in {p.domain.describe()}  {p.description}")
    if d.conditions:
        print(f"  hypotheses: {', '.join(h.source for h in d.conditions)}")
    print(f"  provenance: {d.provenance.kind}: {d.provenance.label()}")
    if d.doc:
        print(f"  about     : {d.doc}")
    print("  LaTeX     :")
    print("\n".join("    " + line for line in derivation_latex(d).splitlines()))
    return 0


def cmd_show(args):
    from boundlab.theory.latex import claim_latex

    reg = _registry(args.file)
    derivation = next((d for d in reg.derivations() if d.id == args.id), None)
    if derivation is not None:
        return _show_derivation(derivation)
    c = _resolve(reg, [args.id])[0]
    print(f"{c.id}: {c.title}")
    print(f"  statement : {c.statement_text()}")
    for p in c.params:
        print(f"  parameter : {p.name} in {p.domain.describe()}  {p.description}")
    for q in c.quantities:
        print(f"  measured  : {q.name}: {q.description}")
    print(f"  kind      : {c.kind} ({c.statistic})" + (f", scenario {c.scenario}" if c.scenario else ""))
    print(f"  provenance: {c.provenance.kind}: {c.provenance.label()}")
    if c.expect == "VIOLATED":
        print("  expected  : VIOLATED (a registered known-false claim)")
    if c.worstcase:
        print(f"  worst case: sup of {c.worstcase} (boundlab worstcase {c.id})")
    if c.grid:
        from boundlab.verify.measure import budget
        from boundlab.verify.scenarios import ScenarioError

        each = "repetitions per sweep value" if c.stat.curve else "instances each"
        try:
            size = f"{budget(c, False)} {each}" + ("" if c.samples else " (the scenario's default)")
        except ScenarioError as exc:  # an unknown scenario: `check` reports it as the claim's error
            size = f"the scenario's default {each}, unknown here: {exc}"
        print(f"  grid      : {len(c.grid)} point(s), {size}: " +
              "; ".join(json.dumps(p) for p in c.grid[:3]) + (" ..." if len(c.grid) > 3 else ""))
    if c.doc:
        print(f"  about     : {c.doc}")
    print("  LaTeX     :")
    print("\n".join("    " + line for line in claim_latex(c).splitlines()))
    return 0


def cmd_latex(args):
    from boundlab.theory.latex import claim_latex, derivation_latex, standalone

    reg = _registry(args.file)
    derivation = next((d for d in reg.derivations() if d.id == args.id), None)
    if derivation is not None:
        _check_writable(args.output, "-o")
        text = standalone([], [derivation]) if args.standalone else derivation_latex(derivation)
    else:
        c = _resolve(reg, [args.id])[0]
        _check_writable(args.output, "-o")
        text = standalone([c]) if args.standalone else claim_latex(c)
    if args.output:
        try:
            with open(args.output, "w") as fh:
                fh.write(text)
        except OSError as exc:
            raise UsageError(f"-o {args.output}: cannot write: {exc.strerror}") from None
        print(f"wrote {args.output}" + (f"; compile with: pdflatex {args.output}" if args.standalone else ""),
              file=sys.stderr)
    else:
        print(text)
    return 0


def _paper_claims(reg, keys) -> list:
    """The claims of the catalogue modules (or cited papers) named by `keys`: `caulking2026` selects the ids
    `caulking2026.*`, including the classical results that module cites. An unknown key is a usage error."""
    def keys_of(c):
        return {c.id.split(".")[0], c.provenance.paper}
    papers = sorted(set().union(*(keys_of(c) for c in reg)))
    for key in keys:
        if key not in papers:
            raise UsageError(f"unknown paper key {key!r}; known: {', '.join(papers)}")
    return [c for c in reg if keys_of(c) & set(keys)]


def _selection(args, verb: str, every_derivation: bool = False):
    """(registry, claims, derivations) named on the command line, the registry loaded once. Ids may name claims or
    derivations; --all selects every claim (and every derivation when `every_derivation`); --paper a paper's
    claims and derivations; --file alone the file's claims and derivations."""
    reg = _registry(args.file)
    known = {d.id: d for d in reg.derivations()}
    derivations = [known[i] for i in args.ids if i in known]
    ids = [i for i in args.ids if i not in known]
    if args.all:
        claims = list(reg)
        if every_derivation:
            derivations = reg.derivations()
    elif ids or args.paper:
        claims = _resolve(reg, ids) + _paper_claims(reg, args.paper)
        derivations += [d for d in reg.derivations() if d.id.split(".")[0] in args.paper and d not in derivations]
    elif derivations:
        claims = []
    elif args.file:
        claims, derivations = reg.from_files, reg.derivations_from_files
    else:
        raise UsageError(f"name claim ids, or use --all, --paper KEY, or --file PY to {verb} a file's claims")
    return reg, claims, derivations


def cmd_check(args):
    reg, claims, derivations = _selection(args, "check")
    _check_writable(args.json, "--json")
    from boundlab.verify.parallel import Task

    start = time.perf_counter()
    engine = _engine(args, reg, args.file, args.seed, args.quick, args.time_limit, _beside(args.json))
    engine.progress.enabled = len(claims) + len(derivations) > 1
    with engine:
        found = engine.map([Task("check", c.id) for c in claims] + [Task("derive", d.id) for d in derivations])
    results, derived = found[:len(claims)], found[len(claims):]
    if args.json:
        _write_json(results + derived, args.json)
    if args.json != "-":
        if results:
            print(table(results))
        for d, r in zip(derivations, derived):
            print("\n" + derivation_text(d, r))
        if derived:
            print(f"{sum(r.as_expected for r in derived)} of {len(derived)} derivations as expected")
        installed = [c.id for c in [*claims, *derivations] if c.id in reg.origins]
        if installed:
            print(f"{len(installed)} of them installed from "
                  + ", ".join(sorted({reg.origins[i] for i in installed})))
        if args.all and reg.broken:
            print(f"not every claim was checked: {len(reg.broken)} installed catalogue(s) could not be loaded "
                  f"(see the warnings)")
        print(f"seed {args.seed}, {'quick' if args.quick else 'full'} budget, {time.perf_counter() - start:.1f}s")
    good = all(r.as_expected for r in results + derived) and not (args.all and reg.broken)
    return 0 if good else 1


def cmd_worstcase(args):
    claims = _resolve(_registry(args.file), args.ids)
    _check_writable(args.json, "--json")
    from boundlab.verify.worstcase import run_worst_cases

    results = [w for c in claims for w in run_worst_cases(c, seed=args.seed, solver=args.solver,
                                                           points=None if args.point is None else [args.point])]
    if args.json:
        _write_json(results, args.json)
    if args.json != "-":
        for r in results:
            print(_worstcase_text(r))
        good = sum(r.verdict == "CERTIFIED" for r in results)
        print(f"{good} of {len(results)} worst-case program(s) CERTIFIED within the claimed bound")
    return 0 if all(r.verdict == "CERTIFIED" for r in results) else 1


def _worstcase_text(r) -> str:
    """One worst-case program's result: the constant against the claimed bound, the solver's certificate, the
    replayed witness."""
    e = r.evidence
    if "constant" not in e:
        return f"{r.id}: {r.verdict}\n  {e.get('error', '')}"
    lines = [f"{r.id}: {r.verdict}",
             f"  {e['target']}, instance drawn at {json.dumps(e['point'])} (seed {e['seed']})",
             f"  SDP constant      : {e['constant']:.12g}   ({e['solver']}, status {e['status']})",
             f"  eigenvalue form   : {e['eigenvalue_form']:.12g}   relative difference {e['relative_difference']:.2e}",
             f"  witness replayed  : {e['replayed_value']:.12g}   relative difference "
             f"{e['replay_relative_difference']:.2e}"]
    diag = e["diagnostics"]
    lines.append(f"  solver residuals  : primal {diag['primal_residual']:.2e}, dual {diag['dual_residual']:.2e}, "
                 f"relative gap {diag['gap']:.2e}; {diag.get('iterations', '?')} iterations, {r.seconds:.2f}s")
    lines.append(f"  certified upper   : {diag['certified_upper']:.12g}   (dual bound, corrected by the dual "
                 f"residual); rank-1 ratio of Z {diag['rank1_ratio']:.1e}")
    if "bound" in e:
        ok = {"CERTIFIED": "respected", "VIOLATED": "BROKEN", "INCONCLUSIVE": "undecided"}.get(r.verdict, "")
        lines.append(f"  claimed bound     : constant {e['relation']} {e['bound']:.12g}: {ok}")
    if e.get("error") or e.get("note"):
        lines.append(f"  {e.get('error') or e.get('note')}")
    if r.witness:
        name = next(iter(k for k in r.witness if isinstance(r.witness[k], list)), None)
        if name:
            w = r.witness[name]
            shown = ", ".join(f"{x:.4g}" for x in w[:6]) + (", ..." if len(w) > 6 else "")
            lines.append(f"  witness {name}: [{shown}]")
    return "\n".join(lines)


def _load_results(path):
    from boundlab.verify.verdict import Result

    try:
        rows = json.loads(open(path).read())["results"]
        return {r["id"]: Result.from_json(r) for r in rows}
    except OSError as exc:
        raise UsageError(f"--results {path}: cannot read: {exc.strerror}") from None
    except (ValueError, KeyError, TypeError) as exc:
        raise UsageError(f"--results {path}: not the JSON of `boundlab check --json` ({exc})") from None


def cmd_snapshot(args):
    from boundlab.verify import snapshot as snap

    reg = _registry(args.file)
    # a theory repository snapshots its own claims and derivations
    claims, derivations = ((reg.from_files, reg.derivations_from_files) if args.file
                           else (list(reg), reg.derivations()))
    subjects = snap.subjects(claims, derivations)
    path = args.golden or snap.DEFAULT_PATH
    results = _load_results(args.results) if args.results else None

    def check_now(chosen):
        from boundlab.verify.parallel import Task

        if not chosen:
            return {}

        steps = {c.id: Task("step", d.id, i) for d in derivations for i, c in enumerate(d.step_claims)}
        engine = _engine(args, reg, args.file, args.seed, args.quick, args.time_limit, _beside(path))
        with engine:
            return {r.id: r for r in engine.map([steps.get(c.id) or Task("check", c.id) for c in chosen])}
    try:
        if not args.check:
            if os.path.exists(path) and not args.update:
                raise snap.SnapshotError(f"{path} exists; `boundlab snapshot --update` replaces it (nothing was "
                                         "written)")
            results = check_now(subjects) if results is None else {
                **results, **check_now([c for c in subjects if c.id not in results])}  # what --results lacks
            bad = snap.unexpected(claims, derivations, results)
            if bad and not args.allow_unexpected:
                raise snap.SnapshotError(
                    f"not as expected (ERROR, INCONCLUSIVE, an escaped known-false claim, or no result): "
                    f"{', '.join(bad)}; a golden file records the baseline, so nothing was written. Fix them, or "
                    f"record them anyway with --allow-unexpected")
            doc = snap.take(subjects, results, snap.worst_cases(subjects, args.seed))
            snap.write(path, doc, update=args.update)
            print(f"wrote {path}: {len(claims)} claims" + (f", {len(derivations)} derivations "
                  f"({len(subjects) - len(claims)} steps)" if derivations else "") + f", format {snap.FORMAT}"
                  + (f"; not as expected: {', '.join(bad)}" if bad else ""))
            return 1 if bad else 0
        doc = snap.load(path)
        if args.recheck:
            results = check_now(subjects)
        report = snap.compare(doc, subjects, results, snap.worst_cases(subjects, args.seed))
    except snap.SnapshotError as exc:
        print(f"boundlab snapshot: {exc}", file=sys.stderr)
        return 1
    if args.json:
        _emit_json(report.to_json(), args.json)
    if args.json != "-":
        print(report.text())
    return 0 if report.ok else 1


def cmd_mutate(args):
    reg, claims, derivations = _selection(args, "mutate")
    if derivations and not claims:
        raise UsageError(f"{', '.join(d.id for d in derivations)}: mutation testing works on claims; a derivation's "
                         f"steps are claims `<id>.step<i>` checked by `boundlab derive`")
    if args.min_kill is not None and not 0 <= args.min_kill <= 1:
        raise UsageError(f"--min-kill must be a rate between 0 and 1, got {args.min_kill}")
    _check_writable(args.json, "--json")
    from boundlab.verify.mutate import Mutant, kill_rate
    from boundlab.verify.parallel import Task

    def mutants(task, result):  # a claim's mutants, once its original is checked
        return [Task("mutant", task.id, i, m[2]) for i, m in enumerate(result[1])] if task.kind == "original" else []

    engine = _engine(args, reg, args.file, args.seed, True, args.time_limit, _beside(args.json))
    with engine:
        found = engine.run([Task("original", c.id) for c in claims], mutants)
    reports = []
    for claim in claims:
        task = Task("original", claim.id)
        rep, described = found[task]
        rep.seconds = engine.seconds[task]
        for i, (operator, where, description) in enumerate(described):
            m = Task("mutant", claim.id, i, description)
            rep.mutants.append(Mutant(operator, where, description, None, *found[m]))
            rep.seconds += engine.seconds[m]
        reports.append(rep)
    killed, survived, rate = kill_rate(reports)
    summary = {"killed": killed, "survived": survived, "kill_rate": rate,
               "true": sum(r.count("true") for r in reports), "invalid": sum(r.count("invalid") for r in reports),
               "skipped": [r.id for r in reports if r.skipped]}
    if args.json:
        _emit_json({"summary": summary, "claims": [r.to_json() for r in reports]}, args.json)
    if args.json != "-":
        width = max([len(r.id) for r in reports] + [5])
        print(f"{'claim':<{width}}  killed  survived  true  invalid")
        for r in reports:
            print(f"{r.id:<{width}}  " + (f"skipped: {r.skipped}" if r.skipped else
                  f"{r.count('killed'):>6}  {r.count('survived'):>8}  {r.count('true'):>4}  {r.count('invalid'):>7}"))
        survivors = [(r.id, m) for r in reports for m in r.mutants if m.outcome == "survived"]
        if survivors:
            print("\nsurvivors:")
            for cid, m in survivors:
                print(f"  {cid}: {m.operator} ({m.where}: {m.description}) -> {m.verdict}; {m.reason}")
        print(f"\nkill rate {rate:.1%}: {killed} killed, {survived} survived; {summary['true']} mutants are true "
              f"statements, {summary['invalid']} invalid; {len(summary['skipped'])} claim(s) not mutated")
    return 1 if args.min_kill is not None and not rate >= args.min_kill else 0


def cmd_report(args):
    reg, claims, derivations = _selection(args, "report on", every_derivation=True)
    from boundlab.verify import report

    command = "boundlab " + " ".join(shlex.quote(a) for a in args.argv)
    known = {c.id for c in claims} | {d.id for d in derivations}
    unknown = [i for i in args.detail if i not in known]
    if unknown:
        raise UsageError(f"--detail {unknown[0]}: not among the claims and derivations of this report")
    if args.detail and not args.summary:
        raise UsageError("--detail names the claims given in full in a --summary report; add --summary")
    layout = report.Layout(columns=args.columns, summary=args.summary, detail=frozenset(args.detail))
    try:
        report.prepare_folder(args.output)  # before the journal is written into it
    except report.ReportError as exc:
        raise UsageError(str(exc)) from None
    engine = _engine(args, reg, args.file, args.seed, args.quick, args.time_limit,
                     os.path.join(args.output, "journal.jsonl"))

    def runner(claims, derivations, *_):  # each claim's check, worst cases and figure, then the derivations
        import dataclasses

        from boundlab.verify.parallel import Task

        with engine:
            found = engine.map([Task("report", c.id) for c in claims] + [Task("derive", d.id) for d in derivations])
        return ([dataclasses.replace(e, claim=c) for c, e in zip(claims, found)],
                list(zip(derivations, found[len(claims):])))
    try:
        doc, results = report.build(claims, derivations, reg, args.output, seed=args.seed, quick=args.quick,
                                    command=command, seconds=args.time_limit, layout=layout,
                                    progress=lambda line: print(line, file=sys.stderr, flush=True), runner=runner)
    except report.ReportError as exc:
        raise UsageError(str(exc)) from None
    s, latex = doc["summary"], doc["latex"]
    if results:
        print(table(results))
    print(f"wrote {args.output}/: {', '.join(f for f in doc['files'] if not f.startswith('figures/'))} and "
          f"{sum(f.startswith('figures/') for f in doc['files'])} figure(s); {len(doc['macros'])} number macros")
    print(f"{s['as_expected']} of {s['claims']} claims as expected"
          + (f", {s['derivations_proved']} of {s['derivations']} derivations proved" if s["derivations"] else ""))
    failed = [c["id"] for c in doc["claims"] if not c["result"]["as_expected"]]
    if failed:
        print("not as expected: " + ", ".join(failed))
    if latex["compiled"]:
        print(f"{args.output}/report.pdf: {latex['pages']} pages")
        for line in latex["overfull"][:10]:
            print(f"  LaTeX: {line}")
        if latex["undefined"]:
            print(f"  LaTeX: {latex['undefined'][0]}")
    else:
        print(latex["message"], file=sys.stderr)
    bad_tex = latex["engine"] is not None and (not latex["compiled"] or latex["overfull"] or latex["undefined"])
    return 1 if failed or bad_tex else 0


def _derivation_targets(args):
    """(registry, derivations, files) named by the command line: files, ids, or --all."""
    files = [t for t in args.targets if t.endswith(".py") or os.path.isfile(t)]
    ids = [t for t in args.targets if t not in files]
    reg = _registry([*args.file, *files])
    if files:
        loaded = {d.id for d in reg.derivations_from_files}
        if not loaded:
            raise UsageError(f"{', '.join(files)}: defines no derivation (module-level Derivation objects or a "
                             f"DERIVATIONS list); `boundlab derive --help` shows one")
    from boundlab.theory.registry import RegistryError

    try:
        chosen = [reg.derivation(i) for i in ids]
    except RegistryError as exc:
        raise UsageError(str(exc)) from None
    if args.all:
        chosen += reg.derivations()
    elif files:
        chosen += reg.derivations_from_files
    if not chosen:
        raise UsageError("name derivation files or ids, or use --all")
    return reg, list({d.id: d for d in chosen}.values()), files


def cmd_derive(args):
    reg, derivations, files = _derivation_targets(args)
    _check_writable(args.json, "--json")
    _check_writable(args.latex, "--latex")
    from boundlab.verify.parallel import Task

    engine = _engine(args, reg, [*args.file, *files], args.seed, False, args.time_limit, _beside(args.json))
    engine.progress.enabled = len(derivations) > 1
    with engine:
        results = engine.map([Task("derive", d.id) for d in derivations])
    if args.json:
        _write_json(results, args.json)
    if args.latex:
        from boundlab.theory.latex import standalone

        verdicts = {r.id: [s["verdict"] for s in r.evidence["steps"]] for r in results if "steps" in r.evidence}
        with open(args.latex, "w") as fh:
            fh.write(standalone([], derivations, verdicts))
    if args.json != "-":
        print("\n\n".join(derivation_text(d, r) for d, r in zip(derivations, results)))
        good = sum(r.as_expected for r in results)
        print(f"\n{good} of {len(results)} derivations as expected")
    return 0 if all(r.as_expected for r in results) else 1


def _torch_threads() -> None:
    """Torch on one thread, unless OMP_NUM_THREADS says otherwise: its parallel reductions add in an order that
    depends on the thread count, so that one count gives the same numbers on any machine, serially and in every
    worker of --jobs; and the process is the unit of parallelism (one thread spinning at a barrier beside a busy
    process stalled a scenario 70x)."""
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    if "torch" in sys.modules:  # imported already (main called from Python): set its pool too
        sys.modules["torch"].set_num_threads(int(os.environ["OMP_NUM_THREADS"]))


def main(argv=None) -> int:
    args = _parser().parse_args(argv)
    _torch_threads()
    if getattr(args, "jobs", None) and not args.scheduler:  # the local cluster starts while we load boundlab
        from boundlab.verify import parallel

        parallel.start_local_cluster(args.jobs)
    args.argv = list(sys.argv[1:] if argv is None else argv)
    try:
        return {"list": cmd_list, "scenarios": cmd_scenarios, "statistics": cmd_statistics, "show": cmd_show, "latex": cmd_latex, "check": cmd_check,
                "worstcase": cmd_worstcase, "derive": cmd_derive,
                "mutate": cmd_mutate, "snapshot": cmd_snapshot, "report": cmd_report}[args.command](args)
    except (UsageError, EngineError) as exc:
        print(f"boundlab {args.command}: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # the reader went away (e.g. `| head`): stop quietly, the output is incomplete
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    finally:
        from boundlab.verify.parallel import stop_local_clusters

        stop_local_clusters()  # one the command did not take (it stopped on an error first)


if __name__ == "__main__":
    sys.exit(main())
