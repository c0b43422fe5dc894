"""Fitting scaling laws to measured points, honestly: robust multi-start fits, bootstrap intervals, diagnostics that
say when a fit is not to be trusted, and model selection on held-out points.

A *law* is a SymPy expression in parameters and inputs, e.g. ``(A*p**-a + G)*f**-b + E`` with parameters
``A, a, G, b, E`` (each a `LawParam` with bounds) and inputs ``p, f``. It is compiled once with `sympy.lambdify`
to numpy, together with its gradient in the parameters (the analytic Jacobian).

The fit minimises a robust loss of the log residuals r_i = log(model(x_i)) - log(y_i): Huber with scale `delta`
(default 1e-3, as in Hoffmann et al. 2022 and Besiroglu et al. 2024), so that at realistic noise levels the loss is
close to the sum of absolute log residuals. `scipy.optimize.least_squares` (trf, bounds, analytic Jacobian) runs from
many starts (a Latin hypercube over the box, in log space for parameters marked ``log=True``); the best end point is
kept. Diagnostics report: no start converged; a parameter ending at a bound; starts that reach (nearly) the best loss
with very different parameter values (the law is not identified by these points).

Intervals are percentile bootstrap intervals: points are resampled with replacement and the law is refitted from the
best fit (one start, cheap). Model selection is k-fold cross-validation of the mean squared log residual on held-out
points; among candidates whose score ties with the best (relative `tie_rtol`) the one with fewest parameters wins, so
that a redundant parametrisation (e.g. ``G + E`` beside ``E``) is not preferred for its redundancy.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping, Sequence

import numpy as np
import scipy.optimize
import scipy.stats.qmc
import sympy

__all__ = ["LawParam", "Law", "Fit", "FitError", "Selection", "compile_law", "fit_law", "bootstrap", "select_model"]

BOUND_RTOL = 1e-6  # a parameter within this fraction of its box's scale from a bound is "at the bound"
BAD_RESIDUAL = 1e2  # residual assigned where the model is not finite and positive (Jacobian row zero)
SPREAD_TOP = 5  # best starts inspected for non-identifiability
SPREAD_LOSS_RTOL = 1e-3  # ... those whose loss is within this fraction of the best
SPREAD_REL = 0.1  # a relative spread (max - min) / |best| above this is reported


class FitError(ValueError):
    """Input that cannot give a fit: too few points, non-positive or non-finite data, bad shapes or bounds."""


@dataclass(frozen=True)
class LawParam:
    """A fitted parameter named as its SymPy symbol, with a box [lo, hi]; ``log=True`` fits log(value) (lo > 0)."""

    name: str
    lo: float
    hi: float
    log: bool = False


class Law:
    """A compiled law: numpy value and parameter gradient of `expr`, and the maps to and from the fitting space."""

    def __init__(self, expr, params: Sequence[LawParam], inputs: Sequence):
        if isinstance(expr, str):
            expr = sympy.sympify(expr)
        self.expr = expr
        self.params = list(params)
        if not self.params:
            raise FitError("a law needs at least one parameter")
        names = [q.name for q in self.params]
        input_names = [str(s) for s in inputs]
        if not input_names:
            raise FitError("a law needs at least one input symbol")
        dup = {n for n in names + input_names if (names + input_names).count(n) > 1}
        if dup:
            raise FitError(f"symbol(s) {sorted(dup)} listed twice among parameters and inputs")
        free = {str(s) for s in expr.free_symbols}
        unknown = free - set(names) - set(input_names)
        if unknown:
            raise FitError(f"expression {expr} has symbol(s) {sorted(unknown)} that are neither parameters nor inputs")
        for q in self.params:
            if not (np.isfinite(q.lo) and np.isfinite(q.hi)):
                raise FitError(f"parameter {q.name}: bounds ({q.lo}, {q.hi}) must be finite")
            if not q.lo < q.hi:
                raise FitError(f"parameter {q.name}: bounds need lo < hi, got lo={q.lo} >= hi={q.hi}")
            if q.log and q.lo <= 0:
                raise FitError(f"parameter {q.name}: log=True needs lo > 0, got lo={q.lo}")
        by_name = {str(s): s for s in expr.free_symbols}
        self.psyms = [by_name.get(n, sympy.Symbol(n)) for n in names]
        self.isyms = [by_name.get(n, sympy.Symbol(n)) for n in input_names]
        self.names = names
        self.input_names = input_names
        args = self.psyms + self.isyms
        self._f = sympy.lambdify(args, expr, modules="numpy", cse=True)
        grads = [sympy.diff(expr, s) for s in self.psyms]
        self._g = sympy.lambdify(args, grads, modules="numpy", cse=True)
        self.is_log = np.array([q.log for q in self.params])
        self.lo = np.array([q.lo for q in self.params], dtype=np.float64)
        self.hi = np.array([q.hi for q in self.params], dtype=np.float64)
        self.ulo = np.where(self.is_log, np.log(np.where(self.is_log, self.lo, 1.0)), self.lo)
        self.uhi = np.where(self.is_log, np.log(np.where(self.is_log, self.hi, 1.0)), self.hi)

    # -- maps between parameter values and the fitting space
    def to_u(self, theta: np.ndarray) -> np.ndarray:
        theta = np.asarray(theta, dtype=np.float64)
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(self.is_log, np.log(np.where(self.is_log, theta, 1.0)), theta)

    def to_theta(self, u: np.ndarray) -> np.ndarray:
        return np.where(self.is_log, np.exp(u), u)

    def vector(self, values: Mapping[str, float]) -> np.ndarray:
        missing = [n for n in self.names if n not in values]
        if missing:
            raise FitError(f"values for parameter(s) {missing} are missing")
        return np.array([float(values[n]) for n in self.names])

    # -- evaluation
    def value(self, theta: np.ndarray, cols: Sequence[np.ndarray]) -> np.ndarray:
        n = cols[0].shape[0]
        with np.errstate(all="ignore"):
            return np.broadcast_to(np.asarray(self._f(*theta, *cols), dtype=np.float64), (n,))

    def gradient(self, theta: np.ndarray, cols: Sequence[np.ndarray]) -> np.ndarray:
        n = cols[0].shape[0]
        with np.errstate(all="ignore"):
            return np.stack([np.broadcast_to(np.asarray(g, dtype=np.float64), (n,))
                             for g in self._g(*theta, *cols)], axis=1)

    def __call__(self, values, X) -> np.ndarray:
        theta = self.vector(values) if isinstance(values, Mapping) else np.asarray(values, dtype=np.float64)
        X = np.asarray(X, dtype=np.float64)
        X = X.reshape(-1, 1) if X.ndim == 1 else X
        return self.value(theta, [X[:, j] for j in range(X.shape[1])])


def compile_law(expr, params: Sequence[LawParam], inputs: Sequence) -> Law:
    """Compile `expr` (SymPy or a string) with its parameters and inputs; FitError names a malformed piece."""
    return expr if isinstance(expr, Law) else Law(expr, params, inputs)


@dataclass
class Fit:
    """The best fit of a law: parameter `values`, robust `loss` (least_squares cost), mean squared log residual
    `msle`, whether the best start `converged`, human-readable `diagnostics`, per-parameter `at_bound`
    ('lower'/'upper'), `spread` (min, max over the best starts), and bootstrap `intervals` when requested."""

    values: dict[str, float]
    loss: float
    msle: float
    converged: bool
    diagnostics: list[str]
    law: Law = field(repr=False)
    n_starts: int = 0
    n_converged: int = 0
    at_bound: dict[str, str] = field(default_factory=dict)
    spread: dict[str, tuple[float, float]] = field(default_factory=dict)
    intervals: dict[str, tuple[float, float]] | None = None
    level: float | None = None
    bootstrap_samples: np.ndarray | None = field(default=None, repr=False)
    bootstrap_failures: int = 0

    def predict(self, X) -> np.ndarray:
        return self.law(self.values, X)


def _check_data(law: Law, X, y) -> tuple[list[np.ndarray], np.ndarray]:
    try:
        X = np.asarray(X, dtype=np.float64)
        y = np.asarray(y, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise FitError(f"X and y must be numeric arrays: {exc}") from None
    k = len(law.input_names)
    if X.ndim == 1 and k == 1:
        X = X.reshape(-1, 1)
    if X.ndim != 2 or X.shape[1] != k:
        raise FitError(f"X has shape {X.shape}; expected (n, {k}) for inputs {law.input_names}")
    if y.ndim != 1:
        raise FitError(f"y has shape {y.shape}; expected a 1-D array of n losses")
    if X.shape[0] != y.shape[0]:
        raise FitError(f"X has {X.shape[0]} rows but y has {y.shape[0]} values; shapes do not match")
    n, m = y.shape[0], len(law.params)
    if n < m:
        raise FitError(f"{n} points are fewer than the {m} parameters {law.names}; the fit is not determined")
    for j, name in enumerate(law.input_names):
        col = X[:, j]
        if not np.all(np.isfinite(col)):
            raise FitError(f"input {name} has non-finite value(s) at row(s) {np.flatnonzero(~np.isfinite(col))[:5].tolist()}")
        if np.any(col <= 0):
            raise FitError(f"input {name} (a size) has non-positive value(s) at row(s) {np.flatnonzero(col <= 0)[:5].tolist()}")
    if not np.all(np.isfinite(y)):
        raise FitError(f"y (losses) has non-finite value(s) at row(s) {np.flatnonzero(~np.isfinite(y))[:5].tolist()}")
    if np.any(y <= 0):
        raise FitError(f"y (losses) has non-positive value(s) at row(s) {np.flatnonzero(y <= 0)[:5].tolist()}; "
                       "log residuals need positive losses")
    return [X[:, j].copy() for j in range(k)], y


class _Problem:
    """Residuals and Jacobian in the fitting space for one data set."""

    def __init__(self, law: Law, cols, y, loss: str, delta: float):
        self.law, self.cols, self.logy, self.loss, self.delta = law, cols, np.log(y), loss, delta

    def residuals(self, u):
        m = self.law.value(self.law.to_theta(u), self.cols)
        with np.errstate(all="ignore"):
            r = np.log(m) - self.logy
        return np.where(np.isfinite(r), r, BAD_RESIDUAL)

    def jac(self, u):
        theta = self.law.to_theta(u)
        m = self.law.value(theta, self.cols)
        g = self.law.gradient(theta, self.cols)
        with np.errstate(all="ignore"):
            J = g / m[:, None] * np.where(self.law.is_log, theta, 1.0)[None, :]
        ok = np.isfinite(m) & (m > 0)
        J[~ok] = 0.0
        return np.where(np.isfinite(J), J, 0.0)

    def valid_somewhere(self, u) -> bool:
        m = self.law.value(self.law.to_theta(u), self.cols)
        return bool(np.any(np.isfinite(m) & (m > 0)))

    def solve(self, u0, max_nfev=None):
        # keep the start strictly inside the box (least_squares requires lo < x0 < hi)
        span = self.law.uhi - self.law.ulo
        u0 = np.clip(u0, self.law.ulo + 1e-10 * span, self.law.uhi - 1e-10 * span)
        return scipy.optimize.least_squares(self.residuals, u0, jac=self.jac, bounds=(self.law.ulo, self.law.uhi),
                                            method="trf", loss=self.loss, f_scale=self.delta, x_scale="jac",
                                            max_nfev=max_nfev)


def _starts(law: Law, starts: int, rng: np.random.Generator) -> np.ndarray:
    d = len(law.params)
    sample = scipy.stats.qmc.LatinHypercube(d=d, seed=rng).random(starts)
    return law.ulo + sample * (law.uhi - law.ulo)


def _at_bound(law: Law, u: np.ndarray, active) -> dict[str, str]:
    out = {}
    theta = law.to_theta(u)
    for j, q in enumerate(law.params):
        scale = max(abs(q.lo), abs(q.hi), q.hi - q.lo)
        if (active is not None and active[j] < 0) or theta[j] - q.lo <= BOUND_RTOL * scale:
            out[q.name] = "lower"
        elif (active is not None and active[j] > 0) or q.hi - theta[j] <= BOUND_RTOL * scale:
            out[q.name] = "upper"
    return out


def fit_law(expr, params: Sequence[LawParam] = (), inputs: Sequence = (), X=None, y=None, *, starts: int = 20,
            seed: int = 0, loss: str = "huber", delta: float = 1e-3, x0: Mapping[str, float] | None = None,
            bootstrap: int = 0, level: float = 0.95, max_nfev: int | None = None) -> Fit:
    """Robust multi-start fit of `expr` to points (X[i], y[i]) on log residuals; see the module docstring.

    `expr` may be a compiled `Law` (then `params` and `inputs` are ignored). `x0` adds an explicit start (dict of
    values); FitError if it makes the model non-finite or non-positive at every point. `bootstrap=B > 0` adds
    percentile intervals at `level` from B resamples refitted from the best fit.
    """
    law = compile_law(expr, params, inputs)
    cols, yv = _check_data(law, X, y)
    if starts < 1 and x0 is None:
        raise FitError(f"starts must be >= 1, got {starts}")
    if not delta > 0:
        raise FitError(f"delta (the Huber scale) must be > 0, got {delta}")
    prob = _Problem(law, cols, yv, loss, delta)
    rng = np.random.default_rng(seed)
    U = _starts(law, starts, rng) if starts > 0 else np.empty((0, len(law.params)))
    if x0 is not None:
        theta0 = law.vector(x0)
        outside = [q.name for q, v in zip(law.params, theta0) if not q.lo <= v <= q.hi]
        if outside:
            raise FitError(f"start x0 has parameter(s) {outside} outside their bounds")
        u0 = law.to_u(theta0)
        if not prob.valid_somewhere(u0):
            raise FitError(f"start x0={dict(x0)} makes the model non-finite or non-positive at every point")
        U = np.vstack([u0[None, :], U])
    diagnostics: list[str] = []
    valid = [u for u in U if prob.valid_somewhere(u)]
    if not valid:
        raise FitError(f"every one of the {len(U)} starts makes the model non-finite or non-positive at every point; "
                       "check the expression and the bounds")
    if len(valid) < len(U):
        diagnostics.append(f"{len(U) - len(valid)} of {len(U)} starts made the model non-finite everywhere and were skipped")
    results = []
    for u in valid:
        try:
            res = prob.solve(u, max_nfev)
        except (ValueError, np.linalg.LinAlgError) as exc:  # pragma: no cover - numerical breakdown of one start
            diagnostics.append(f"a start failed: {exc}")
            continue
        if np.all(np.isfinite(res.x)) and np.isfinite(res.cost):
            results.append(res)
    if not results:
        raise FitError("no start produced a finite fit")
    results.sort(key=lambda r: (not r.status > 0, r.cost))
    n_conv = sum(r.status > 0 for r in results)
    best = results[0]
    theta = law.to_theta(best.x)
    values = {n: float(v) for n, v in zip(law.names, theta)}
    r = prob.residuals(best.x)
    msle = float(np.mean(r ** 2))
    if n_conv == 0:
        diagnostics.append(f"did not converge from any start ({len(results)} starts; best status {best.status}: "
                           f"{best.message})")
    at_bound = _at_bound(law, best.x, best.active_mask)
    for name, side in at_bound.items():
        q = law.params[law.names.index(name)]
        diagnostics.append(f"parameter {name} is at its {side} bound {q.lo if side == 'lower' else q.hi:g}")
    if np.any(np.abs(r) >= BAD_RESIDUAL):
        diagnostics.append(f"the model is non-finite or non-positive at {int(np.sum(np.abs(r) >= BAD_RESIDUAL))} "
                           "point(s) at the best fit")
    # non-identifiability: best starts that reach nearly the best loss with different parameters
    pool = results if n_conv == 0 else [q for q in results if q.status > 0]
    near = [q for q in pool if q.cost <= best.cost * (1 + SPREAD_LOSS_RTOL) + 1e-12][:SPREAD_TOP]
    spread = {}
    if len(near) >= 2:
        T = np.array([law.to_theta(q.x) for q in near])
        for j, name in enumerate(law.names):
            lo_, hi_ = float(T[:, j].min()), float(T[:, j].max())
            spread[name] = (lo_, hi_)
            ref = max(abs(theta[j]), 1e-12 * max(abs(law.params[j].lo), abs(law.params[j].hi)))
            if (hi_ - lo_) > SPREAD_REL * ref and (hi_ - lo_) > 1e-6 * (law.params[j].hi - law.params[j].lo):
                diagnostics.append(
                    f"parameter {name} is not identified: {len(near)} starts reach a loss within "
                    f"{SPREAD_LOSS_RTOL:g} of the best with {name} in [{lo_:.4g}, {hi_:.4g}] (best {theta[j]:.4g})")
    fit = Fit(values=values, loss=float(best.cost), msle=msle, converged=n_conv > 0, diagnostics=diagnostics, law=law,
              n_starts=len(results), n_converged=n_conv, at_bound=at_bound, spread=spread)
    if bootstrap:
        _attach_bootstrap(fit, cols, yv, int(bootstrap), seed, level, loss, delta, max_nfev)
    return fit


def _attach_bootstrap(fit: Fit, cols, y, B, seed, level, loss, delta, max_nfev):
    law = fit.law
    n = y.shape[0]
    rng = np.random.default_rng([int(seed), 0xB007])
    u_best = law.to_u(law.vector(fit.values))
    samples, failures = [], 0
    for _ in range(B):
        idx = rng.integers(0, n, n)
        prob = _Problem(law, [c[idx] for c in cols], y[idx], loss, delta)
        res = prob.solve(u_best, max_nfev)
        if res.status > 0 and np.all(np.isfinite(res.x)):
            samples.append(law.to_theta(res.x))
        else:
            failures += 1
    if not samples:
        fit.diagnostics.append(f"bootstrap: all {B} refits failed; no intervals")
        fit.bootstrap_failures = failures
        return
    S = np.array(samples)
    a = (1 - level) / 2
    lo, hi = np.quantile(S, [a, 1 - a], axis=0)
    fit.intervals = {name: (float(lo[j]), float(hi[j])) for j, name in enumerate(law.names)}
    fit.level = level
    fit.bootstrap_samples = S
    fit.bootstrap_failures = failures
    if failures:
        fit.diagnostics.append(f"bootstrap: {failures} of {B} refits did not converge and were dropped")


def bootstrap(expr, params: Sequence[LawParam] = (), inputs: Sequence = (), X=None, y=None, *, B: int = 200,
              seed: int = 0, level: float = 0.95, fit: Fit | None = None, **fit_kwargs) -> Fit:
    """Percentile bootstrap intervals: fit (unless `fit` is given), then refit B resamples from the best fit."""
    law = fit.law if fit is not None else compile_law(expr, params, inputs)
    cols, yv = _check_data(law, X, y)
    if B < 1:
        raise FitError(f"B must be >= 1, got {B}")
    if fit is None:
        fit = fit_law(law, X=X, y=y, seed=seed, **fit_kwargs)
    _attach_bootstrap(fit, cols, yv, B, seed, level, fit_kwargs.get("loss", "huber"), fit_kwargs.get("delta", 1e-3),
                      fit_kwargs.get("max_nfev"))
    return fit


@dataclass
class Selection:
    """Cross-validated model selection: `ranking` (name, score, n_params), best score first; `chosen` is the
    fewest-parameter candidate whose score is within `tie_rtol` of the best; `fits` are the full-data fits."""

    ranking: list[tuple[str, float, int]]
    chosen: str
    scores: dict[str, float]
    fold_scores: dict[str, list[float]]
    fits: dict[str, Fit] = field(repr=False)
    folds: int = 5


def select_model(candidates: Mapping[str, tuple], inputs: Sequence, X, y, *, folds: int = 5, seed: int = 0,
                 starts: int = 20, fold_starts: int = 2, loss: str = "huber", delta: float = 1e-3,
                 tie_rtol: float = 1e-3) -> Selection:
    """Rank candidate laws {name: (expr, params)} by k-fold cross-validated mean squared log residual.

    Each candidate is first fitted to all points with `starts` starts; each fold's fit then starts from that fit
    plus `fold_starts` fresh Latin-hypercube starts (cheap, and robust to a fold moving the optimum). The score is
    the mean over all held-out points of the squared log residual.
    """
    if not candidates:
        raise FitError("select_model needs at least one candidate")
    laws = {name: compile_law(e, p, inputs) if not isinstance(e, Law) else e for name, (e, p) in candidates.items()}
    first = next(iter(laws.values()))
    cols, yv = _check_data(first, X, y)
    n = yv.shape[0]
    if not 2 <= folds <= n:
        raise FitError(f"folds must be in [2, {n}], got {folds}")
    X2 = np.stack(cols, axis=1)
    rng = np.random.default_rng(seed)
    perm = rng.permutation(n)
    fold_of = np.empty(n, dtype=int)
    fold_of[perm] = np.arange(n) % folds
    scores, fold_scores, fits = {}, {}, {}
    for k, (name, law) in enumerate(laws.items()):
        fit = fit_law(law, X=X2, y=yv, starts=starts, seed=seed, loss=loss, delta=delta)
        fits[name] = fit
        sq, per_fold = np.empty(n), []
        for fo in range(folds):
            test = fold_of == fo
            train = ~test
            if train.sum() < len(law.params):
                raise FitError(f"candidate {name}: a training fold has {int(train.sum())} points, fewer than its "
                               f"{len(law.params)} parameters; use fewer folds")
            ff = fit_law(law, X=X2[train], y=yv[train], starts=fold_starts, seed=seed * 1000 + 17 * fo + k,
                         loss=loss, delta=delta, x0=fit.values)
            with np.errstate(all="ignore"):
                r = np.log(ff.predict(X2[test])) - np.log(yv[test])
            r = np.where(np.isfinite(r), r, BAD_RESIDUAL)
            sq[test] = r ** 2
            per_fold.append(float(np.mean(r ** 2)))
        scores[name] = float(np.mean(sq))
        fold_scores[name] = per_fold
    ranking = sorted(((nm, s, len(laws[nm].params)) for nm, s in scores.items()), key=lambda t: (t[1], t[2]))
    best = ranking[0][1]
    tied = [t for t in ranking if t[1] <= best * (1 + tie_rtol)]
    chosen = min(tied, key=lambda t: (t[2], t[1]))[0]
    return Selection(ranking=ranking, chosen=chosen, scores=scores, fold_scores=fold_scores, fits=fits, folds=folds)
