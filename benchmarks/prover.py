"""Benchmark of the analytic prover on the claims and derivations of `benchmarks/analytic_claims.py`.

What: for every item, the verdict of `boundlab check` (falsification, then the layered prover) or of `boundlab
derive`, the method and the time; then the share of true items PROVED, of wrong items VIOLATED, and the median and
maximum time. Baselines in the same run, on the same true claims (derivation steps included):
  (b1) SymPy alone: `simplify(lhs - rhs) == 0` for identities, SymPy's assumptions (`is_positive` /
       `is_nonnegative` of the simplified gap) for inequalities: the tool a researcher has without boundlab;
  (b2) interval branch and bound alone (arb balls, no symbolic layer), 10 s per claim (`--seconds`);
  (b3) z3 alone, on the claims it can read (polynomial after clearing a denominator);
each of (b2) and (b3) is a layer of the prover run on its own (`boundlab.numerics.prover.LAYERS`);
  (b4) the peer prover cvc5 (benchmarks/peers.py): the claim's negation, with its domain and hypotheses, translated
       to SMT-LIB (log, roots and symbolic powers by auxiliary variables), proved when cvc5 answers unsat;
  (b5) z3 on the same translation (unlike (b3), it reads roots, exp, log and symbolic powers); dReal too when it can
       be installed (it cannot here: the line says why).
A peer's time is the solver's own in its child process (no process start-up, no check against a vacuous proof).
Each method's row: the true claims (and true derivation steps) it proves, its median and maximum time per true
claim, and the wrong items it "proves" (a wrong claim, or every step of a wrong derivation): any would be a false
proof (for a peer, a translation bug), and the run then exits with status 1.
With `--audit N`, every PROVED claim and step is also evaluated at N random domain points at 50 digits; a
violation there would be a false proof (the test suite runs the same audit).

    .venv/bin/python benchmarks/prover.py                 # the table, the summary, the baselines
    .venv/bin/python benchmarks/prover.py --json out.json --audit 100000
    .venv/bin/python benchmarks/prover.py --peers-only --limit 20 --seconds 3   # the baselines only, fast
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))


def sympy_alone(claim) -> bool:
    import sympy as sp

    lhs, rhs = claim.left.expr, claim.right.expr
    if claim.rel == "=":
        return sp.simplify(lhs - rhs) == 0
    gap = sp.simplify(rhs - lhs if claim.rel in ("<", "<=") else lhs - rhs)
    return bool(gap.is_positive if claim.rel in ("<", ">") else gap.is_nonnegative)


def layer_alone(name: str, claim, seconds: float) -> bool:
    """Whether the prover layer `name` proves the claim on its own, within `seconds`."""
    from boundlab.numerics.prover import LAYERS, Budget, Goal

    layer = next(layer for layer in LAYERS if layer.name == name)
    return Budget(seconds).run(layer, Goal.of(claim)) is not None


def _timed(fn, claim) -> dict:
    """A baseline's answer on one claim: proved or not, and the time."""
    t0 = time.perf_counter()
    try:
        proved = bool(fn(claim))
        outcome = "proved" if proved else "not proved"
    except Exception as exc:  # a baseline that fails on a claim has not proved it
        proved, outcome = False, f"error: {type(exc).__name__}"
    return {"proved": proved, "outcome": outcome, "seconds": time.perf_counter() - t0}


def _peer(fn, claim) -> dict:
    res = fn(claim)
    return {"proved": res.proved, "outcome": res.outcome, "seconds": res.seconds, "detail": res.detail}


def baselines(true_claims, wrong_units, seconds: float, with_boundlab: bool) -> dict:
    """Every method's answer on every true claim and on every claim of the wrong units (a wrong claim, or the steps
    of a wrong derivation): {method: {claim id: answer}}."""
    from boundlab.verify.check import check
    from peers import available, prove

    def ours(c):
        res = check(c)
        return {"proved": res.verdict == "PROVED", "outcome": res.verdict, "seconds": res.seconds}

    methods = {}
    if with_boundlab:
        methods["boundlab (all layers)"] = ours
    methods["SymPy alone"] = lambda c: _timed(sympy_alone, c)
    methods["z3 alone (boundlab's smt layer)"] = lambda c: _timed(lambda c: layer_alone("smt", c, seconds), c)
    methods["interval B&B alone"] = lambda c: _timed(lambda c: layer_alone("intervals", c, seconds), c)
    if available("cvc5") is None:
        methods["cvc5"] = lambda c: _peer(lambda c: prove(c, "cvc5", seconds), c)
    methods["z3 (peer translation)"] = lambda c: _peer(lambda c: prove(c, "z3", seconds), c)
    claims = [*true_claims, *(c for unit in wrong_units for c in unit[1])]
    out = {}
    for name, fn in methods.items():
        t0 = time.perf_counter()
        out[name] = {c.id: fn(c) for c in claims}
        print(f"  ({name}: {len(claims)} claims in {time.perf_counter() - t0:.0f}s)", file=sys.stderr, flush=True)
    return out


def print_baselines(results: dict, true_claims, wrong_units) -> list[str]:
    """The table of the baselines; returns the wrong items some method proved (false proofs)."""
    false_proofs = []
    n_true, n_wrong = len(true_claims), len(wrong_units)
    print(f"{'method':<34} {'proved':>9} {'median':>8} {'max':>8}   wrong items proved")
    print("-" * 84)
    for name, answers in results.items():
        proved = sum(answers[c.id]["proved"] for c in true_claims)
        times = [answers[c.id]["seconds"] for c in true_claims] or [0.0]
        wrong = [uid for uid, claims in wrong_units if all(answers[c.id]["proved"] for c in claims)]
        false_proofs += [f"{name}: {uid}" for uid in wrong]
        print(f"{name:<34} {proved:>4}/{n_true:<4} {statistics.median(times):7.2f}s {max(times):7.2f}s   "
              f"{len(wrong)}/{n_wrong}{'  <-- FALSE PROOF: ' + ', '.join(wrong) if wrong else ''}")
    return false_proofs


def print_peer_outcomes(name: str, answers: dict, true_claims, wrong_units):
    """A peer's outcome on every claim (proved / refuted / unknown / timeout / unsupported ...), and their counts."""
    from collections import Counter

    wrong_claims = [c for _, claims in wrong_units for c in claims]
    wrong_ids = {c.id for c in wrong_claims}
    for label, claims in (("true claims and steps", true_claims), ("claims of the wrong items", wrong_claims)):
        counts = Counter(answers[c.id]["outcome"] for c in claims)
        if claims:
            print(f"  {name} on the {len(claims)} {label}: "
                  + ", ".join(f"{k} {v}" for k, v in counts.most_common()))
    print(f"\n{name} per claim (the claims of wrong items marked W):")
    for c in [*true_claims, *wrong_claims]:
        a = answers[c.id]
        mark = "W" if c.id in wrong_ids else " "
        print(f"  {mark} {c.id:<58} {a['outcome']:<11} {a['seconds']:6.2f}s  {a.get('detail', '')[:70]}")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--json", metavar="F", help="write every result as JSON")
    ap.add_argument("--audit", type=int, default=0, metavar="N", help="audit proofs at N points at 50 digits")
    ap.add_argument("--no-baselines", action="store_true")
    ap.add_argument("--peers-only", action="store_true",
                    help="skip boundlab's own run (the item table and its baseline row): the baselines and peers only")
    ap.add_argument("--limit", type=int, default=None, metavar="N", help="only the first N items")
    ap.add_argument("--seconds", type=float, default=10.0, metavar="S",
                    help="time limit per claim of the z3, interval and cvc5 baselines (default 10)")
    args = ap.parse_args(argv)

    from analytic_claims import CLAIMS, DERIVATIONS
    from boundlab.numerics.falsify import audit
    from boundlab.theory import Registry
    from boundlab.verify.check import check
    from boundlab.verify.derive import check_derivation

    items = [*CLAIMS, *DERIVATIONS][:args.limit]
    rows = []
    false_alarms = []
    if not args.peers_only:
        registry = Registry.catalogue()
        print(f"{'item':<52} {'expected':<9} {'verdict':<12} {'time':>7}  method")
        print("-" * 110)
    for item in items:
        is_derivation = hasattr(item, "steps")
        expected = "VIOLATED" if item.expect == "VIOLATED" else "PROVED"
        row = {"id": item.id, "kind": "derivation" if is_derivation else "claim", "expected": expected, "item": item}
        rows.append(row)
        if args.peers_only:
            continue
        res = check_derivation(item, registry) if is_derivation else check(item)
        row.update({"verdict": res.verdict, "method": res.method, "seconds": res.seconds, "result": res.to_json()})
        flag = "" if res.verdict == expected else "  <--"
        print(f"{item.id:<52} {expected:<9} {res.verdict:<12} {res.seconds:6.2f}s  {res.method[:60]}{flag}")

    true_rows = [r for r in rows if r["expected"] == "PROVED"]
    wrong_rows = [r for r in rows if r["expected"] == "VIOLATED"]
    if not args.peers_only:
        proved = sum(r["verdict"] == "PROVED" for r in true_rows)
        caught = sum(r["verdict"] == "VIOLATED" for r in wrong_rows)
        times = [r["seconds"] for r in rows]
        print("-" * 110)
        print(f"{len(rows)} items ({len(true_rows)} true, {len(wrong_rows)} wrong): true PROVED "
              f"{proved}/{len(true_rows)} ({proved / max(len(true_rows), 1):.0%}), wrong VIOLATED "
              f"{caught}/{len(wrong_rows)}; time median {statistics.median(times):.2f}s, max {max(times):.2f}s")
        false_alarms = [r["id"] for r in true_rows if r["verdict"] == "VIOLATED"]
        if false_alarms:
            print(f"TRUE ITEMS REPORTED VIOLATED: {', '.join(false_alarms)}")

    # the claims behind the true items: claims themselves, and every step of the true derivations; a wrong item is
    # proved by a method when it proves the claim, or every step of the derivation
    true_claims = [c for r in true_rows for c in (r["item"].step_claims if r["kind"] == "derivation" else [r["item"]])]
    wrong_units = [(r["id"], list(r["item"].step_claims) if r["kind"] == "derivation" else [r["item"]])
                   for r in wrong_rows]
    results, false_proofs = {}, []
    if not args.no_baselines:
        from peers import available, dreal_status

        print(f"\nbaselines on the {len(true_claims)} true claims and derivation steps, and on the {len(wrong_units)} "
              f"wrong items (same run; {args.seconds:g} s per claim for the z3 layer, intervals and the peers; "
              f"times per true claim):")
        results = baselines(true_claims, wrong_units, args.seconds, not args.peers_only)
        false_proofs = print_baselines(results, true_claims, wrong_units)
        if args.peers_only:
            print("  boundlab (all layers): skipped (--peers-only)")
        if available("cvc5") is not None:
            print(f"  cvc5: not available: {available('cvc5')}")
        reason = dreal_status()
        print(f"  dReal: not installable here: {reason}" if reason else
              "  dReal: importable, but benchmarks/peers.py has no dReal backend yet")
        for peer in ("cvc5", "z3 (peer translation)"):
            if peer in results:
                print()
                print_peer_outcomes(peer, results[peer], true_claims, wrong_units)
        if false_proofs:
            print(f"\nWRONG ITEMS PROVED (a translation or soundness bug): {'; '.join(false_proofs)}")

    if args.audit:
        proved_claims = [c for c in true_claims + [r["item"] for r in wrong_rows if r["kind"] == "claim"]
                         if check(c).verdict == "PROVED"]
        bad = 0
        for c in proved_claims:
            a = audit(c, count=args.audit)
            bad += a["violations"]
            if a["violations"]:
                print(f"  FALSE PROOF? {c.id}: {a}")
        print(f"\naudit: {len(proved_claims)} proved claims and steps, {args.audit} points each at 50 digits: "
              f"{bad} violations")
    if args.json:
        Path(args.json).write_text(json.dumps({"results": [{k: v for k, v in r.items() if k != "item"}
                                                           for r in rows], "baselines": results},
                                              indent=2, default=str))
    return 0 if not false_alarms and not false_proofs else 1


if __name__ == "__main__":
    sys.exit(main())
