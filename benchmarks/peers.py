"""Peer provers for the prover benchmark (benchmarks/prover.py): a claim translated into the query "is there a
point of the domain, satisfying the hypotheses, where the claim fails?", sent to an SMT solver; the claim is
PROVED by the peer when the solver answers unsat.

What: `translate(claim)` writes the negation query in SMT-LIB 2 (real variables, or integer ones for integer
domains, the domain bounds, the hypotheses, NOT(lhs REL rhs)); `cvc5_prove(claim, seconds)` runs it in cvc5
(logic ALL: nonlinear real arithmetic with exp, sin, cos and pi; QF_NRA for a polynomial query, see `attempts`) in a
child process that is killed when it overruns, so a hung solver cannot hang the benchmark; `z3_prove` runs the same
query in z3. A proof is checked not to be vacuous (`prove`). `dreal_status()` says whether dReal can be used here
(it cannot: see DREAL_REASON).

How the translation stays sound: the SymPy expressions (as the claim parsed them: derivatives, limits and integrals
are already SymPy's closed forms) are read as real-valued functions, and the claim is taken to assert the relation at
every point of the domain where both sides and the hypotheses are real (the semantics of boundlab's falsifier). Every
term the solver lacks is a fresh variable y constrained by facts that the true value satisfies, so that unsat of the
query implies the claim at every such point:
  log(u)            exp(y) = u, and u > 0 asserted (log is not real elsewhere);
  u**(p/q)          w >= 0, w**q = u, y = w**p (1/w**|p| for p < 0), and u >= 0 (u > 0 for p < 0) asserted;
  u**n, n integer   a product (1/product for n < 0, with u != 0 asserted);
  u**b, b symbolic  u > 0 -> y = exp(b*log(u)); u = 0 -> y = 0 (b > 0) or 1 (b = 0), and u = 0, b < 0 excluded;
                    u < 0 -> y unconstrained (real only when b is an integer; the query over-approximates there);
  E                 exp(1);  pi: real.pi;  tan: sin/cos with cos != 0;  sinh, cosh, tanh: by exp;
  asin, acos, atan  the angle y in its range with sin(y) = u (cos(y) = u; sin(y) = u cos(y));
  Abs, Max, Min     by cases (ite);  floor, ceiling: to_int;
  a Float that is not a short decimal (SymPy's rounding of a constant): a variable in its ball, as in the prover.
Anything else (gamma, beta, erf, LambertW, Piecewise, an unevaluated integral, an infinity, ...) makes the claim
"unsupported", never proved. Division by zero is excluded (SymPy's 1/0 is zoo, not a real).

    from peers import cvc5_prove, translate, z3_prove
    print(translate(claim).smtlib); print(cvc5_prove(claim, 10.0), z3_prove(claim, 10.0))
"""
from __future__ import annotations

import json
import math
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from fractions import Fraction

import sympy as sp

#: Why dReal is not a column of the benchmark (checked again at run time by `dreal_status`).
DREAL_REASON = ("`pip install dreal` installs the wheel (dreal 4.21.6.2, manylinux x86_64), but its extension "
                "cannot load: it links libibex.so, libClp/libCoinUtils, libnlopt and BLAS/LAPACK, and IBEX is not "
                "packaged for this Debian system (dReal gets it from its own Ubuntu PPA or Homebrew tap); the wheel "
                "was uninstalled")

OUTCOMES = ("proved", "refuted", "sat", "unknown", "timeout", "unsupported", "vacuous", "error")
#: The time of the check that a proof is not vacuous (`prove`).
VACUITY_SECONDS = 3.0
#: The child's memory limit: a solver that blows up fails alone.
MEMORY_BYTES = 4 * 2 ** 30


class Unsupported(Exception):
    """A term the translation cannot express soundly."""


@dataclass
class Query:
    """The negation query of a claim. `smtlib` holds the declarations and assertions (no set-logic, no check-sat);
    `exact` is False when some term was over-approximated (then sat is no counterexample); `unsupported` is the
    reason when there is no query. `premises` is the query without the negated claim: the domain, the hypotheses
    and the definitions of the auxiliary variables; if it is unsat too, a proof would be vacuous."""

    claim_id: str
    smtlib: str = ""
    premises: str = ""
    exact: bool = True
    unsupported: str | None = None
    transcendental: bool = False
    integer: bool = False  # Int variables or to_int
    to_int: bool = False  # floor or ceiling (no real relaxation)
    relaxed: bool = False  # integer parameters read as real ones

    def script(self, logic: str = "ALL", premises_only: bool = False) -> str:
        return f"(set-logic {logic})\n{self.premises if premises_only else self.smtlib}\n(check-sat)\n"


@dataclass
class PeerResult:
    """A peer's answer on one claim: `outcome` is one of OUTCOMES ("proved" only on unsat)."""

    outcome: str
    seconds: float
    detail: str = ""

    @property
    def proved(self) -> bool:
        return self.outcome == "proved"


# ---- translation ------------------------------------------------------------------------------------------------
def _num(q) -> str:
    """A rational as an SMT-LIB real literal."""
    q = Fraction(q)
    n, d = abs(q.numerator), q.denominator
    lit = f"{n}.0" if d == 1 else f"(/ {n}.0 {d}.0)"
    return f"(- {lit})" if q < 0 else lit


def _bound(v: float) -> str:
    return _num(Fraction(v))  # a float is a dyadic rational: exact


REL_NAMES = {sp.StrictLessThan: "<", sp.LessThan: "<=", sp.StrictGreaterThan: ">", sp.GreaterThan: ">="}


class _Translator:
    def __init__(self, relax_integers: bool = False):
        self.relax_integers = relax_integers
        self.decls: list[str] = []
        self.facts: list[str] = []
        self.cache: dict = {}
        self.shared_names: dict[str, str] = {}
        self.names: set[str] = set()
        self.exact = True
        self.transcendental = False
        self.integer = False
        self.to_int = False
        self.vars: dict[sp.Symbol, str] = {}

    # -- variables
    def fresh(self, hint: str, sort: str = "Real") -> str:
        k = len(self.names)
        name = f"|!{hint}{k}|"
        self.names.add(name)
        self.decls.append(f"(declare-fun {name} () {sort})")
        return name

    def declare(self, sym: sp.Symbol, domain=None) -> str:
        name = f"|{sym.name}|"
        if "|" in sym.name or "\\" in sym.name or name in self.names:
            raise Unsupported(f"symbol name {sym.name!r}")
        self.names.add(name)
        self.decls.append(f"(declare-fun {name} () Real)")
        if domain is not None:
            if domain.integer and self.relax_integers:  # proved for every real: a superset
                self.exact = False  # sat may be at a non-integer point
            elif domain.integer:
                self.integer = True
                iname = f"|{sym.name}!int|"
                self.names.add(iname)
                self.decls.append(f"(declare-fun {iname} () Int)")
                self.facts.append(f"(= {name} (to_real {iname}))")
            if math.isfinite(domain.lo):
                self.facts.append(f"({'>' if domain.lo_open else '>='} {name} {_bound(domain.lo)})")
            elif domain.lo == math.inf:
                raise Unsupported(f"domain of {sym.name} starts at +oo")
            if math.isfinite(domain.hi):
                self.facts.append(f"({'<' if domain.hi_open else '<='} {name} {_bound(domain.hi)})")
            elif domain.hi == -math.inf:
                raise Unsupported(f"domain of {sym.name} ends at -oo")
        self.vars[sym] = name
        return name

    def shared(self, t: str, hint: str = "v") -> str:
        """t itself when it is a name or a literal, else a fresh variable equal to it (so that powers do not copy
        a large term)."""
        if t.startswith("|") or not t.startswith("("):
            return t
        if t not in self.shared_names:
            v = self.fresh(hint)
            self.facts.append(f"(= {v} {t})")
            self.shared_names[t] = v
        return self.shared_names[t]

    def power(self, t: str, n: int) -> str:
        """t**n for an integer n >= 1, as a product of shared squares."""
        if n == 1:
            return t
        t = self.shared(t)
        if n <= 4:
            return "(* " + " ".join([t] * n) + ")"
        half = self.shared(self.power(t, n // 2), "pw")
        sq = f"(* {half} {half})"
        return f"(* {sq} {t})" if n % 2 else sq

    def log_var(self, u: sp.Expr) -> str:
        """The variable y with u > 0 -> exp(y) = u, one per u: log(u) and the powers u**b share it."""
        key = ("log", u)
        if key not in self.cache:
            self.transcendental = True
            t = self.shared(self.term(u))
            y = self.fresh("log")
            self.facts.append(f"(=> (> {t} 0.0) (= (exp {y}) {t}))")
            self.cache[key] = y
        return self.cache[key]

    def log(self, u: sp.Expr) -> str:
        y = self.log_var(u)
        self.facts.append(f"(> {self.shared(self.term(u))} 0.0)")  # log is real only there
        return y

    # -- terms
    def term(self, e: sp.Basic) -> str:
        if e in self.cache:
            return self.cache[e]
        t = self._term(e)
        self.cache[e] = t
        return t

    def _term(self, e: sp.Basic) -> str:
        if isinstance(e, sp.Symbol):
            return self.vars[e] if e in self.vars else self.declare(e)  # a symbol with no domain: any real
        if e is sp.E:
            self.transcendental = True
            return "(exp 1.0)"
        if e is sp.pi:
            self.transcendental = True
            return "real.pi"
        if isinstance(e, sp.Float):
            return self.float_ball(e)
        if isinstance(e, sp.Rational):  # Integer included
            return _num(Fraction(int(e.p), int(e.q)))
        if isinstance(e, sp.Add):
            return "(+ " + " ".join(self.term(a) for a in e.args) + ")"
        if isinstance(e, sp.Mul):
            return "(* " + " ".join(self.term(a) for a in e.args) + ")"
        if isinstance(e, sp.Pow):
            return self.pow(*e.args)
        if isinstance(e, sp.exp):
            self.transcendental = True
            return f"(exp {self.term(e.args[0])})"
        if isinstance(e, sp.log):
            if len(e.args) != 1:
                raise Unsupported("log with a base")
            return self.log(e.args[0])
        if isinstance(e, (sp.sin, sp.cos)):
            self.transcendental = True
            return f"({type(e).__name__} {self.term(e.args[0])})"
        if isinstance(e, sp.tan):
            self.transcendental = True
            u = self.term(e.args[0])
            self.facts.append(f"(not (= (cos {u}) 0.0))")
            return f"(/ (sin {u}) (cos {u}))"
        if isinstance(e, (sp.sinh, sp.cosh, sp.tanh)):
            self.transcendental = True
            u = self.term(e.args[0])
            p, m = f"(exp {u})", f"(exp (- {u}))"
            if isinstance(e, sp.sinh):
                return f"(/ (- {p} {m}) 2.0)"
            if isinstance(e, sp.cosh):
                return f"(/ (+ {p} {m}) 2.0)"
            return f"(/ (- {p} {m}) (+ {p} {m}))"
        if isinstance(e, (sp.asin, sp.acos, sp.atan)):
            return self.inverse_trig(e)
        if isinstance(e, sp.Abs):
            u = self.shared(self.term(e.args[0]))
            return f"(ite (>= {u} 0.0) {u} (- {u}))"
        if isinstance(e, (sp.Max, sp.Min)):
            op = ">=" if isinstance(e, sp.Max) else "<="
            args = [self.shared(self.term(a)) for a in e.args]
            out = args[0]
            for a in args[1:]:
                out = self.shared(f"(ite ({op} {out} {a}) {out} {a})", "mm")
            return out
        if isinstance(e, sp.floor):
            self.integer = self.to_int = True
            return f"(to_real (to_int {self.term(e.args[0])}))"
        if isinstance(e, sp.ceiling):
            self.integer = self.to_int = True
            return f"(- (to_real (to_int (- {self.term(e.args[0])}))))"
        name = type(e).__name__ if isinstance(e, sp.Basic) else repr(e)
        raise Unsupported(f"{name} ({sp.sstr(e)[:60]})" if isinstance(e, sp.Basic) else name)

    def float_ball(self, f: sp.Float) -> str:
        """A Float that is not a short decimal (exact_decimals made those exact) as a variable in its ball, rounded
        outward as boundlab's Goal does: nothing is proved from SymPy's rounding of a constant."""
        from boundlab.numerics.intervals import float_ball

        ball = float_ball(f)
        lo, hi = math.nextafter(float(ball.lower()), -math.inf), math.nextafter(float(ball.upper()), math.inf)
        if not (math.isfinite(lo) and math.isfinite(hi)):
            raise Unsupported(f"Float {f}")
        v = self.fresh("float")
        self.exact = False  # a value of the ball is not the constant
        self.facts += [f"(>= {v} {_bound(lo)})", f"(<= {v} {_bound(hi)})"]
        return v

    def inverse_trig(self, e) -> str:
        self.transcendental = True
        u = self.term(e.args[0])
        y = self.fresh(type(e).__name__)
        half_pi = "(/ real.pi 2.0)"
        if isinstance(e, sp.asin):
            self.facts += [f"(<= (- 1.0) {u})", f"(<= {u} 1.0)", f"(<= (- {half_pi}) {y})", f"(<= {y} {half_pi})",
                           f"(= (sin {y}) {u})"]
        elif isinstance(e, sp.acos):
            self.facts += [f"(<= (- 1.0) {u})", f"(<= {u} 1.0)", f"(<= 0.0 {y})", f"(<= {y} real.pi)",
                           f"(= (cos {y}) {u})"]
        else:
            self.facts += [f"(< (- {half_pi}) {y})", f"(< {y} {half_pi})", f"(= (sin {y}) (* {u} (cos {y})))"]
        return y

    def pow(self, base: sp.Expr, ex: sp.Expr) -> str:
        if base is sp.E:
            self.transcendental = True
            return f"(exp {self.term(ex)})"
        if isinstance(ex, sp.Integer):
            n = int(ex)
            if n == 0:
                return "1.0"
            u = self.term(base)
            if n > 0:
                return self.power(u, n)
            u = self.shared(u)
            self.facts.append(f"(not (= {u} 0.0))")  # SymPy's 1/0 is zoo
            return f"(/ 1.0 {self.power(u, -n)})"
        if isinstance(ex, sp.Rational):
            p, q = int(ex.p), int(ex.q)
            u = self.shared(self.term(base))
            # the principal root of a negative number is not real; 0**negative is zoo
            self.facts.append(f"({'>=' if p > 0 else '>'} {u} 0.0)")
            w = self.fresh("root")
            self.facts += [f"(>= {w} 0.0)", f"(= {self.power(w, q)} {u})"]
            return self.power(w, p) if p > 0 else f"(/ 1.0 {self.power(w, -p)})"
        # a symbolic (or irrational) exponent: exp(b log u) where u > 0
        self.transcendental = True
        u = self.shared(self.term(base))
        b = self.shared(self.term(ex))
        log_u = self.log_var(base)
        y = self.fresh("pow")
        self.facts += [f"(=> (> {u} 0.0) (= {y} (exp (* {b} {log_u}))))",
                       f"(=> (and (= {u} 0.0) (> {b} 0.0)) (= {y} 0.0))",
                       f"(=> (and (= {u} 0.0) (= {b} 0.0)) (= {y} 1.0))",
                       f"(not (and (= {u} 0.0) (< {b} 0.0)))"]  # 0**negative is zoo
        if ex.is_number and not ex.has(sp.Float) and ex.is_integer is False:  # (a rounded Float may be an integer)
            self.facts.append(f"(>= {u} 0.0)")  # a negative number to a non-integer power is not real
        elif base.is_nonnegative is not True:  # u < 0: real only for integer b; y is free there (over-approximated)
            self.exact = False  # only a label: sat is then no counterexample
        return y

    # -- formulas
    def formula(self, r: sp.Basic) -> str:
        if r is sp.true:
            return "true"
        if r is sp.false:
            return "false"
        if isinstance(r, sp.And):
            return "(and " + " ".join(self.formula(a) for a in r.args) + ")"
        if isinstance(r, sp.Or):
            return "(or " + " ".join(self.formula(a) for a in r.args) + ")"
        if isinstance(r, sp.Not):
            return f"(not {self.formula(r.args[0])})"
        if isinstance(r, sp.Eq):
            return f"(= {self.term(r.lhs)} {self.term(r.rhs)})"
        if isinstance(r, sp.Ne):
            return f"(not (= {self.term(r.lhs)} {self.term(r.rhs)}))"
        if type(r) in REL_NAMES:
            return f"({REL_NAMES[type(r)]} {self.term(r.lhs)} {self.term(r.rhs)})"
        raise Unsupported(f"condition {type(r).__name__} ({sp.sstr(r)[:60]})")

    def relation(self, lhs: str, rel: str, rhs: str) -> str:
        if rel == "=":
            return f"(= {lhs} {rhs})"
        if rel == "!=":
            return f"(not (= {lhs} {rhs}))"
        if rel in ("<", "<=", ">", ">="):
            return f"({rel} {lhs} {rhs})"
        raise Unsupported(f"relation {rel!r}")


def translate(claim, relax_integers: bool = False) -> Query:
    """The negation query of an analytic claim: unsat means the claim holds wherever it is defined. With
    `relax_integers`, integer parameters are real ones (unsat then proves the claim on a superset)."""
    from boundlab.numerics.intervals import exact_decimals

    q = Query(claim.id, relaxed=relax_integers)
    if claim.kind != "analytic":
        q.unsupported = f"{claim.statistic!r} claim (only analytic claims translate)"
        return q
    tr = _Translator(relax_integers)
    try:
        for p in claim.params:
            tr.declare(p.symbol, p.domain)
        lhs, rhs = exact_decimals(claim.left.expr), exact_decimals(claim.right.expr)
        hyps = [tr.formula(exact_decimals(h.expr)) for h in claim.conditions]
        goal = tr.relation(tr.term(lhs), claim.rel, tr.term(rhs))
    except Unsupported as exc:
        q.unsupported = str(exc)
        return q
    except (TypeError, ValueError, AttributeError) as exc:  # a SymPy object the translation does not know
        q.unsupported = f"{type(exc).__name__}: {exc}"
        return q
    lines = [*tr.decls, *(f"(assert {f})" for f in tr.facts), *(f"(assert {h})" for h in hyps)]
    q.premises = "\n".join(lines)
    q.smtlib = "\n".join([*lines, f"(assert (not {goal}))"])
    q.exact, q.transcendental, q.integer, q.to_int = tr.exact, tr.transcendental, tr.integer, tr.to_int
    return q


# ---- running the solvers ----------------------------------------------------------------------------------------
#: The child processes: each reads {"script", "logic", "tlimit_ms", "options"} on stdin, reads the SMT-LIB text with
#: the solver's own parser (Python API), and prints {"result", "explanation", "seconds"}. They import only the solver,
#: so they start in ~0.1 s.
_CVC5_WORKER = r"""
import json, sys, time
import cvc5
job = json.loads(sys.stdin.read())
tm = cvc5.TermManager()
solver = cvc5.Solver(tm)
solver.setOption("tlimit-per", str(job["tlimit_ms"]))
for k, v in job["options"].items():
    solver.setOption(k, v)
sm = cvc5.SymbolManager(tm)
parser = cvc5.InputParser(solver, sm)
script = f"(set-logic {job['logic']})\n{job['script']}\n(check-sat)\n"
parser.setStringInput(cvc5.InputLanguage.SMT_LIB_2_6, script, "query")
t0 = time.perf_counter()
result = None
while True:
    cmd = parser.nextCommand()
    if cmd.isNull():
        break
    if cmd.getCommandName() == "check-sat":
        result = solver.checkSat()
    else:
        cmd.invoke(solver, sm)
seconds = time.perf_counter() - t0
if result is None:
    answer = ("error", "no check-sat")
elif result.isUnsat():
    answer = ("unsat", "")
elif result.isSat():
    answer = ("sat", "")
else:
    answer = ("unknown", str(result.getUnknownExplanation()).replace("UnknownExplanation.", ""))
print(json.dumps({"result": answer[0], "explanation": answer[1], "seconds": seconds}))
"""

_Z3_WORKER = r"""
import json, sys, time
import z3
job = json.loads(sys.stdin.read())
solver = z3.Solver() if job["logic"] == "ALL" else z3.SolverFor(job["logic"])
solver.set("timeout", job["tlimit_ms"])
t0 = time.perf_counter()
solver.from_string(job["script"].replace("real.pi", "pi"))  # z3's name of the constant pi
result = solver.check()
seconds = time.perf_counter() - t0
if result == z3.unsat:
    answer = ("unsat", "")
elif result == z3.sat:
    answer = ("sat", "")
else:
    why = solver.reason_unknown()
    answer = ("unknown", "TIMEOUT" if why in ("timeout", "canceled") else why)
print(json.dumps({"result": answer[0], "explanation": answer[1], "seconds": seconds}))
"""

WORKERS = {"cvc5": _CVC5_WORKER, "z3": _Z3_WORKER}


def _limit_memory():  # runs in the child, before exec
    try:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (MEMORY_BYTES, MEMORY_BYTES))
    except (ImportError, ValueError, OSError):
        pass


def run_solver(solver: str, query: Query, seconds: float = 10.0, logic: str = "ALL", options: dict | None = None,
               premises_only: bool = False) -> PeerResult:
    """The solver's answer on a query: its own time limit is `seconds` (cvc5's tlimit-per, z3's timeout), and the
    child process is killed 2 s after that. The time is the solver's own (parse and check), or the wall time when
    it was killed. "refuted" is a sat answer that is a counterexample: on an exact query (no over-approximation),
    and not z3's on a query with exp, sin or cos (z3 5.4 answers sat on the true identity u**b = u**b' with b = b',
    its model giving exp inconsistent values), which stays "sat"."""
    if query.unsupported is not None:
        return PeerResult("unsupported", 0.0, query.unsupported)
    job = {"script": query.premises if premises_only else query.smtlib, "logic": logic,
           "tlimit_ms": max(1, int(seconds * 1000)), "options": options or {}}
    t0 = time.perf_counter()
    try:
        out = subprocess.run([sys.executable, "-c", WORKERS[solver]], input=json.dumps(job), capture_output=True,
                             text=True, timeout=seconds + 2.0,
                             preexec_fn=_limit_memory if os.name == "posix" else None)
    except subprocess.TimeoutExpired:  # subprocess.run kills the child
        return PeerResult("timeout", time.perf_counter() - t0, "killed after the time limit")
    wall = time.perf_counter() - t0
    try:
        answer = json.loads(out.stdout.strip().splitlines()[-1])
    except (IndexError, json.JSONDecodeError):
        tail = (out.stderr.strip().splitlines() or [f"exit code {out.returncode}"])[-1]
        return PeerResult("error", wall, tail[:200])
    took = float(answer.get("seconds", wall))
    result = answer["result"]
    if result == "unsat":
        return PeerResult("proved", took)
    if result == "sat":
        # exact query: a point of the domain where the claim fails; else possibly a value of a free auxiliary
        if not query.exact:
            return PeerResult("sat", took, "sat on an over-approximation")
        if solver == "z3" and query.transcendental:
            return PeerResult("sat", took, "z3's model of exp/sin/cos terms is not checked (seen wrong: sat on true "
                                           "identities)")
        return PeerResult("refuted", took)
    if result == "unknown":
        why = answer.get("explanation", "")
        return PeerResult("timeout" if "TIMEOUT" in why or "RESOURCEOUT" in why else "unknown", took, why)
    return PeerResult("error", took, answer.get("explanation", ""))


def run_cvc5(query: Query, seconds: float = 10.0, logic: str = "ALL", options: dict | None = None,
             premises_only: bool = False) -> PeerResult:
    return run_solver("cvc5", query, seconds, logic, options, premises_only)


def attempts(claim, solver: str = "cvc5") -> list[tuple[Query, str, dict]]:
    """The (query, logic, options) a solver tries in turn, as a user would configure it for the query's fragment.
    A polynomial query goes to QF_NRA (cvc5: cylindrical algebraic coverings; z3: nlsat; both complete for real
    polynomial arithmetic), with integer parameters read as real ones; then, with integers, to ALL (for cvc5 with
    coverings on: its default in ALL is incremental linearization, which times out on most of these); a query with
    exp, sin, cos or pi goes to ALL (cvc5: incremental linearization with transcendental refinement)."""
    q = translate(claim)
    if q.unsupported is not None or q.transcendental:
        return [(q, "ALL", {})]
    if not q.integer:
        return [(q, "QF_NRA", {})]
    first = [] if q.to_int else [(translate(claim, relax_integers=True), "QF_NRA", {})]
    return first + [(q, "ALL", {"nl-cov": "true"} if solver == "cvc5" else {})]


def prove(claim, solver: str = "cvc5", seconds: float = 10.0) -> PeerResult:
    """Whether the solver proves the claim (unsat of its negation query) within `seconds` in all (`attempts`):
    the first attempt of two has half the time, the next what is left. The outcome is the first proof or exact
    refutation, else the last attempt's; the time is the sum of the attempts' (`run_solver`). A proof is then
    checked not to be vacuous: the same query without the negated claim (`Query.premises`) must not be unsat."""
    spent, res = 0.0, None
    todo = attempts(claim, solver)
    for i, (q, logic, options) in enumerate(todo):
        left = seconds - spent
        if left <= 0.05:
            break
        res = run_solver(solver, q, left / (len(todo) - i), logic, options)
        spent += res.seconds
        res.detail = f"{logic}{' ' + str(options) if options else ''}{' (ints as reals)' if q.relaxed else ''}: " \
                     f"{res.detail}".rstrip(": ")
        if res.outcome == "proved":
            # the guard against a vacuous proof (the domain, hypotheses and definitions unsatisfiable: a translation
            # that excludes too much); not counted in the time
            check = run_solver(solver, q, VACUITY_SECONDS, logic, options, premises_only=True)
            if check.outcome == "refuted":  # sat: a point of the domain where everything is defined
                res.detail += " (premises sat)"
            elif check.outcome == "sat":
                res.detail += " (premises sat, unverified)"
            elif check.outcome == "proved":
                res.outcome, res.detail = "vacuous", res.detail + " (premises unsat)"
            else:
                res.detail += f" (premises not shown sat: {check.outcome})"
        if res.outcome in ("proved", "vacuous", "refuted", "unsupported"):
            break
    assert res is not None
    res.seconds = spent
    return res


def cvc5_prove(claim, seconds: float = 10.0) -> PeerResult:
    """Whether cvc5 proves the claim within `seconds` (`prove`)."""
    return prove(claim, "cvc5", seconds)


def z3_prove(claim, seconds: float = 10.0) -> PeerResult:
    """Whether z3 proves the claim within `seconds`, on the same translation as cvc5 (`prove`); z3 reads exp and
    pi too. Not boundlab's z3 layer (`boundlab.numerics.smt`), which takes polynomial gaps only."""
    return prove(claim, "z3", seconds)


def available(solver: str) -> str | None:
    """None when the solver's Python bindings import, else the reason."""
    try:
        __import__(solver)
    except ImportError as exc:
        return str(exc)
    return None


def cvc5_available() -> str | None:
    return available("cvc5")


def dreal_status() -> str | None:
    """None when dReal's Python bindings import here, else why not."""
    try:
        import dreal  # noqa: F401
    except ImportError as exc:  # ModuleNotFoundError when not installed; a missing libibex.so when the wheel is
        return f"{DREAL_REASON} (here: {exc})"
    return None
