"""Worst-case constants as convex programs: sup_v (v^T A v)/(v^T B v) as a semidefinite program.

Many bound constants are the largest generalised Rayleigh quotient of a symmetric A against a positive
definite B. We compute it as the SDP

    maximize trace(A Z)  subject to  trace(B Z) = 1,  Z PSD,

whose dual is  minimize t  subject to  t B - A PSD. Solving the program (rather than only calling an
eigensolver) yields a checkable certificate: a primal witness v with v^T B v = 1 (a lower bound) and a dual
t (an upper bound once t B - A is verified PSD), plus residuals saying how far each is from exact. The
eigenvalue form `max_rayleigh_eig` is kept as an independent cross-check. Any solver status other than
"optimal" raises `SolverError`: no number is returned from an inaccurate or failed solve.
"""
from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field

import cvxpy as cp
import numpy as np
import scipy.linalg

SYM_RTOL = 1e-10  # allowed asymmetry, relative to the largest absolute entry
PD_RTOL = 1e-12  # B is treated as singular when lambda_min(B) <= PD_RTOL * lambda_max(B)


class SolverError(RuntimeError):
    """The solver failed, or reported a status other than "optimal"."""


@dataclass
class WorstCase:
    """Result of `max_rayleigh`: optimal value, primal witness, dual bound and diagnostics."""

    constant: float
    witness: np.ndarray
    witness_value: float
    dual_bound: float
    solver: str
    status: str
    diagnostics: dict = field(default_factory=dict)
    seconds: float = 0.0  # wall time of the solve; kept out of JSON, which must not vary between runs

    def to_json(self) -> dict:
        """Plain JSON-serialisable dict (floats, lists, strings); the same input gives the same dict."""
        out = asdict(self)
        del out["seconds"]
        out["witness"] = [float(x) for x in self.witness]
        for key in ("constant", "witness_value", "dual_bound"):
            out[key] = float(out[key])
        out["diagnostics"] = {
            k: (float(v) if isinstance(v, (float, np.floating)) else int(v) if isinstance(v, (int, np.integer)) else v)
            for k, v in self.diagnostics.items()
        }
        return out


def _check_symmetric(name: str, M: np.ndarray) -> np.ndarray:
    asym = float(np.max(np.abs(M - M.T))) if M.size else 0.0
    scale = float(np.max(np.abs(M))) if M.size else 0.0
    if asym > SYM_RTOL * scale:
        raise ValueError(f"{name} must be symmetric: max |{name} - {name}^T| = {asym:.3g} (max |entry| = {scale:.3g})")
    return (M + M.T) / 2


def _validate(A, B) -> tuple[np.ndarray, np.ndarray]:
    """Return float64 symmetrised (A, B); B defaults to the identity. Raises ValueError on bad input."""
    A = np.asarray(A, dtype=np.float64)
    if A.ndim != 2 or A.shape[0] != A.shape[1] or A.shape[0] == 0:
        raise ValueError(f"A must be a non-empty square matrix, got shape {A.shape}")
    d = A.shape[0]
    B = np.eye(d) if B is None else np.asarray(B, dtype=np.float64)
    if B.shape != (d, d):
        raise ValueError(f"B must have the same shape as A {A.shape}, got shape {B.shape}")
    for name, M in (("A", A), ("B", B)):
        if not np.all(np.isfinite(M)):
            raise ValueError(f"{name} has non-finite entries (NaN or inf)")
    A, B = _check_symmetric("A", A), _check_symmetric("B", B)
    eigs = np.linalg.eigvalsh(B)
    if eigs[0] <= PD_RTOL * max(eigs[-1], 0.0) or eigs[0] <= 0.0:
        raise ValueError(
            f"B must be positive definite; the ratio is unbounded or undefined "
            f"(smallest eigenvalue of B = {eigs[0]:.3g}, largest = {eigs[-1]:.3g})"
        )
    return A, B


def max_rayleigh_eig(A, B=None) -> tuple[float, np.ndarray]:
    """Largest generalised eigenpair of (A, B) by scipy.linalg.eigh; the vector has v^T B v = 1."""
    A, B = _validate(A, B)
    # the full decomposition: LAPACK's subset driver (gvx) can return no eigenpair for a repeated top eigenvalue
    w, V = scipy.linalg.eigh(A, B)
    return float(w[-1]), V[:, -1]


def max_rayleigh(A, B=None, solver: str = "CLARABEL", **solver_opts) -> WorstCase:
    """sup over v != 0 of (v^T A v)/(v^T B v) as an SDP solved by cvxpy; raises SolverError unless optimal."""
    A, B = _validate(A, B)
    d = A.shape[0]
    # Solve a scaled copy (unit max |entry|) so that the solver's absolute tolerances are meaningful.
    sa = float(np.max(np.abs(A))) or 1.0
    sb = float(np.max(np.abs(B)))
    Z = cp.Variable((d, d), PSD=True)
    norm = cp.sum(cp.multiply(B / sb, Z)) == 1
    problem = cp.Problem(cp.Maximize(cp.sum(cp.multiply(A / sa, Z))), [norm])
    start = time.perf_counter()
    try:
        problem.solve(solver=solver, **solver_opts)
    except cp.error.SolverError as exc:
        raise SolverError(f"solver {solver} failed (status 'solver_error'): {exc}") from exc
    wall = time.perf_counter() - start
    status = problem.status
    if status != cp.OPTIMAL or problem.value is None or Z.value is None or norm.dual_value is None:
        raise SolverError(f"solver {solver} returned status '{status}' (need 'optimal'); no value is reported")

    scale = sa / sb
    constant = float(problem.value) * scale
    t = float(np.asarray(norm.dual_value).reshape(-1)[0]) * scale  # cvxpy: for Maximize this multiplier is t
    Zs = np.asarray(Z.value, dtype=np.float64)
    Zs = (Zs + Zs.T) / 2 / sb  # Z of the unscaled problem: trace(B Z) = 1
    lam, U = np.linalg.eigh(Zs)
    v = U[:, -1]
    v = v / np.sqrt(v @ B @ v)
    v = v if v[np.argmax(np.abs(v))] >= 0 else -v
    witness_value = float((v @ A @ v) / (v @ B @ v))

    lam_min_dual = float(np.linalg.eigvalsh(t * B - A)[0])
    dual_violation = max(0.0, -lam_min_dual)
    stats = problem.solver_stats
    diagnostics = {
        "primal_residual": max(abs(float(np.sum(B * Zs)) - 1.0), max(0.0, -float(lam[0]))),
        "dual_residual": dual_violation / max(1.0, abs(t)),
        "gap": abs(constant - t) / max(1.0, abs(constant)),
        # t B - A >= -eps I implies A <= (t + eps / lambda_min(B)) B: a rigorous upper bound (up to eigvalsh).
        "certified_upper": t + dual_violation / float(np.linalg.eigvalsh(B)[0]),
        "rank1_ratio": float(lam[-2] / lam[-1]) if d > 1 and lam[-1] > 0 else 0.0,
    }
    if stats is not None and stats.num_iters is not None:
        diagnostics["iterations"] = int(stats.num_iters)
    return WorstCase(constant, v, witness_value, t, solver, status, diagnostics, wall)
