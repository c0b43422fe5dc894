"""Optimal data allocation for the transfer scaling law L(p, f) = (A p^-alpha + G) f^-beta + E.

Barnett (2024) working form H-main (papers/scaling_laws_transfer.md, note 2.4, reconstructed): choose
pre-training data p > 0 and fine-tuning data f > 0 to minimise L under the budget c_p p + c_f f <= B and
an optional cap f <= f_max (scarce downstream data). L - E is a posynomial, so this is a geometric
program; `allocate_gp` solves it with cvxpy and `allocate_closed_form` solves the first-order condition
    alpha A c_f f = beta c_p p (A + G p^alpha)
by bracketing root finding. The raw GP optimum is an independent route to the same optimum: its loss agrees
to ~1e-9, its sizes to ~1e-3 (the loss is flat at the optimum). By default `allocate_gp` then polishes the
solver's point with the first-order condition (method "gp+polish"), which is accurate to 1e-13 but no longer
independent of the closed form; `polish=False` returns the solver's own point (method "gp"). `share_curve` gives the pre-training share c_p p / B over a sweep of budgets (for plots).

Both solvers work in budget shares x = c_p p / B and y = c_f f / B (and the log-odds of x for the root
finder), so the numbers stay O(1) for any B. Bad input or a failed solve raises `AllocationError`.
"""
from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field

import cvxpy as cp
import numpy as np
from scipy.optimize import brentq
from scipy.optimize.elementwise import find_root
from scipy.special import expit

# Clarabel options for the GP. Through cvxpy's exponential-cone form the GP optimum is only accurate to
# ~1e-5..1e-3 relative in p and f (loss to ~1e-9); tightening the gaps below ~1e-10 makes Clarabel end
# "optimal_inaccurate" for many budgets. Hence the optional KKT polish in `allocate_gp`.
CLARABEL_OPTS = {"max_iter": 500}
_POLISH_MAX_DZ = 0.5  # the polished log-odds share must lie within this of the GP's, else the GP is rejected
_Z_XTOL = 1e-13  # absolute tolerance on the log-odds of the share, i.e. ~1e-13 relative in p and f


class AllocationError(ValueError):
    """Bad input to an allocation, or a solver that did not reach an optimal status."""


@dataclass(frozen=True)
class Allocation:
    """An optimal allocation: data sizes, loss, pre-training share and how it was obtained."""

    p: float
    f: float
    loss: float
    pretrain_share: float  # c_p p / B
    status: str
    solver: str
    method: str  # "gp" or "closed_form"
    cap_binding: bool = False  # f = f_max at the optimum
    diagnostics: dict = field(default_factory=dict)

    def to_json(self) -> dict:
        """Plain JSON-serialisable dict; the same input gives the same dict."""
        out = asdict(self)
        for key in ("p", "f", "loss", "pretrain_share"):
            out[key] = float(out[key])
        out["cap_binding"] = bool(out["cap_binding"])
        out["diagnostics"] = {k: (v if isinstance(v, (bool, str)) else float(v)) for k, v in self.diagnostics.items()}
        return out


def _real(name: str, value) -> float:
    if isinstance(value, bool):
        raise AllocationError(f"{name} must be a real number, got {value!r}")
    try:
        x = float(value)
    except (TypeError, ValueError):
        raise AllocationError(f"{name} must be a real number, got {value!r}") from None
    if not math.isfinite(x):
        raise AllocationError(f"{name} must be finite, got {x}")
    return x


def _validate(A, G, E, alpha, beta, c_p, c_f, B, f_max):
    """Check the inputs; returns them as floats (f_max may be None)."""
    vals = {}
    for name, v in (("A", A), ("G", G), ("E", E), ("alpha", alpha), ("beta", beta), ("c_p", c_p), ("c_f", c_f), ("B", B)):
        vals[name] = _real(name, v)
    for name in ("alpha", "beta", "c_p", "c_f"):
        if vals[name] <= 0:
            raise AllocationError(f"{name} must be > 0, got {vals[name]}")
    if vals["B"] <= 0:
        raise AllocationError(f"budget B must be > 0 (no allocation with p, f > 0 is feasible), got {vals['B']}")
    for name in ("G", "E"):
        if vals[name] < 0:
            raise AllocationError(f"{name} must be >= 0, got {vals[name]}")
    if vals["A"] < 0:
        raise AllocationError(f"A must be >= 0, got {vals['A']}")
    if vals["A"] == 0:
        detail = "A = G = 0 makes the loss constant" if vals["G"] == 0 else "with A = 0 pre-training has no value and the optimum p -> 0 is not attained"
        raise AllocationError(f"A must be > 0: {detail}")
    if f_max is not None:
        f_max = _real("f_max", f_max)
        if f_max <= 0:
            raise AllocationError(f"f_max must be > 0, got {f_max}")
    return (*vals.values(), f_max)


def _loss(A, G, E, alpha, beta, p, f):
    """The law's loss; inf (not an OverflowError) where a power overflows float64, e.g. at extreme exponents."""
    with np.errstate(over="ignore"):
        return float((A * np.float64(p) ** -alpha + G) * np.float64(f) ** -beta + E)


def _foc(z, A, G, alpha, beta, log_scale):
    """First-order condition in the log-odds z of the share s = c_p p / B, divided by B:
    alpha A (1 - s) - beta s (A + G (s B / c_p)^alpha); decreasing in z. log_scale = ln(B / c_p)."""
    s, r = expit(z), expit(-z)
    return alpha * A * r - beta * s * (A + G * np.exp(alpha * (np.log(s) + log_scale)))


def _bracket(A, G, alpha, beta, log_scale):
    """Log-odds (z_lo, z_hi) with _foc(z_lo) > 0 >= _foc(z_hi); works elementwise over log_scale."""
    s_hi = alpha / (alpha + beta)  # the G = 0 share; the G > 0 share is smaller
    with np.errstate(divide="ignore"):
        log_s3 = (np.log(alpha * A / (4 * beta)) - np.log(G) - alpha * log_scale) / (1 + alpha)
    # s_lo keeps (1 - s) >= 1/2, beta s A <= alpha A / 4 and beta G (s B/c_p)^alpha s <= alpha A / 4, halved.
    log_s_lo = np.log(0.5) + np.minimum(np.log(min(0.5, alpha / (4 * beta))), log_s3)
    z_lo = log_s_lo - np.log1p(-np.exp(log_s_lo))
    return z_lo, math.log(s_hi / (1 - s_hi))


def _capped(A, G, E, alpha, beta, c_p, c_f, B, f_max, p, f):
    """Apply the cap f <= f_max to the uncapped optimum (p, f): it binds iff f > f_max (L is convex)."""
    if f_max is None or f <= f_max:
        return p, f, False
    return (B - c_f * f_max) / c_p, f_max, True


def allocate_closed_form(A, G, E, alpha, beta, c_p, c_f, B, f_max=None) -> Allocation:
    """Optimal allocation from the first-order condition: explicit for G = 0, else brentq on the share."""
    A, G, E, alpha, beta, c_p, c_f, B, f_max = _validate(A, G, E, alpha, beta, c_p, c_f, B, f_max)
    if G == 0:
        s, r = alpha / (alpha + beta), beta / (alpha + beta)
    else:
        log_scale = math.log(B) - math.log(c_p)
        z_lo, z_hi = _bracket(A, G, alpha, beta, log_scale)
        z = brentq(_foc, float(z_lo), z_hi, args=(A, G, alpha, beta, log_scale), xtol=_Z_XTOL, maxiter=500)
        s, r = float(expit(z)), float(expit(-z))
    p, f, binding = _capped(A, G, E, alpha, beta, c_p, c_f, B, f_max, s * B / c_p, r * B / c_f)
    return Allocation(p, f, _loss(A, G, E, alpha, beta, p, f), c_p * p / B, "optimal", "brentq" if G else "explicit",
                      "closed_form", binding)


def allocate_gp(A, G, E, alpha, beta, c_p, c_f, B, f_max=None, solver=None, polish=True) -> Allocation:
    """Optimal allocation as a geometric program in the budget shares x = c_p p/B, y = c_f f/B.

    solver: a cvxpy solver name; default CLARABEL when installed, else cvxpy's own choice.
    polish: refine the solver's point on the budget line by a bracketing root finder on the first-order
    condition, started within `_POLISH_MAX_DZ` of the GP's log-odds share (or set f = f_max when the GP
    has the cap active). Without it p and f are only as accurate as the solver (~1e-4 relative).
    The raw solver point and the polish step are kept in `diagnostics`.
    """
    A, G, E, alpha, beta, c_p, c_f, B, f_max = _validate(A, G, E, alpha, beta, c_p, c_f, B, f_max)
    if solver is None and "CLARABEL" in cp.installed_solvers():
        solver = "CLARABEL"
    x, y = cp.Variable(pos=True, name="x"), cp.Variable(pos=True, name="y")
    # L - E = (B/c_f)^-beta [A (B/c_p)^-alpha x^-alpha y^-beta + G y^-beta]; coefficients normalised to sum 1.
    k1 = A * math.exp(-alpha * (math.log(B) - math.log(c_p)))
    norm = k1 + G
    constraints = [x + y <= 1]
    y_max = None if f_max is None else c_f * f_max / B
    if y_max is not None and y_max < 1:
        constraints.append(y / y_max <= 1)
    objective = (k1 / norm) * x ** -alpha * y ** -beta
    if G > 0:
        objective = objective + (G / norm) * y ** -beta
    problem = cp.Problem(cp.Minimize(objective), constraints)
    opts = dict(CLARABEL_OPTS) if solver == "CLARABEL" else {}
    try:
        problem.solve(gp=True, solver=solver, **opts)
    except (cp.error.SolverError, cp.error.DCPError, cp.error.DGPError) as exc:
        raise AllocationError(f"GP solver {solver} failed: {exc}") from exc
    status = problem.status
    used = problem.solver_stats.solver_name if problem.solver_stats is not None else str(solver)
    if status != cp.OPTIMAL:
        raise AllocationError(f"GP solver {used} returned status '{status}' (need 'optimal'); no allocation is reported")
    xv, yv = float(x.value), float(y.value)
    diagnostics = {"gp_share_p": xv, "gp_share_f": yv, "gp_budget_slack": 1.0 - xv - yv, "polished": bool(polish)}
    binding = y_max is not None and y_max < 1 and yv >= y_max * (1 - 1e-4)
    if polish:
        xv, yv = _polish(A, G, alpha, beta, c_p, B, xv, yv, y_max if binding else None)
        diagnostics["polish_rel_step_p"] = xv / diagnostics["gp_share_p"] - 1.0
        diagnostics["polish_rel_step_f"] = yv / diagnostics["gp_share_f"] - 1.0
    p, f = xv * B / c_p, yv * B / c_f
    return Allocation(p, f, _loss(A, G, E, alpha, beta, p, f), c_p * p / B, status, used,
                      "gp+polish" if polish else "gp", binding, diagnostics)


def _polish(A, G, alpha, beta, c_p, B, x, y, y_cap):
    """Refine a GP point (x, y) to the exact optimum on the active budget line."""
    if y_cap is not None:  # the cap binds: f = f_max and the loss falls in p, so p takes the rest
        return 1.0 - y_cap, y_cap
    z0 = math.log(x) - math.log(y)  # log-odds of the share on the budget line through (x, y)
    if G == 0:  # the first-order condition is linear in s: s = alpha / (alpha + beta)
        if abs(z0 - math.log(alpha / beta)) > _POLISH_MAX_DZ:
            raise AllocationError(f"GP point (share {x:.6g}) is far from the first-order condition's root; rejected")
        return alpha / (alpha + beta), beta / (alpha + beta)
    log_scale = math.log(B) - math.log(c_p)
    args = (A, G, alpha, beta, log_scale)
    d = 1e-4
    while d <= _POLISH_MAX_DZ:
        lo, hi = z0 - d, z0 + d
        if _foc(lo, *args) > 0 >= _foc(hi, *args):
            z = brentq(_foc, lo, hi, args=args, xtol=_Z_XTOL, maxiter=500)
            return float(expit(z)), float(expit(-z))
        d *= 4
    raise AllocationError(f"GP point (share {x:.6g}) is not within {_POLISH_MAX_DZ} in log-odds of the first-order "
                          "condition's root; the solver's answer is rejected")


def share_curve(budgets, A, G, E, alpha, beta, c_p, c_f, f_max=None) -> np.ndarray:
    """Optimal pre-training share c_p p*/B for each budget (closed form, vectorised root finding)."""
    Bs = np.asarray(budgets, dtype=np.float64)
    if Bs.size == 0:
        return np.empty(Bs.shape)
    if not np.all(np.isfinite(Bs)) or np.any(Bs <= 0):
        raise AllocationError(f"budgets must all be finite and > 0, got min {np.min(Bs)}")
    A, G, E, alpha, beta, c_p, c_f, _, f_max = _validate(A, G, E, alpha, beta, c_p, c_f, float(np.max(Bs)), f_max)
    if G == 0:
        s = np.full(Bs.shape, alpha / (alpha + beta))
        r = np.full(Bs.shape, beta / (alpha + beta))
    else:
        log_scale = np.log(Bs) - math.log(c_p)
        z_lo, z_hi = _bracket(A, G, alpha, beta, log_scale)
        res = find_root(_foc, (z_lo, np.full(Bs.shape, z_hi)), args=(A, G, alpha, beta, log_scale),
                        tolerances=dict(xatol=_Z_XTOL, xrtol=0.0, fatol=0.0, frtol=0.0))
        if not np.all(res.success):
            raise AllocationError("share_curve: root finding did not converge for some budgets")
        s, r = expit(res.x), expit(-res.x)
    if f_max is not None:
        binding = r * Bs / c_f > f_max
        s = np.where(binding, 1.0 - c_f * f_max / Bs, s)
    return s
