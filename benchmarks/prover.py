"""Benchmark of the analytic prover on the claims and derivations of `benchmarks/analytic_claims.py`.

What: for every item, the verdict of `boundlab check` (falsification, then the layered prover) or of `boundlab
derive`, the method and the time; then the share of true items PROVED, of wrong items VIOLATED, and the median and
maximum time. Baselines in the same run, on the same true claims (derivation steps included):
  (b1) SymPy alone: `simplify(lhs - rhs) == 0` for identities, SymPy's assumptions (`is_positive` /
       `is_nonnegative` of the simplified gap) for inequalities: the tool a researcher has without boundlab;
  (b2) interval branch and bound alone (arb balls, no symbolic layer), 10 s per claim;
  (b3) z3 alone, on the claims it can read (polynomial after clearing a denominator);
each of (b2) and (b3) is a layer of the prover run on its own (`boundlab.numerics.prover.LAYERS`).
With `--audit N`, every PROVED claim and step is also evaluated at N random domain points at 50 digits; a
violation there would be a false proof (the test suite runs the same audit).

    .venv/bin/python benchmarks/prover.py                 # the table, the summary, the baselines
    .venv/bin/python benchmarks/prover.py --json out.json --audit 100000
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


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--json", metavar="F", help="write every result as JSON")
    ap.add_argument("--audit", type=int, default=0, metavar="N", help="audit proofs at N points at 50 digits")
    ap.add_argument("--no-baselines", action="store_true")
    args = ap.parse_args(argv)

    from analytic_claims import CLAIMS, DERIVATIONS
    from boundlab.numerics.falsify import audit
    from boundlab.theory import Registry
    from boundlab.verify.check import check
    from boundlab.verify.derive import check_derivation

    registry = Registry.catalogue()
    rows = []
    print(f"{'item':<52} {'expected':<9} {'verdict':<12} {'time':>7}  method")
    print("-" * 110)
    for item in [*CLAIMS, *DERIVATIONS]:
        is_derivation = hasattr(item, "steps")
        res = check_derivation(item, registry) if is_derivation else check(item)
        expected = "VIOLATED" if item.expect == "VIOLATED" else "PROVED"
        rows.append({"id": item.id, "kind": "derivation" if is_derivation else "claim", "expected": expected,
                     "verdict": res.verdict, "method": res.method, "seconds": res.seconds, "result": res.to_json(),
                     "item": item})
        flag = "" if res.verdict == expected else "  <--"
        print(f"{item.id:<52} {expected:<9} {res.verdict:<12} {res.seconds:6.2f}s  {res.method[:60]}{flag}")

    true_rows = [r for r in rows if r["expected"] == "PROVED"]
    wrong_rows = [r for r in rows if r["expected"] == "VIOLATED"]
    proved = sum(r["verdict"] == "PROVED" for r in true_rows)
    caught = sum(r["verdict"] == "VIOLATED" for r in wrong_rows)
    times = [r["seconds"] for r in rows]
    print("-" * 110)
    print(f"{len(rows)} items ({len(true_rows)} true, {len(wrong_rows)} wrong): true PROVED {proved}/{len(true_rows)} "
          f"({proved / max(len(true_rows), 1):.0%}), wrong VIOLATED {caught}/{len(wrong_rows)}; "
          f"time median {statistics.median(times):.2f}s, max {max(times):.2f}s")
    false_alarms = [r["id"] for r in true_rows if r["verdict"] == "VIOLATED"]
    if false_alarms:
        print(f"TRUE ITEMS REPORTED VIOLATED: {', '.join(false_alarms)}")

    # the claims behind the true items: claims themselves, and every step of the true derivations
    true_claims = [c for r in true_rows for c in (r["item"].step_claims if r["kind"] == "derivation" else [r["item"]])]
    if not args.no_baselines:
        print(f"\nbaselines on the {len(true_claims)} true claims and derivation steps (same run):")
        ours = sum(check(c).verdict == "PROVED" for c in true_claims)
        t0 = time.perf_counter()
        b1 = sum(sympy_alone(c) for c in true_claims)
        t1 = time.perf_counter()
        b2 = sum(layer_alone("intervals", c, 10.0) for c in true_claims)
        t2 = time.perf_counter()
        b3 = sum(layer_alone("smt", c, 10.0) for c in true_claims)
        t3 = time.perf_counter()
        print(f"  boundlab (all layers)       {ours:>3}/{len(true_claims)} proved")
        print(f"  (b1) SymPy alone            {b1:>3}/{len(true_claims)} proved   ({t1 - t0:.1f}s)")
        print(f"  (b2) interval B&B alone     {b2:>3}/{len(true_claims)} proved   ({t2 - t1:.1f}s)")
        print(f"  (b3) z3 alone               {b3:>3}/{len(true_claims)} proved   ({t3 - t2:.1f}s)")

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
                                                           for r in rows]}, indent=2, default=str))
    return 0 if not false_alarms else 1


if __name__ == "__main__":
    sys.exit(main())
