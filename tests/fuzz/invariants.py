"""The invariants a generated claim must satisfy, each judged by means independent of the checker under test.

- never an internal error: ERROR only with a named, informative cause;
- never PROVED where our own sampler (mpmath at 50 digits, checked at 80) finds a violation, nor on a claim known
  false; and every proof's certificate replays in the independent checker (tests/numerics/certificate_checker.py);
- every VIOLATED witness replays: at the printed point, which lies in the domains and satisfies the hypotheses,
  the relation fails at 50 digits; and a claim known true is never VIOLATED;
- a snapshot compared with itself is unchanged; a claim whose constant changed is flagged as changed meaning;
- the LaTeX round-trips (a hook: `latex_roundtrip`, active when the LaTeX round-trip helper exists);
- a simulated mean (or variance) claimed exactly is never VIOLATED, and the same claim shifted by more than the
  deviation the check reports as detectable is VIOLATED.

`judge(generated, seed)` runs the pipeline on one generated claim and returns an `Outcome`: the verdict, the
invariant failures (each a sentence) and the misses (a weaker check than hoped, not a defect: a false claim left
CONSISTENT, a true one left unproved).
"""
from __future__ import annotations

import dataclasses
import functools
import importlib.util
import math
import random
import re
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import mpmath
import numpy as np
import sympy as sp

from boundlab.theory import Claim, ClaimError
from boundlab.theory.claim import MATH_NAMES
from boundlab.theory.functions import FUNCTIONS
from boundlab.verify import snapshot
from boundlab.verify.check import check
from boundlab.numerics.limits import TimeLimitExceeded, time_limit
from boundlab.verify.verdict import CONSISTENT, ERROR, INCONCLUSIVE, PROVED, VIOLATED

from claims import Generated, simulated

DIGITS, CONFIRM_DIGITS = 50, 80
PRESCREEN, EXACT_POINTS, NEAREST = 2000, 48, 24  # float64 points, random 50-digit points, closest float64 points
POINT_SECONDS = 2.0  # CPU time for the sides and hypotheses at one point, at 50 digits
MAX_DIGITS = 2000  # the most digits a value is recomputed at to make it reliable
SEARCH_SECONDS = 20.0  # CPU time for the oracle's search of one claim, and for the snapshot comparison
CHECK_SECONDS = 60.0  # CPU time for one check: with every layer on a budget, far more than any needs
SHIFT = 1.5  # a shifted claim is off by this many detectable deviations


def sure(digits: int):
    """The relative accuracy that counts at `digits` digits: half of them (a value at d digits must agree with
    the value at d + 30 to d/2 digits, and a violation must exceed 10 times that). Half, not d - 30: 1 + erf(-9.3)
    loses 39 digits to cancellation at any precision, and doubling the digits must then make it reliable."""
    return mpmath.mpf(10) ** -(digits // 2)


RELATIONS = {"<=": sp.LessThan, "<": sp.StrictLessThan, ">=": sp.GreaterThan, ">": sp.StrictGreaterThan,
             "=": sp.Equality}
NEGATION = {sp.LessThan: sp.StrictGreaterThan, sp.StrictLessThan: sp.GreaterThan, sp.GreaterThan: sp.StrictLessThan,
            sp.StrictGreaterThan: sp.LessThan, sp.Equality: sp.Unequality, sp.Unequality: sp.Equality}


@dataclass
class Outcome:
    kind: str
    verdict: str
    failures: list[str] = field(default_factory=list)
    misses: list[str] = field(default_factory=list)
    seconds: float = 0.0
    source: str = ""
    extra: dict = field(default_factory=dict)


# ---- our own sampler -----------------------------------------------------------------------------------------
def _draw(domain, rnd: random.Random) -> float:
    """A point of a domain: uniform or log-uniform inside finite ends, spread over many magnitudes otherwise,
    sometimes an end or a point just inside one."""
    lo, hi = domain.lo, domain.hi
    u = rnd.random()
    if u < 0.1 and math.isfinite(lo):
        v = lo + (abs(lo) + 1) * 10 ** rnd.uniform(-12, -3) if domain.lo_open else lo
    elif u < 0.2 and math.isfinite(hi):
        v = hi - (abs(hi) + 1) * 10 ** rnd.uniform(-12, -3) if domain.hi_open else hi
    elif math.isfinite(lo) and math.isfinite(hi):
        v = (math.exp(rnd.uniform(math.log(lo), math.log(hi))) if domain.scale == "log" and lo > 0
             else rnd.uniform(lo, hi))
    elif math.isfinite(lo):
        v = lo + 10 ** rnd.uniform(-8, 8) if u < 0.6 else lo + rnd.uniform(0, 10)
    elif math.isfinite(hi):
        v = hi - 10 ** rnd.uniform(-8, 8) if u < 0.6 else hi - rnd.uniform(0, 10)
    else:
        v = rnd.choice((-1, 1)) * (10 ** rnd.uniform(-8, 8) if u < 0.6 else rnd.uniform(0, 10))
    if domain.integer:
        v = float(math.floor(v) if rnd.random() < 0.5 else math.ceil(v))
    return v


def _decimal(expr: sp.Expr) -> sp.Expr:
    """Floats the user wrote as the decimals they denote (0.1 is 1/10); longer ones, SymPy's 15-digit rounding of
    e.g. exp(0.1) when it parsed exp(2*x + 0.1), as the binary numbers they are."""
    return expr.xreplace({f: sp.Rational(str(f)) for f in expr.atoms(sp.Float)
                          if len(str(f).lower().split("e")[0].replace("-", "").replace(".", "").strip("0")) <= 12})


def _exp(x):
    """exp, refusing arguments so large that mpmath would need long (log 2 to as many digits as the argument has:
    0.1 s at 10**20000, 3 s at 10**100000); exp(-exp(2088)), a witness's tiny side, is well within reach."""
    if abs(x) > 10 ** 20000:
        raise OverflowError(f"exp({mpmath.nstr(x, 5)}) is out of reach")
    return mpmath.exp(x)


class Oracle:
    """The claim's relation and hypotheses at points, in mpmath at a given precision (floats as decimals)."""

    def __init__(self, claim: Claim):
        self.claim = claim
        self.syms = [p.symbol for p in claim.params]
        # the relations inside the hypotheses (which may combine them with &, |, ~)
        self.relations = sorted({r for h in claim.conditions for r in h.expr.atoms(sp.core.relational.Relational)},
                                key=sp.default_sort_key)
        hyp_sides = [side for r in self.relations for side in (r.lhs, r.rhs)]
        exprs = [_decimal(e) for e in (claim.left.expr, claim.right.expr, *hyp_sides)]
        self.fn = sp.lambdify(self.syms, exprs, [{"exp": _exp}, "mpmath"])
        self.sides = exprs[:2]
        self.has_float = bool(claim.left.expr.atoms(sp.Float) | claim.right.expr.atoms(sp.Float))

    def values(self, point: dict, digits: int) -> list | None:
        """[lhs, rhs, then both sides of each hypothesis] as mpf at `digits` digits; None where a value is not a
        finite real number, or takes mpmath too long (gamma(exp(10**6)))."""
        with mpmath.workdps(digits):
            try:
                with time_limit(POINT_SECONDS * max(1, digits / DIGITS)):  # a 1000-digit witness takes longer
                    out = self.fn(*(mpmath.mpf(point[s.name]) for s in self.syms))
            except (ValueError, ZeroDivisionError, TypeError, OverflowError, TimeLimitExceeded):
                return None
            real = []
            for v in out:
                v = mpmath.mpmathify(v)
                if isinstance(v, mpmath.mpc):
                    if v.imag != 0:
                        return None
                    v = v.real
                if not mpmath.isfinite(v):
                    return None
                real.append(+v)
            return real

    @staticmethod
    def _holds(kind, a, b, digits: int, ties: bool, tol=None) -> bool:
        """a KIND b certainly, by more than 10 * sure(digits) relative (or the relative `tol`); with `ties`, an
        exact equality counts for a non-strict relation (and the values are then exact, not rounded)."""
        margin = (abs(a) + abs(b)) * (tol if tol is not None else 10 * sure(digits))
        gap = a - b
        tie = ties and gap == 0
        return {sp.StrictGreaterThan: gap > margin, sp.GreaterThan: gap > margin or tie,
                sp.StrictLessThan: gap < -margin, sp.LessThan: gap < -margin or tie,
                sp.Equality: abs(gap) <= margin, sp.Unequality: abs(gap) > margin}[kind]

    def inside(self, values: list, digits: int, ties: bool = False) -> bool:
        """The hypotheses certainly hold at the point: each relation in them is certainly true or false, and
        combined as they are written they hold."""
        truth = {}
        for i, r in enumerate(self.relations):
            a, b = values[2 + 2 * i], values[3 + 2 * i]
            yes, no = self._holds(type(r), a, b, digits, ties), self._holds(NEGATION[type(r)], a, b, digits, ties)
            if yes == no:
                return False
            truth[r] = sp.true if yes else sp.false
        return all(h.expr.xreplace(truth) is sp.true for h in self.claim.conditions)

    def fails(self, values: list, digits: int, ties: bool = False, tol=None) -> bool:
        """The relation certainly fails (for claims with decimals, by more than the checker's 1e-12 relative; else
        by more than the relative `tol` when given, or 10 * sure(digits))."""
        tol = mpmath.mpf(10) ** -12 if self.has_float and self.claim.rel == "=" else tol
        return self._holds(NEGATION[RELATIONS[self.claim.rel]], values[0], values[1], digits, ties, tol)

    def violation(self, point: dict) -> dict | None:
        """The point, with lhs and rhs, when the claim fails there at 50 digits, and at 80 digits where every value
        agrees with its 50-digit one (cancellation, or gamma(1e18) at 50 digits, is not a violation)."""
        values = self.reliable(point, DIGITS)
        if values is None or not self.inside(values, DIGITS) or not self.fails(values, DIGITS):
            return None
        return {**point, "lhs": mpmath.nstr(values[0], 15), "rhs": mpmath.nstr(values[1], 15)}

    def reliable(self, point: dict, digits: int, tries: int = 1) -> list | None:
        """The values at `digits` digits when they agree to half that many digits (`sure`) with the values at 30
        more; else the same at twice the digits, or at as many more as a value's decimal exponent has digits
        (exp(-exp(2088)) = 2e-(4.6e906) has a mantissa only at 960 digits), up to `tries` times and MAX_DIGITS;
        None when they never agree (mpmath lost precision: gamma(1e18) at 50 digits) or cannot be computed."""
        for _ in range(tries):
            values, check = self.values(point, digits), self.values(point, digits + CONFIRM_DIGITS - DIGITS)
            if values is None or check is None:
                return None
            tol = sure(digits)
            if all(abs(a - b) <= tol * abs(b) for a, b in zip(values, check)):
                return values
            sizes = [abs(mpmath.log10(abs(v))) for v in values if v != 0]  # the decimal exponents' sizes
            exponent = max((int(mpmath.log10(s)) + 1 for s in sizes if s >= 1), default=0)
            digits = min(MAX_DIGITS, max(2 * digits, digits + exponent))
        return None

    def search(self, rnd: random.Random) -> dict | None:
        """A violation among random points of the domains: the float64 points closest to failing and random
        ones, checked at 50 digits, for at most SEARCH_SECONDS of CPU time."""
        if not self.syms:
            return self.violation({})
        pts = [{p.name: _draw(p.domain, rnd) for p in self.claim.params} for _ in range(PRESCREEN)]
        pts = [q for q in pts if all(p.domain.contains(q[p.name]) for p in self.claim.params)]
        chosen = rnd.sample(pts, min(EXACT_POINTS, len(pts)))
        chosen += [pts[i] for i in self._nearest(pts)]
        end = time.process_time() + SEARCH_SECONDS
        for q in chosen:
            if time.process_time() > end:
                break
            found = self.violation(q)
            if found is not None:
                return found
        return None

    def _nearest(self, pts: list[dict]) -> list[int]:
        """The points whose float64 relative gap is smallest (where a violation is likeliest)."""
        try:
            fn = sp.lambdify(self.syms, self.sides, ["numpy", "scipy"])
            with np.errstate(all="ignore"):
                lhs, rhs = (np.broadcast_to(np.real_if_close(np.asarray(v, dtype=complex)).real, (len(pts),))
                            for v in fn(*(np.array([q[s.name] for q in pts]) for s in self.syms)))
                gap = (rhs - lhs if self.claim.rel in ("<=", "<") else lhs - rhs if self.claim.rel != "=" else
                       -np.abs(lhs - rhs)) / (np.abs(lhs) + np.abs(rhs) + 1e-300)
        except Exception:  # noqa: BLE001 - a function numpy lacks: the random points alone then
            return []
        gap = np.where(np.isfinite(gap), gap, np.inf)
        return [int(i) for i in np.argsort(gap)[:NEAREST]]


def replay(claim: Claim, witness: dict) -> str | None:
    """None when the witness is one: at its printed point (in the domains, hypotheses holding) the relation
    fails at the precision it was found at; else what is wrong with it."""
    try:
        point = {k: str(v) for k, v in witness["point"].items()}
    except (KeyError, AttributeError):
        return f"the witness has no point: {witness}"
    missing = sorted(p.name for p in claim.params if p.name not in point)
    if missing:
        return f"the witness point gives no value for {', '.join(missing)}"
    for p in claim.params:
        if not _contains(p.domain, mpmath.mpf(point[p.name])):
            return f"the witness has {p.name} = {point[p.name]}, outside {p.domain.describe()}"
    if claim.rel == "!=":
        return _replay_equality(claim, witness)
    oracle = Oracle(claim)
    found = witness.get("digits", DIGITS)  # an int, or how an exact witness was decided
    digits = max(DIGITS, (found if isinstance(found, int) else DIGITS) + 10)
    values = oracle.reliable(point, digits, tries=3)
    if values is None:
        return f"a side or hypothesis is not a finite real number (to {digits} digits) at the witness {point}"
    if not oracle.inside(values, digits, ties=True):
        return f"the witness {point} does not satisfy the hypotheses at {digits} digits"
    # a witness found at 1000 digits may fail by 1e-760 relative (sqrt(a + b) against sqrt(a) + sqrt(b) at
    # a = gamma(641)): judged by how far its sides moved from `digits` to 30 more (x1000), relative to their size
    # together, not by half the digits
    with mpmath.workdps(digits + CONFIRM_DIGITS):
        finer = oracle.values(point, digits + CONFIRM_DIGITS - DIGITS)
        size = abs(values[0]) + abs(values[1])
        moved = max(abs(a - b) for a, b in zip(values[:2], finer[:2])) / size if finer and size else None
    tol = None if moved is None else max(1000 * moved, mpmath.mpf(10) ** (10 - digits))
    if not oracle.fails(values, digits, ties=True, tol=tol):
        return (f"at the witness {point} the claim holds: lhs {mpmath.nstr(values[0], 20)}, "
                f"rhs {mpmath.nstr(values[1], 20)}")
    tested = oracle.reliable({k: float(v) for k, v in point.items()}, digits, tries=3)  # the float it tried
    with mpmath.workdps(digits):
        for side, mine in zip(("lhs", "rhs"), tested[:2] if tested else ()):
            if abs(mine - mpmath.mpf(witness[side])) > max(_last_digit(witness[side]), abs(mine) * 1e-25):
                return f"the witness's {side} {witness[side]} is not its value at its point, {mpmath.nstr(mine, 30)}"
    return None


def _replay_equality(claim: Claim, witness: dict) -> str | None:
    """A witness against lhs != rhs: at its exact point the sides agree to 100 digits; or, at the two ends of its
    bracket, lhs - rhs has opposite signs at 50 digits, with the hypotheses holding and the sides finite at 50
    points between (mpmath, not the arb enclosures that found it)."""
    oracle = Oracle(claim)
    if "exact_point" in witness:
        with mpmath.workdps(120):
            point = {k: mpmath.mpf(sp.Rational(v).p) / sp.Rational(v).q for k, v in witness["exact_point"].items()}
        values = oracle.values(point, 120)
        if values is None or not oracle.inside(values, 100, ties=True):
            return f"the sides are not finite, or the hypotheses fail, at the exact point {witness['exact_point']}"
        if abs(values[0] - values[1]) > mpmath.mpf(10) ** -90 * (abs(values[0]) + abs(values[1]) + 1):
            return f"the sides differ at the exact point: {mpmath.nstr(values[0], 30)} vs {mpmath.nstr(values[1], 30)}"
        return None
    (name, (lo, hi)), = witness["bracket"].items()
    point = dict(witness["point"])
    signs = []
    with mpmath.workdps(DIGITS):
        inner = [mpmath.mpf(lo) + (mpmath.mpf(hi) - mpmath.mpf(lo)) * k / 49 for k in range(50)]
    for k, x in enumerate(inner):
        values = oracle.values({**point, name: x}, DIGITS)
        if values is None or (k in (0, 49) and not oracle.inside(values, DIGITS)):
            return f"at {name} = {x} in the bracket a side is not finite or the hypotheses fail"
        if k in (0, 49):
            signs.append(mpmath.sign(values[0] - values[1]))
    return None if signs[0] * signs[1] < 0 else f"lhs - rhs has no sign change over the bracket {lo}, {hi}"


def _last_digit(printed: str):
    """One unit in the last digit of a printed number."""
    mantissa, _, exponent = printed.lower().partition("e")
    decimals = len(mantissa.partition(".")[2])
    return mpmath.mpf(10) ** (int(exponent or 0) - decimals)


def _contains(domain, v) -> bool:
    if domain.integer and v != mpmath.floor(v):
        return False
    above = v > domain.lo if domain.lo_open else v >= domain.lo
    below = v < domain.hi if domain.hi_open else v <= domain.hi
    return bool(above and below)


# ---- analytic invariants -------------------------------------------------------------------------------------
def error_named(result) -> str | None:
    """None when an ERROR verdict names its cause (never an internal error), else the failure."""
    if result.verdict != ERROR:
        return None
    text = str(result.evidence.get("error", ""))
    cause = text.split(": ", 1)[1] if text.startswith(f"claim {result.id}: ") else text
    if result.method == "internal error":
        return f"internal error: {result.evidence.get('type')}: {text!r} at {result.evidence.get('where')}"
    if len(cause.strip()) < 10:
        return f"ERROR without an informative cause: {text!r}"
    return None


def certificate_replays(certificate: dict) -> str | None:
    from certificate_checker import check as check_certificate

    ok, why = check_certificate(certificate)
    return None if ok else f"the proof's certificate does not replay: {why}"


def judge_analytic(gen: Generated, seed: int, rnd: random.Random, snapshots: bool = True) -> Outcome:
    claim = gen.claim()
    result = check(claim, seed=seed, seconds=CHECK_SECONDS)
    out = Outcome(gen.kind, result.verdict, source=gen.source)
    failure = error_named(result)
    if failure:
        out.failures.append(failure)
    if result.method == "time limit":  # the layers have budgets: a runaway is a defect
        out.failures.append(result.evidence["note"])
    if result.verdict == VIOLATED:
        why = replay(claim, result.witness or {})
        if why:
            out.failures.append(f"VIOLATED, but the witness does not replay: {why}")
        if gen.truth is True:
            out.failures.append(f"a true claim is VIOLATED (witness {result.witness})")
    elif result.verdict in (PROVED, CONSISTENT):
        found = Oracle(claim).search(rnd)
        if result.verdict == PROVED:
            if found is not None:
                out.failures.append(f"PROVED, but it fails at 50 and 80 digits at {found}")
            if gen.truth is False:
                out.failures.append("PROVED, but the claim is false at every point of its domain")
            why = certificate_replays(result.evidence["certificate"])
            if why:
                out.failures.append(why)
        elif found is not None or gen.truth is False:
            out.misses.append(f"CONSISTENT, but false ({'at ' + str(found) if found else 'everywhere'})")
    if gen.truth is True and result.verdict == CONSISTENT:
        out.misses.append("true, not proved")
    if snapshots:
        out.failures += snapshot_failures(claim, rnd)
    why = latex_roundtrip(claim) if result.verdict != ERROR else None  # a malformed claim verifies nothing
    if why:
        out.failures.append(why)
    return out


# ---- snapshots ---------------------------------------------------------------------------------------------
NUMBER = re.compile(r"(?<![\w.])(\d+)(?![\w.])")


def changed_constant(claim: Claim) -> Claim | None:
    """The claim with the first integer of its right-hand side doubled (None when it has none)."""
    m = NUMBER.search(claim.right.source)
    if m is None:
        return None
    rhs = claim.right.source[:m.start()] + f"(2*{m.group(1)})" + claim.right.source[m.end():]
    return dataclasses.replace(claim, rhs=rhs)


def _differs(old: Claim, new: Claim, rnd: random.Random, tries: int = 40, seconds: float = SEARCH_SECONDS) -> float:
    """The share of sampled points of the domains (hypotheses holding) where the two right-hand sides differ, from
    at most `tries` points and `seconds` of CPU time (beta(beta(log(3), b), gamma(z)) takes mpmath 2 s a point)."""
    a, b = Oracle(old), Oracle(new)
    differ = seen = 0
    end = time.process_time() + seconds
    for _ in range(tries):
        if time.process_time() > end:
            break
        point = {p.name: _draw(p.domain, rnd) for p in old.params}
        va, vb = a.values(point, DIGITS), b.values(point, DIGITS)
        if va is None or vb is None or not a.inside(va, DIGITS):
            continue
        seen += 1
        differ += abs(va[1] - vb[1]) > mpmath.mpf(10) ** -30 * (abs(va[1]) + abs(vb[1]))
    return differ / seen if seen else 0.0


def snapshot_failures(claim: Claim, rnd: random.Random) -> list[str]:
    """A snapshot of the claim compared with itself is unchanged; with a constant of the rhs doubled, the
    comparison flags a changed meaning (when the two right-hand sides differ at most sampled points)."""
    doc = snapshot.take([claim])
    out = []
    report = snapshot.compare(doc, [claim])
    if not report.ok or [f.kind for f in report.claims[claim.id]] != ["unchanged"]:
        out.append(f"a snapshot compared with itself is not unchanged: {report.text()}")
    changed = changed_constant(claim)
    if changed is not None and _differs(claim, changed, rnd) > 0.5:
        kinds = [f.kind for f in snapshot.compare(doc, [changed]).claims[claim.id]]
        if "changed meaning" not in kinds:
            out.append(f"rhs {claim.right.source!r} -> {changed.right.source!r} is not flagged as a changed "
                       f"meaning (findings: {kinds})")
    return out


# ---- LaTeX ------------------------------------------------------------------------------------------------
LATEX_READER = Path(__file__).resolve().parents[1] / "latex_parse.py"


@functools.cache
def _latex_reader():
    """tests/latex_parse.py as a module (loaded by path: putting tests/ on sys.path would shadow `theory` with
    tests/theory), or None when it does not exist."""
    if not LATEX_READER.exists():
        return None
    spec = importlib.util.spec_from_file_location("latex_parse", LATEX_READER)
    module = sys.modules.setdefault("latex_parse", importlib.util.module_from_spec(spec))
    if module.__spec__ is spec:
        spec.loader.exec_module(module)
    return module


LANGUAGE = {f for f in (*MATH_NAMES.values(), *FUNCTIONS.values()) if isinstance(f, type)}


def latex_roundtrip(claim: Claim) -> str | None:
    """None when the claim block's statement and hypotheses read back (tests/latex_parse.py, SymPy's lark LaTeX
    grammar) as the verified formulas, else why not. A hook: without that helper it checks nothing. The contract
    covers the formula language (boundlab.theory.claim.MATH_NAMES); a function SymPy brings in beyond it (polygamma, from
    diff(gamma(x), x)) is printed by its name, which the reader does not know."""
    lp = _latex_reader()
    formulas = [claim.left.display, claim.right.display, *(h.display for h in claim.conditions)]
    if lp is None or any(type(f) not in LANGUAGE for e in formulas for f in e.atoms(sp.Function)):
        return None
    from boundlab.theory.latex import claim_latex, tex_names

    block = claim_latex(claim)
    names = tex_names(claim)
    for f in (claim.left, claim.right):
        names = lp.bound_names(f.display, names)
    domains = {p.symbol: p.domain for p in claim.params}
    items = re.findall(r"  \\item \$([^$]*)\$", block)[len(claim.params):]
    try:
        statement = lp.statement_of(block)
        lp.check(statement, lp.Relation(claim.rel, claim.left.expr, claim.right.expr), names, domains)
        for item, h in zip(items, claim.conditions, strict=True):
            # SymPy may have rewritten a hypothesis as a relation with other sides (ceiling(b) <= t is b <= t
            # for an integer t, y/y <= 2 is True): then the typeset one must hold exactly where it holds
            if not _same_truth([r for r in lp.readings(item, names)], h.expr, domains):
                lp.check(item, h.expr, names, domains)
    except (lp.LatexReadError, ValueError) as exc:
        return f"the LaTeX does not read back as the verified claim: {exc}\n{block}"
    return None


def _same_truth(readings: list, relation, domains: dict, points: int = 40) -> bool:
    """Whether each reading (a latex_parse.Relation) is true exactly where `relation` is, at random exact points of
    the domains."""
    lp, rng = _latex_reader(), random.Random(0)
    if not readings or not all(isinstance(r, lp.Relation) for r in readings):
        return False
    for r in readings:
        reading = sp.Rel(r.lhs, r.rhs, {"=": "=="}.get(r.op, r.op))
        symbols = sorted(reading.free_symbols | relation.free_symbols, key=str)
        for _ in range(points):
            point = {s: lp.sample(domains.get(s), rng) for s in symbols}
            a, b = _truth(reading, point), _truth(relation, point)
            if a is None or b is None or a != b:
                return False
    return True


def _truth(relation, point: dict) -> bool | None:
    """Whether a relation holds at a point, from its sides at 30 digits (equal to 20 digits counts as equal: the
    points are short decimals, so a tie is exact, as ceiling(6.58) = 7); None when a side is not a real number."""
    if relation in (sp.true, sp.false):
        return relation is sp.true
    lhs, rhs = (side.evalf(30, subs=point) for side in (relation.lhs, relation.rhs))
    if not all(v.is_number and v.is_real and v.is_finite for v in (lhs, rhs)):
        return None
    gap = float(lhs - rhs)
    tie = abs(gap) <= 1e-20 * (1 + abs(float(lhs)) + abs(float(rhs)))
    return {"<=": tie or gap < 0, "<": not tie and gap < 0, ">=": tie or gap > 0, ">": not tie and gap > 0,
            "==": tie, "!=": not tie}[relation.rel_op]


# ---- simulated invariants -----------------------------------------------------------------------------------
def detectable(result) -> tuple[float, str]:
    """The largest deviation the check detects at any point, and where it was read: the evidence's own
    `detectable` when the check reports it, else twice the interval's half-width."""
    points = result.evidence["points"]
    if all("detectable" in p for p in points):
        return max(p["detectable"] for p in points), "detectable"
    return max(p["interval"]["hi"] - p["interval"]["lo"] for p in points), "twice the half-width"


def judge_simulated(gen: Generated, seed: int, rnd: random.Random) -> list[Outcome]:
    """The exact claim, then (when it was measured) its twin shifted by SHIFT detectable deviations."""
    claim = gen.claim()
    result = check(claim, seed=seed)
    exact = Outcome(gen.kind, result.verdict, source=gen.source)
    failure = error_named(result)
    if failure or result.verdict == ERROR:
        exact.failures.append(failure or f"ERROR on a well-formed simulated claim: {result.evidence}")
        return [exact]
    if result.verdict == VIOLATED:
        exact.failures.append(f"the exact {gen.info['statistic']} is VIOLATED: {result.witness}")
        return [exact]
    if result.verdict == INCONCLUSIVE:
        exact.misses.append("INCONCLUSIVE on an exact claim")
    size, source = detectable(result)
    sign = rnd.choice((-1, 1))
    info = gen.info
    twin = simulated(rnd, claim.id + "_shifted", shift=sign * SHIFT * size, law=info["law"],
                     point_values=info["points"], statistic=info["statistic"], samples=info["samples"],
                     lhs_form=info["lhs"])
    shifted = check(twin.claim(), seed=seed)
    out = Outcome(twin.kind, shifted.verdict, source=twin.source, extra={"detectable from": source})
    failure = error_named(shifted)
    if failure:
        out.failures.append(failure)
    elif shifted.verdict != VIOLATED:
        out.failures.append(f"shifted by {SHIFT} x the detectable deviation {size:.4g} ({source}), the claim is "
                            f"{shifted.verdict}, not VIOLATED")
    return [exact, out]


def judge(gen: Generated, seed: int, rnd: random.Random, snapshots: bool = True) -> list[Outcome]:
    """Every outcome of one generated claim (a simulated one brings its shifted twin), timed. A claim refused
    when it is made (hypotheses SymPy decides are false) must say which claim and why."""
    start = time.perf_counter()
    try:
        gen.claim()
    except ClaimError as exc:
        named = str(exc).startswith(f"claim {gen.claim_id}: ") and len(str(exc)) > len(gen.claim_id) + 20
        return [Outcome(gen.kind, "REFUSED", [] if named else [f"refused without a named cause: {exc}"],
                        source=gen.source)]
    outs = (judge_simulated(gen, seed, rnd) if gen.kind.startswith("simulated")
            else [judge_analytic(gen, seed, rnd, snapshots)])
    for o in outs:
        o.seconds = (time.perf_counter() - start) / len(outs)
    return outs
