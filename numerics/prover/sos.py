"""Layer: polynomial gaps (after clearing a denominator shown positive) in a few variables, proved by a
Positivstellensatz certificate of sums of squares:

    numerator = sum_j eps_j * h_j + sum_t g_t * s_t

where each g_t is 1, a constraint g_i >= 0 (a domain end x - lo, hi - x, or a polynomial hypothesis) or a product
g_i * g_j of two of them, each s_t = b_t^T Q_t b_t is a sum of squares (Q_t positive semidefinite, b_t a vector of
polynomials: monomials, or the combinations of them left by facial reduction), each eps_j >= 0, and each h_j is
(1 + x1**2 + ... + xn**2)**k or a constraint; a strict goal needs some eps_j > 0 whose h_j > 0: a power, or a
constraint that holds strictly (an open domain end, a hypothesis x < y).

An SDP (cvxpy: Clarabel, SCS as fallback, or first for large Gram matrices) maximizes sum_j eps_j up to a cap, so
that its Gram matrices lie inside the cone when the numerator has room; it is solved for a few monomial bases (the
Newton polytope's, then every monomial up to the degree, with products of constraints, then two degrees more). The
floating-point Gram matrices are then made exact (Peyrl and Parrilo): rounded to rationals (short fractions first,
then dyadic ones), projected exactly onto the affine space where the identity holds (python-flint), and proved
positive semidefinite by an exact LDL^T factorisation; when none of that works and a Gram matrix has a kernel whose
reduced echelon form reads as short fractions, the basis is reduced to the polynomials orthogonal to it and the SDP
solved again. A certificate that fails any exact check is dropped: the layer returns None.

Open domain ends are relaxed to closed ones and integer domains to real ones (the proof covers a larger set, which is
sound). The denominator's sign is proved by the sign rules (a tree the checker replays), or by a strict sum of squares
of its own.
"""
from __future__ import annotations

import itertools
import math
import warnings
from fractions import Fraction

import numpy as np
import sympy as sp

from ..signs import Facts, domain_end, relation_fact
from ..smt import polynomial_form
from .goal import Goal, Proof
from .layer import Budget, Layer
from .signs import signer

MAX_VARS = 6  # variables of the SDP (MAX_ENTRIES bounds its size)
MAX_DEGREE = 8  # of the numerator, and of the relaxation
MAX_ENTRIES = 5000  # free Gram entries of one SDP (sum of n(n+1)/2 over its Gram matrices)
MAX_ROWS = 1000  # monomials of its identity (the exact projection solves a dense system of this size)
MAX_PRODUCTS = 12  # products g_i * g_j of two constraints taken as multipliers
CAP = 0.1  # the largest sum of the eps_j asked of the SDP (relative to the numerator's largest coefficient)
KERNEL_TOL = 1e-6  # a Gram eigenvalue below this (relative) marks a kernel vector the identity forces
KERNEL_DENOMINATOR = 10 ** 4  # the largest denominator of a kernel vector's entries (in reduced echelon form)
KERNEL_ROUNDING = 0.05  # p/q is taken for an entry within KERNEL_ROUNDING / q**2 of it
FACIAL_ROUNDS = 3  # re-solves with the basis reduced by such kernels
CLARABEL_SIZE = 30  # Gram matrices up to this size go to Clarabel first, larger ones to SCS first

Mono = tuple  # exponents, one per variable
Pol = dict  # Mono -> Fraction


# ---- polynomials as {monomial: Fraction} ---------------------------------------------------------------------
def _pol(e: sp.Expr, gens) -> Pol | None:
    try:
        p = sp.Poly(sp.expand(e), *gens)
    except (sp.PolynomialError, sp.GeneratorsNeeded):
        return None
    out = {}
    for m, c in p.terms():
        if not c.is_Rational:
            return None
        if c != 0:
            out[m] = Fraction(int(c.p), int(c.q))
    return out


def _mul(p: Pol, q: Pol) -> Pol:
    out: Pol = {}
    for m1, c1 in p.items():
        for m2, c2 in q.items():
            m = tuple(a + b for a, b in zip(m1, m2))
            out[m] = out.get(m, 0) + c1 * c2
    return {m: c for m, c in out.items() if c != 0}


def _deg(p: Pol) -> int:
    return max((sum(m) for m in p), default=0)


def _low(p: Pol) -> int:
    return min((sum(m) for m in p), default=0)


def _monomials(n: int, lo: int, hi: int) -> list[Mono]:
    """Exponent tuples of total degree in [lo, hi], by degree then reverse lexicographic."""
    out = []
    for d in range(max(lo, 0), hi + 1):
        out += sorted((m for m in itertools.product(range(d + 1), repeat=n) if sum(m) == d), reverse=True)
    return out


def _pol_str(p: Pol, gens) -> str:
    return sp.sstr(sp.Add(*[sp.Rational(c.numerator, c.denominator) * sp.Mul(*[g ** k for g, k in zip(gens, m)])
                            for m, c in p.items()]))


# ---- the search ----------------------------------------------------------------------------------------------
class _Search:
    """Sum-of-squares certificates of target >= 0 (> 0) where the constraints are >= 0, in the variables gens."""

    def __init__(self, gens, constraints: list[Pol], strict: list[bool], compact: bool, budget: Budget):
        self.gens, self.n = list(gens), len(gens)
        self.constraints, self.strict, self.compact, self.budget = constraints, strict, compact, budget

    def certify(self, target: Pol, strict: bool) -> dict | None:
        if not target:  # the zero polynomial: >= 0, never > 0
            return None if strict else self._json([], [], [], [], 0)
        degree = _deg(target)
        if degree > MAX_DEGREE:
            return None
        relax = degree + degree % 2
        seen = []
        for terms, relaxation in self._configs(target, relax):
            if terms in seen:
                continue
            seen.append(terms)
            if self.budget.left() < 0.2:
                return None
            cert = self._attempt(target, strict, self._positives(relaxation), terms, relaxation)
            if cert is not None:
                return cert
        return None

    def _positives(self, relaxation: int) -> list:
        """The candidates h_j > 0 of a positive part: (what the certificate says of h_j, h_j). A goal gap >= 0 has
        them too: when the numerator has room, the SDP's Gram matrices are then inside the cone, easy to round."""
        out = [({"power": 0}, self._weight(0))]
        if not self.compact and relaxation > 0:
            out.append(({"power": relaxation // 2}, self._weight(relaxation // 2)))
        out += [({"constraint": i}, g) for i, g in enumerate(self.constraints)
                if self.strict[i] and _deg(g) <= relaxation]
        return out

    def _configs(self, target: Pol, relax: int):
        """(terms, relaxation degree) to try, cheapest first; a term is (multiplier indices, monomial basis)."""
        n, gs = self.n, self.constraints
        low, high = _low(target), _deg(target)
        # tight: the monomials the Newton polytope of the target allows (bounds of each exponent and of the degree),
        # each constraint with the monomials that keep its products within the target's degrees; no products
        lo_e = [min(m[i] for m in target) for i in range(n)]
        hi_e = [max(m[i] for m in target) for i in range(n)]
        basis0 = [m for m in _monomials(n, (low + 1) // 2, high // 2)
                  if all((lo_e[i] + 1) // 2 <= m[i] <= hi_e[i] // 2 for i in range(n))]
        tight = [((), basis0)] if basis0 else []
        for i, g in enumerate(gs):
            basis = [m for m in _monomials(n, 0, (high - _deg(g)) // 2) if 2 * sum(m) + _low(g) >= low]
            if basis:
                tight.append(((i,), basis))
        if _entries(tight) <= MAX_ENTRIES:
            yield tight, relax
        for relaxation in (relax, relax + 2):
            if relaxation > MAX_DEGREE:
                break
            full = [((), _monomials(n, 0, relaxation // 2))]
            for i, g in enumerate(gs):
                if _deg(g) <= relaxation:
                    full.append(((i,), _monomials(n, 0, (relaxation - _deg(g)) // 2)))
            pairs = [(i, j) for i, j in itertools.combinations(range(len(gs)), 2)
                     if _deg(gs[i]) + _deg(gs[j]) <= relaxation]
            for i, j in pairs[:MAX_PRODUCTS]:
                full.append(((i, j), _monomials(n, 0, (relaxation - _deg(gs[i]) - _deg(gs[j])) // 2)))
            if _entries(full) <= MAX_ENTRIES:
                yield full, relaxation

    def _multiplier(self, idx: tuple) -> Pol:
        out: Pol = {(0,) * self.n: Fraction(1)}
        for i in idx:
            out = _mul(out, self.constraints[i])
        return out

    def _weight(self, k: int) -> Pol:
        """(1 + sum of squares of the variables)**k."""
        base: Pol = {(0,) * self.n: Fraction(1)}
        for i in range(self.n):
            base[tuple(2 if j == i else 0 for j in range(self.n))] = Fraction(1)
        out: Pol = {(0,) * self.n: Fraction(1)}
        for _ in range(k):
            out = _mul(out, base)
        return out

    def _attempt(self, target: Pol, strict: bool, positives: list, terms: list, relaxation: int) -> dict | None:
        """A certificate with these terms, and a positive part (not 0 for a strict goal)."""
        weights = [h for _, h in positives]
        eps = None
        terms = [(idx, [{m: Fraction(1)} for m in b]) for idx, b in terms]  # bases of polynomials from here on
        for _ in range(FACIAL_ROUNDS + 1):
            terms = [(idx, b) for idx, b in terms if b]
            if not terms or self.budget.left() < 0.2:
                return None
            system = _System(target, [(self._multiplier(idx), b) for idx, b in terms], weights)
            if len(system.rows) > MAX_ROWS:
                return None
            solved = system.solve(eps, self.budget)
            if solved is None:
                return None
            values, grams = solved
            if eps is None:  # the first solve maximized sum_j eps_j (up to the cap)
                eps = _fix(values, system, strict)
                if eps is None:
                    return None
                if eps[1]:
                    eps = eps[0]
                    continue  # solve again with the eps_j fixed inside the feasible range
                eps = eps[0]
            exact = system.round(eps, grams, self.budget)
            if exact is not None and self._holds(target, eps, weights, terms, exact):
                return self._json(eps, [d for d, _ in positives], terms, exact, relaxation)
            # facial reduction: a Gram matrix with a kernel (a rational one, as the identity forces it) lives on
            # the polynomials orthogonal to it: those become its basis, and the SDP is solved again
            top = max([1.0] + [float(np.max(np.linalg.eigvalsh(q))) for q in grams])
            reduced = [(idx, _reduce(grams[t], b, KERNEL_TOL * top)) for t, (idx, b) in enumerate(terms)]
            if all(new is b for (_, new), (_, b) in zip(reduced, terms)):
                return None
            terms = reduced
        return None

    def _holds(self, target: Pol, eps: list, weights: list, terms: list, exact: list) -> bool:
        """The identity target = sum_j eps_j * h_j + sum_t multiplier_t * b_t^T Q_t b_t, recomputed term by term (a
        check of the rounding's bookkeeping), and each Q_t symmetric."""
        total: Pol = {}
        for e, h in zip(eps, weights):
            for m, c in h.items():
                total[m] = total.get(m, 0) + e * c
        for (idx, basis), q in zip(terms, exact):
            square: Pol = {}
            for j, bj in enumerate(basis):
                for k, bk in enumerate(basis):
                    if q[j][k] != q[k][j]:
                        return False
                    if q[j][k]:
                        for m, c in _mul(bj, bk).items():
                            square[m] = square.get(m, 0) + q[j][k] * c
            for m, c in _mul(self._multiplier(idx), square).items():
                total[m] = total.get(m, 0) + c
        return {m: c for m, c in total.items() if c != 0} == {m: c for m, c in target.items() if c != 0}

    def _json(self, eps, positives, terms, exact, relaxation) -> dict:
        out = []
        for t, (idx, b) in enumerate(terms):
            # a zero diagonal entry of a PSD matrix has its row zero: that monomial, or the whole term, goes
            keep = [j for j in range(len(b)) if exact[t][j][j] != 0]
            if keep:
                out.append({"multiplier": list(idx), "basis": [_pol_str(b[j], self.gens) for j in keep],
                            "gram": [[str(exact[t][i][j]) for j in keep] for i in keep]})
        return {"variables": [str(g) for g in self.gens],
                "constraints": [_pol_str(g, self.gens) for g in self.constraints],
                "degree": relaxation, "positive": [{"eps": str(e), **d} for e, d in zip(eps, positives) if e],
                "terms": out}


def _simple(v: float) -> Fraction | None:
    """The first convergent p/q of v's continued fraction (q up to KERNEL_DENOMINATOR) that approximates it unusually
    well, |v - p/q| <= KERNEL_ROUNDING / q**2 (the next partial quotient is large): v read as a rational number
    perturbed by the SDP's inexactness, or None."""
    h0, h1, k0, k1, x = 1, math.floor(v), 0, 1, v
    while k1 <= KERNEL_DENOMINATOR:
        if abs(v - h1 / k1) <= KERNEL_ROUNDING / k1 ** 2:
            return Fraction(h1, k1)
        rest = x - math.floor(x)
        if rest < 1e-12:
            return None
        x = 1 / rest
        a = math.floor(x)
        h0, h1, k0, k1 = h1, a * h1 + h0, k1, a * k1 + k0
    return None


def _reduce(gram: np.ndarray, basis: list, tol: float) -> list:
    """The basis of the polynomials orthogonal to the (rationalized) kernel of a floating-point Gram matrix: the same
    list when it has no kernel, or when the kernel has no short rational form."""
    values, vectors = np.linalg.eigh(gram)
    kernel = vectors[:, values <= tol]
    n, k = kernel.shape
    if k == 0:
        return basis
    if k == n:
        return []
    # reduced row echelon form of the kernel's rows (k x n), then short fractions
    rows, pivots = kernel.T.copy(), []
    for i in range(k):
        free = [j for j in range(n) if j not in pivots]
        j = max(free, key=lambda c: abs(rows[i, c]))
        rows[i] /= rows[i, j]
        for r in range(k):
            if r != i:
                rows[r] -= rows[r, j] * rows[i]
        pivots.append(j)
    exact = []
    for i in range(k):
        row = [Fraction(int(j == pivots[i])) if j in pivots else _simple(float(rows[i, j])) for j in range(n)]
        if any(v is None for v in row):
            return basis
        exact.append(row)
    # the null space of the kernel's rows: u_f = e_f - sum_i row_i[f] e_(pivot i), for each free column f
    out = []
    for f in (j for j in range(n) if j not in pivots):
        poly: Pol = dict(basis[f])
        for i, p in enumerate(pivots):
            if exact[i][f]:
                for m, c in basis[p].items():
                    poly[m] = poly.get(m, 0) - exact[i][f] * c
        poly = {m: c for m, c in poly.items() if c != 0}
        if poly:
            scale = math.lcm(*(c.denominator for c in poly.values()))
            out.append({m: c * scale for m, c in poly.items()})
    return out


def _entries(terms: list) -> int:
    """The free entries of the Gram matrices of these terms."""
    return sum(len(b) * (len(b) + 1) // 2 for _, b in terms)


def _fix(values: list, system: "_System", strict: bool):
    """Exact eps_j from the SDP's: (eps, whether to solve again with them fixed), or None when their sum is 0 for a
    strict goal. When the cap binds on a single eps_j, it is the cap itself (the Gram matrices are central for it);
    else each is half its value, a short fraction, well inside the feasible range. When the sum is 0 (the numerator
    has zeros), all are 0, and the Gram matrices are central on the face where they are."""
    scale = system.scale
    if sum(values) < 1e-7 * scale:
        return None if strict else ([Fraction(0)] * len(values), False)
    big = [j for j, v in enumerate(values) if v > 1e-7 * scale]
    if sum(values) >= (1 - 1e-6) * CAP * scale and len(big) == 1:
        return [system.cap if j in big else Fraction(0) for j in range(len(values))], False
    eps = []
    for j, v in enumerate(values):
        if j not in big:
            eps.append(Fraction(0))
            continue
        q = Fraction(v / 2 / scale).limit_denominator(1000)
        if q <= 0 or abs(q - v / 2 / scale) > v / 8 / scale:
            q = Fraction(v / 2 / scale).limit_denominator(10 ** 12)
        eps.append(q * system.top)
    return eps, True


class _System:
    """The linear system of one SDP: the coefficients of target - sum_j eps_j * h_j = sum_t b_t^T Q_t b_t * g_t, in
    the free (upper triangular) entries of the Gram matrices."""

    def __init__(self, target: Pol, terms: list, weights: list):
        self.target, self.weights, self.sizes = target, weights, [len(b) for _, b in terms]
        self.top = max(abs(c) for c in target.values())
        self.scale, self.cap = float(self.top), self.top * Fraction(CAP).limit_denominator(1000)
        self.rows: dict[Mono, int] = {}
        self.entries = []  # (term, j, k)
        self.columns = []  # per entry: [(row, Fraction)]
        for t, (g, basis) in enumerate(terms):
            for j in range(len(basis)):
                for k in range(j, len(basis)):
                    col: dict[int, Fraction] = {}
                    for m, c in _mul(_mul(basis[j], basis[k]), g).items():
                        r = self.rows.setdefault(m, len(self.rows))
                        col[r] = col.get(r, 0) + c * (1 if j == k else 2)
                    self.entries.append((t, j, k))
                    self.columns.append([(r, c) for r, c in col.items() if c != 0])
        for m in list(target) + [m for h in weights for m in h]:
            self.rows.setdefault(m, len(self.rows))

    def rhs(self, eps: list | None) -> list[Fraction]:
        out = [Fraction(0)] * len(self.rows)
        for m, c in self.target.items():
            out[self.rows[m]] += c
        for e, h in zip(eps or [], self.weights):
            if e:
                for m, c in h.items():
                    out[self.rows[m]] -= e * c
        return out

    def solve(self, eps: list | None, budget: Budget):
        """(the eps_j found, or the ones given; Gram matrices as floats), or None when the SDP has no solution in
        time. eps None: maximize sum_j eps_j (up to the cap) in target - sum_j eps_j * h_j."""
        import cvxpy as cp
        import scipy.sparse as sps

        s = self.scale
        grams = [cp.Variable((n, n), PSD=True) for n in self.sizes]
        offsets = np.cumsum([0] + [n * n for n in self.sizes])
        rows, cols, vals = [], [], []
        for (t, j, k), col in zip(self.entries, self.columns):
            for r, c in col:
                rows.append(r)
                cols.append(offsets[t] + j + k * self.sizes[t])  # column-major index of entry (j, k)
                vals.append(float(c))
        A = sps.csr_matrix((vals, (rows, cols)), shape=(len(self.rows), int(offsets[-1])))
        vec = cp.hstack([cp.vec(q, order="F") for q in grams])
        b = np.array([float(v) for v in self.rhs(eps)]) / s
        constraints = []
        if eps is None:
            e = cp.Variable(len(self.weights))
            H = np.zeros((len(self.rows), len(self.weights)))
            for j, h in enumerate(self.weights):
                for m, c in h.items():
                    H[self.rows[m], j] = float(c)
            constraints += [A @ vec + H @ e == b, e >= 0, cp.sum(e) <= CAP]
            # a slight preference for the earlier h_j (1 first): the cap then binds on one of them, as a rule
            objective = cp.Maximize(np.linspace(1.0, 0.9, len(self.weights)) @ e)
        else:
            constraints.append(A @ vec == b)
            objective = cp.Minimize(0)
        problem = cp.Problem(objective, constraints)
        clarabel = (cp.CLARABEL, {"tol_gap_abs": 1e-10, "tol_gap_rel": 1e-10, "tol_feas": 1e-10, "max_threads": 1})
        scs = (cp.SCS, {"eps_abs": 1e-9, "eps_rel": 1e-9, "max_iters": 20000})
        # Clarabel factors a dense block per Gram matrix (its entries squared): SCS first for the large ones
        order = (clarabel, scs) if max(self.sizes) <= CLARABEL_SIZE else (scs, clarabel)
        for solver, options in order:
            left = budget.left()
            if left < 0.1:
                return None
            limit = {"time_limit": left} if solver == cp.CLARABEL else {"time_limit_secs": left}
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")  # "Solution may be inaccurate": the exact checks decide
                    problem.solve(solver=solver, **options, **limit)
            except (cp.SolverError, ValueError, ArithmeticError):
                continue
            except BaseException as exc:  # noqa: BLE001 - a panic inside Clarabel (pyo3's PanicException)
                if type(exc).__name__ != "PanicException":
                    raise  # the time limit, KeyboardInterrupt
                continue
            if problem.status == "infeasible":
                return None
            if problem.status in ("optimal", "optimal_inaccurate") and all(q.value is not None for q in grams):
                values = [max(0.0, float(v)) * s for v in e.value] if eps is None else eps
                return values, [np.asarray(q.value) * s for q in grams]
        return None

    def round(self, eps: list, grams: list, budget: Budget) -> list | None:
        """Exact rational Gram matrices (lists of rows of Fractions) with the identity exact and each matrix proved
        positive semidefinite, from the floating-point ones; None when no rounding works. The roundings tried: to
        small fractions (a solution on the boundary of the PSD cone, unique and rational, is found exactly), then to
        dyadic ones, each projected exactly onto the identity's affine space (Peyrl and Parrilo)."""
        from flint import fmpq, fmpq_mat

        rhs = [fmpq(v.numerator, v.denominator) for v in self.rhs(eps)]
        used = {r for col in self.columns for r, _ in col}
        if any(rhs[r] != 0 for r in range(len(rhs)) if r not in used):
            return None  # a monomial no Gram entry reaches, with a coefficient to match
        columns = [[(r, fmpq(c.numerator, c.denominator)) for r, c in col] for col in self.columns]
        floats = [float(grams[t][j, k] + grams[t][k, j]) / 2 for t, j, k in self.entries]
        roundings = [lambda v: fmpq(round(v)),
                     *[lambda v, q=q: (lambda f: fmpq(f.numerator, f.denominator))(Fraction(v).limit_denominator(q))
                       for q in (60, 10 ** 4)],
                     *[lambda v, q=q: fmpq(round(v * 2 ** q), 2 ** q) for q in (20, 30, 40)]]
        n = len(self.rows)
        pending = []  # (candidate, residual) of the roundings that miss the identity
        for rounding in roundings:
            if budget.left() < 0.05:
                return None
            x = [rounding(v) for v in floats]
            res = list(rhs)
            for col, v in zip(columns, x):
                if v != 0:
                    for r, c in col:
                        res[r] -= c * v
            if any(v != 0 for v in res):
                pending.append((x, res))
                continue
            exact = self._psd(x)
            if exact is not None:
                return exact
        if not pending:
            return None
        # the projection: x + A^T y with (A A^T) y = rhs - A x, one exact solve for all the pending candidates
        gram = {}
        for col in columns:
            for r1, c1 in col:
                for r2, c2 in col:
                    gram[r1, r2] = gram.get((r1, r2), 0) + c1 * c2
        M = fmpq_mat(n, n)
        for (r1, r2), v in gram.items():
            M[r1, r2] = v
        for r in range(n):
            if r not in used:
                M[r, r] = 1  # an unreached monomial: its residual is 0, and so is its y
        R = fmpq_mat(n, len(pending))
        for c, (_, res) in enumerate(pending):
            for r in range(n):
                R[r, c] = res[r]
        if budget.left() < 0.05:
            return None
        Y = _solve(M, R)
        if Y is None:
            return None
        for c, (x, _) in enumerate(pending):
            if budget.left() < 0.05:
                return None
            y = [Y[r, c] for r in range(n)]
            x = [v + sum((cc * y[r] for r, cc in col), fmpq(0)) for v, col in zip(x, columns)]
            exact = self._psd(x)
            if exact is not None:
                return exact
        return None

    def _psd(self, x) -> list | None:
        """The Gram matrices of the entries x, as Fractions, when each is positive semidefinite exactly."""
        from flint import fmpq

        mats = [[[fmpq(0)] * size for _ in range(size)] for size in self.sizes]
        for (t, j, k), v in zip(self.entries, x):
            mats[t][j][k] = mats[t][k][j] = v
        if not all(_psd(q) for q in mats):
            return None
        return [[[Fraction(int(v.p), int(v.q)) for v in row] for row in q] for q in mats]


def _solve(M, R):
    """A solution Y of M Y = R (flint matrices), M square and possibly singular; None when there is none."""
    from flint import fmpq_mat

    try:
        return M.solve(R)
    except (ZeroDivisionError, ValueError):
        pass
    n, k = M.nrows(), R.ncols()
    aug = fmpq_mat(n, n + k)
    for i in range(n):
        for j in range(n):
            aug[i, j] = M[i, j]
        for j in range(k):
            aug[i, n + j] = R[i, j]
    E, rank = aug.rref()
    Y = fmpq_mat(n, k)
    for i in range(rank):
        pivot = next(j for j in range(n + k) if E[i, j] != 0)
        if pivot >= n:
            return None  # inconsistent (for at least one candidate: all are dropped, a rare case)
        for j in range(k):
            Y[pivot, j] = E[i, n + j]
    return Y


def _psd(q: list) -> bool:
    """Exact positive semidefiniteness of a symmetric rational matrix, by LDL^T with zero pivots allowed only on
    rows that are zero."""
    a = [row[:] for row in q]
    n = len(a)
    for p in range(n):
        d = a[p][p]
        if d < 0:
            return False
        if d == 0:
            if any(a[p][j] != 0 for j in range(p + 1, n)):
                return False
            continue
        row = a[p]
        for i in range(p + 1, n):
            if row[i] != 0:
                f = row[i] / d
                ai = a[i]
                for j in range(i, n):
                    if row[j] != 0:
                        ai[j] -= f * row[j]
                        if j != i:
                            a[j][i] = ai[j]
    return True


# ---- the layer -----------------------------------------------------------------------------------------------
def _setting(goal: Goal):
    """(variables, numerator, denominator, constraints as (polynomial, strict)), or None."""
    form = polynomial_form(goal.gap, goal.domains)
    if form is None or not set(form[0]) <= set(goal.domains):  # square roots as variables: not for a Gram matrix
        return None
    symbols, num, den, pn, pd = form
    gens = list(symbols)
    hyps = []
    for h in goal.hypotheses:
        fact = relation_fact(h)
        if fact is None or not fact[0].free_symbols <= set(goal.domains):
            continue  # = and != hypotheses, or ones about unknown symbols, are left out: a larger set, still sound
        extra = sorted(fact[0].free_symbols - set(gens), key=str)
        if len(gens) + len(extra) > MAX_VARS or _pol(fact[0], gens + extra) is None:
            continue
        hyps.append(fact)
        gens += extra
    if len(gens) > MAX_VARS or pn.total_degree() > MAX_DEGREE:
        return None
    gens = sorted(gens, key=str)
    constraints = []  # (g, strict): g > 0 (>= 0)
    for s in gens:
        d = goal.domains[s]
        if math.isfinite(d.lo):
            constraints.append((s - domain_end(d.lo), d.lo_open))
        if math.isfinite(d.hi):
            constraints.append((domain_end(d.hi) - s, d.hi_open))
    constraints += hyps
    polys = []
    for c, strict in constraints:
        p = _pol(c, gens)
        if p is not None and p and not (len(p) == 1 and sum(next(iter(p))) == 0):
            polys.append((p, strict))
    return gens, num, den, polys


class Sos(Layer):
    name, kinds = "sos", ("sos",)
    share = 0.5  # of the claim's budget: a goal it cannot prove leaves time to z3 and the layers after it

    def accepts(self, goal: Goal) -> bool:
        return goal.inequality and _setting(goal) is not None

    def prove(self, goal: Goal, budget: Budget) -> Proof | None:
        gens, num, den, polys = _setting(goal)
        compact = all(math.isfinite(goal.domains[s].lo) and math.isfinite(goal.domains[s].hi) for s in gens)
        search = _Search(gens, [p for p, _ in polys], [strict for _, strict in polys], compact, budget)
        positive = _denominator(den, goal, gens, search, budget)
        if positive is None:
            return None
        sign, argument = positive
        num, den = (num, den) if sign > 0 else (-num, -den)
        target = _pol(num, gens)
        if target is None:
            return None
        part = search.certify(target, goal.strict)
        if part is None:
            return None
        cert = {"kind": "sos", "numerator": sp.sstr(num), "denominator": sp.sstr(den),
                "denominator_positive": argument, **part}
        return Proof("sum of squares (SDP, exact rational rounding)", cert)

    def describe(self, certificate: dict) -> str:
        terms = certificate["terms"]
        positive = " + ".join(p["eps"] + (f"*({certificate['constraints'][p['constraint']]})" if "constraint" in p
                                           else f"*(1 + |x|^2)^{p['power']}" if p["power"] else "")
                              for p in certificate["positive"])
        strict = f", positive part {positive}" if positive else ""
        rule = certificate["denominator_positive"]["rule"]
        den = "" if rule == "constant" else f", denominator > 0 by {'sign rules' if rule == 'sign' else 'SOS'}"
        return (f"sum of squares: {len(terms)} Gram matri{'x' if len(terms) == 1 else 'ces'}, degree "
                f"{certificate['degree']}, exact rational{strict}{den}")


def _denominator(den, goal: Goal, gens, search: _Search, budget: Budget):
    """(sign of the denominator, the argument that it keeps it) or None."""
    if not den.free_symbols:
        value = sp.Rational(den)
        return (1 if value > 0 else -1, {"rule": "constant"}) if value != 0 else None
    facts = Facts.of(goal.domains, goal.hypotheses)
    for sign in (1, -1):
        tree = signer(facts, budget).prove(sign * den, True)
        if tree is not None:
            return sign, {"rule": "sign", "tree": tree}
    for sign in (1, -1):
        target = _pol(sign * den, gens)
        part = search.certify(target, True) if target is not None else None
        if part is not None:
            return sign, {"rule": "sos", **part}
    return None
