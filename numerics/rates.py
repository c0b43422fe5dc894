"""Rates from measured curves: log-log slopes with bootstrap intervals, floors, cliffs (negative curvature in
log-log), and the smallest constants of a bound (a linear program in cvxpy) with their drift as the range grows.

A *curve* is a list of sizes x_1 < ... < x_J and, at each size, the measurements of independent repetitions (one
1-D array per size). Everything is a functional of the mean curve; its uncertainty comes from resampling the
repetitions at each size (the bootstrap), vectorised over replicates.

Intervals at the very small error rates boundlab uses (1e-6 per claim) cannot come from bootstrap percentiles, so
they are normal intervals with the bootstrap standard error: estimate +- z_{1 - alpha/2} se. The 95% percentile
interval is reported beside them for reading.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import scipy.stats

BOOTSTRAP = 2000  # replicates for slopes and floors
MIN_SIZES = 3  # a slope needs at least three sizes
MIN_SPAN = 2.0  # ... spanning at least a factor of two
MIN_REPS = 2


class RateError(ValueError):
    """A curve that cannot give a rate: too few sizes, a short range, NaN or non-positive values."""


@dataclass
class Curve:
    """Measurements at increasing sizes: `samples[j]` holds the repetitions at size `x[j]`."""

    x: np.ndarray
    samples: list[np.ndarray]  # positive: the fits are in log-log

    def __post_init__(self):
        self.x = np.asarray(self.x, dtype=np.float64).reshape(-1)
        self.samples = [np.asarray(s, dtype=np.float64).reshape(-1) for s in self.samples]
        if len(self.samples) != self.x.size:
            raise RateError(f"{self.x.size} sizes but {len(self.samples)} sets of measurements")
        if not np.isfinite(self.x).all() or (self.x <= 0).any():
            raise RateError(f"sizes must be finite and positive, got {self.x.tolist()}")
        if (np.diff(self.x) <= 0).any():
            raise RateError(f"sizes must increase strictly, got {self.x.tolist()}")
        for xj, s in zip(self.x, self.samples):
            if s.size < MIN_REPS:
                raise RateError(f"at size {xj:g}: {s.size} repetition(s); need at least {MIN_REPS}")
            bad = int((~np.isfinite(s)).sum())
            if bad:
                raise RateError(f"at size {xj:g}: {bad} of {s.size} measurements are NaN or infinite")
            if (s <= 0).any():
                raise RateError(f"at size {xj:g}: measurements must be > 0 for a log-log fit, "
                                f"got minimum {s.min():g}")

    @property
    def means(self) -> np.ndarray:
        return np.array([s.mean() for s in self.samples])

    def standard_errors(self) -> np.ndarray:
        return np.array([s.std(ddof=1) / math.sqrt(s.size) for s in self.samples])

    def bootstrap_means(self, rng: np.random.Generator, boot: int = BOOTSTRAP) -> np.ndarray:
        """(boot, J) means of the repetitions resampled with replacement at each size."""
        out = np.empty((boot, self.x.size))
        for j, s in enumerate(self.samples):  # a loop over sizes (a handful), not over instances
            out[:, j] = s[rng.integers(0, s.size, size=(boot, s.size))].mean(axis=1)
        return out

    def require_range(self, what: str = "a slope"):
        if self.x.size < MIN_SIZES or self.x[-1] / self.x[0] < MIN_SPAN:
            raise RateError(f"{what} needs at least {MIN_SIZES} sizes spanning a factor of {MIN_SPAN:g}; got "
                            f"{self.x.size} size(s) from {self.x[0]:g} to {self.x[-1]:g}")


def loglog_slopes(x: np.ndarray, means: np.ndarray) -> np.ndarray:
    """OLS slopes of log(means) on log(x); `means` may be (J,) or (B, J)."""
    lx = np.log(x)
    w = (lx - lx.mean()) / ((lx - lx.mean()) ** 2).sum()
    return np.log(means) @ w


def z_value(alpha: float) -> float:
    """The two-sided normal quantile for an interval of coverage 1 - alpha."""
    if not 0 < alpha < 1:
        raise RateError(f"alpha must be in (0, 1), got {alpha}")
    return float(scipy.stats.norm.ppf(1 - alpha / 2))


@dataclass
class Estimate:
    """A number with its bootstrap standard error and intervals."""

    estimate: float
    se: float
    lo: float  # normal interval at level 1 - alpha
    hi: float
    level: float
    p95: tuple[float, float]  # bootstrap percentile interval at 95%

    @classmethod
    def from_bootstrap(cls, estimate: float, reps: np.ndarray, alpha: float) -> "Estimate":
        reps = reps[np.isfinite(reps)]
        se = float(reps.std(ddof=1)) if reps.size > 1 else math.inf
        z = z_value(alpha)
        p95 = tuple(float(v) for v in np.percentile(reps, [2.5, 97.5])) if reps.size else (math.nan, math.nan)
        return cls(float(estimate), se, float(estimate - z * se), float(estimate + z * se), 1 - alpha, p95)

    @property
    def half_width(self) -> float:
        return (self.hi - self.lo) / 2

    def to_json(self) -> dict:
        return {"estimate": self.estimate, "se": self.se, "lo": self.lo, "hi": self.hi, "level": self.level,
                "p95": list(self.p95)}


@dataclass
class SlopeFit:
    """The log-log slope of the mean curve over all sizes, and over its lower and upper halves."""

    slope: Estimate
    lower: Estimate  # slope over the smaller half of the sizes
    upper: Estimate  # ... and over the larger half
    flattening: Estimate  # upper - lower: > 0 when the curve flattens (a floor), < 0 when it steepens (a cliff)
    means: list[float] = field(default_factory=list)

    def to_json(self) -> dict:
        return {"slope": self.slope.to_json(), "slope_lower_half": self.lower.to_json(),
                "slope_upper_half": self.upper.to_json(), "flattening": self.flattening.to_json(),
                "means": self.means}


def fit_slope(curve: Curve, alpha: float, seed: int = 0, boot: int = BOOTSTRAP) -> SlopeFit:
    """Log-log slope of the mean curve with a bootstrap interval over repetitions, and the change of slope
    between the lower and the upper half of the sizes (half-curves share their middle size when J is odd)."""
    curve.require_range()
    rng = np.random.default_rng(seed)
    means, bm = curve.means, curve.bootstrap_means(rng, boot)
    J = curve.x.size
    lo_idx, hi_idx = slice(0, (J + 1) // 2), slice(J // 2, J)

    def est(cols):
        x = curve.x[cols]
        if x.size < 2:
            return Estimate(math.nan, math.inf, -math.inf, math.inf, 1 - alpha, (math.nan, math.nan))
        return Estimate.from_bootstrap(loglog_slopes(x, means[cols]), loglog_slopes(x, bm[:, cols]), alpha)

    whole, lower, upper = est(slice(None)), est(lo_idx), est(hi_idx)
    if J >= 4:
        flat = Estimate.from_bootstrap(upper.estimate - lower.estimate,
                                       loglog_slopes(curve.x[hi_idx], bm[:, hi_idx])
                                       - loglog_slopes(curve.x[lo_idx], bm[:, lo_idx]), alpha)
    else:
        flat = Estimate(math.nan, math.inf, -math.inf, math.inf, 1 - alpha, (math.nan, math.nan))
    return SlopeFit(whole, lower, upper, flat, [float(v) for v in means])


# ---- floors ---------------------------------------------------------------------------------------------
R_GRID = np.linspace(0.02, 2.0, 199)  # exponents searched by the floor fit


def _power_plus_floor(x: np.ndarray, means: np.ndarray):
    """Least squares on relative residuals of means ~ C x^-r + F over C, F >= 0 and r on R_GRID; vectorised over
    rows of `means` (B, J). Returns (r, C, F) arrays of shape (B,)."""
    B = means.shape[0]
    phi = x[None, :] ** -R_GRID[:, None]  # (R, J)
    w = 1.0 / means  # (B, J): relative residuals (m - C phi - F)/m
    # weighted normal equations for (C, F) per (b, r): minimise sum_j w^2 (m - C phi - F)^2
    w2 = w ** 2
    s_pp = np.einsum("bj,rj->br", w2, phi ** 2)
    s_p1 = np.einsum("bj,rj->br", w2, phi)
    s_11 = w2.sum(axis=1)[:, None]
    s_pm = np.einsum("bj,rj->br", w2 * means, phi)
    s_1m = (w2 * means).sum(axis=1)[:, None]
    det = s_pp * s_11 - s_p1 ** 2
    with np.errstate(divide="ignore", invalid="ignore"):
        C = (s_pm * s_11 - s_p1 * s_1m) / det
        F = (s_pp * s_1m - s_p1 * s_pm) / det
        C_only, F_only = s_pm / s_pp, np.broadcast_to(s_1m / s_11, s_pm.shape)
    # the non-negative solution: the interior one if feasible, else the better of the two one-term fits
    bad = ~((C >= 0) & (F >= 0) & np.isfinite(C) & np.isfinite(F))

    def loss(c, f):
        resid = (means[:, None, :] - c[..., None] * phi[None] - f[..., None]) * w[:, None, :]
        return (resid ** 2).sum(axis=2)

    c1, f1 = np.maximum(C_only, 0), np.zeros_like(C_only)
    c2, f2 = np.zeros_like(F_only), np.maximum(F_only, 0)
    use1 = loss(c1, f1) <= loss(c2, f2)
    C = np.where(bad, np.where(use1, c1, c2), C)
    F = np.where(bad, np.where(use1, f1, f2), F)
    best = loss(C, F).argmin(axis=1)
    rows = np.arange(B)
    return R_GRID[best], C[rows, best], F[rows, best]


@dataclass
class FloorFit:
    """The mean curve fitted as C x^-r + F: the floor F, the exponent r, and where the floor takes over."""

    r: Estimate
    floor: Estimate
    C: float
    crossover: float  # x at which C x^-r = F (inf when F = 0)
    detected: bool  # the interval for F excludes 0

    def to_json(self) -> dict:
        return {"exponent": self.r.to_json(), "floor": self.floor.to_json(), "C": self.C,
                "crossover": self.crossover if math.isfinite(self.crossover) else "inf", "detected": self.detected}


def fit_floor(curve: Curve, alpha: float, seed: int = 0, boot: int = 500) -> FloorFit:
    """Fit C x^-r + F (C, F >= 0, r in [0.02, 2]) to the mean curve on relative residuals; bootstrap the floor.
    A floor is detected when the lower end of its interval is above zero."""
    curve.require_range("a floor fit")
    if curve.x.size < 4:
        raise RateError(f"a floor fit has three unknowns and needs at least 4 sizes, got {curve.x.size}")
    rng = np.random.default_rng(seed)
    means = curve.means
    r, C, F = (v[0] for v in _power_plus_floor(curve.x, means[None]))
    br, _, bF = _power_plus_floor(curve.x, curve.bootstrap_means(rng, boot))
    floor = Estimate.from_bootstrap(F, bF, alpha)
    cross = float((C / F) ** (1 / r)) if F > 0 and C > 0 else math.inf
    return FloorFit(Estimate.from_bootstrap(r, br, alpha), floor, float(C), cross, floor.lo > 0)


# ---- constants of a bound -------------------------------------------------------------------------------
@dataclass
class BoundConstants:
    """The smallest constants c >= 0 with features @ c + offset >= measured at every point (an LP)."""

    constants: list[float]
    status: str
    solver: str
    active: list[int]  # points where the bound is tight
    feasible: bool

    def to_json(self) -> dict:
        return {"constants": self.constants, "status": self.status, "solver": self.solver, "active": self.active,
                "feasible": self.feasible}


class ConstantsLP:
    """min sum_p (features_p . c + offset_p) / measured_p  s.t.  features c + offset >= measured, c >= 0.

    The objective is the bound's total relative height over the measurements, so the constants are the tightest
    on average among those that make the bound hold at every point. Built once per point set with cvxpy
    parameters, so that the bootstrap re-solves only swap the measurements. Each constraint and the objective are
    divided by the measurement, so the solver sees numbers near one whatever the scale of the errors."""

    def __init__(self, features: np.ndarray, offset: np.ndarray, solver: str = "CLARABEL"):
        import cvxpy as cp
        self.features, self.offset = np.asarray(features, float), np.asarray(offset, float)
        P, K = self.features.shape
        scale = np.maximum(np.abs(self.features).max(axis=0), 1e-300)  # columns scaled to 1 for the solver
        self.scale, self.solver = scale, solver
        self.c = cp.Variable(K, nonneg=True)
        self.weights = cp.Parameter(P, nonneg=True)  # 1 / measured: rows and objective in relative units
        height = cp.multiply(self.weights, (self.features / scale) @ self.c + self.offset)
        self.problem = cp.Problem(cp.Minimize(cp.sum(height)), [height >= 1])

    def solve(self, measured: np.ndarray) -> BoundConstants:
        import cvxpy as cp
        measured = np.asarray(measured, float)
        if not np.isfinite(measured).all() or (measured <= 0).any():
            raise RateError("the measurements for a bound's constants must be finite and positive")
        self.weights.value = 1.0 / measured
        try:
            self.problem.solve(solver=self.solver)
        except cp.error.SolverError as exc:
            raise RateError(f"the LP for the constants failed in {self.solver}: {exc}") from None
        status = str(self.problem.status)
        if status in ("infeasible", "infeasible_inaccurate"):
            return BoundConstants([math.nan] * self.c.size, status, self.solver, [], False)
        c = None if self.c.value is None else np.maximum(self.c.value, 0) / self.scale
        height = None if c is None else self.features @ c + self.offset
        # an inaccurate optimum is kept only when the bound it gives is checked to hold at every point
        if c is None or status not in ("optimal", "optimal_inaccurate") or (height < measured * (1 - 1e-6)).any():
            raise RateError(f"the LP for the constants ended with status {status} in {self.solver}"
                            + ("" if c is None else " and its constants do not make the bound hold"))
        active = [int(i) for i in np.flatnonzero(height <= measured * (1 + 1e-6))]
        return BoundConstants([float(v) for v in c], status, self.solver, active, True)


@dataclass
class Drift:
    """How the constants move when the range of sizes grows from its lower half to all of it."""

    half: BoundConstants
    full: BoundConstants
    exponents: list[Estimate | None]  # per constant: log(c_full/c_half)/log(x_max/x_half), None when c_half = 0

    def to_json(self) -> dict:
        return {"constants_half_range": self.half.to_json(), "constants_full_range": self.full.to_json(),
                "drift_exponents": [e.to_json() if e is not None else None for e in self.exponents]}


def constant_drift(x: np.ndarray, features: np.ndarray, offset: np.ndarray, curves: list[np.ndarray],
                   alpha: float, seed: int = 0, boot: int = 200, solver: str = "CLARABEL") -> Drift:
    """Constants fitted on the points with size <= the median size, then on all points, and the drift exponent of
    each constant with a bootstrap interval. `x` (P,) gives each point's size, `curves[p]` its repetitions.

    A constant that is really constant stops moving once the sizes are in the asymptotic regime (drift near 0);
    a wrong exponent in the bound makes the constant grow like x^(difference of exponents)."""
    x = np.asarray(x, float)
    sizes = np.unique(x)
    if sizes.size < MIN_SIZES or sizes[-1] / sizes[0] < MIN_SPAN:
        raise RateError(f"the drift of a bound's constants needs at least {MIN_SIZES} sizes spanning a factor of "
                        f"{MIN_SPAN:g}; got {sizes.size} from {sizes[0]:g} to {sizes[-1]:g}")
    half = x <= np.median(sizes)
    x_half = float(x[half].max())
    lp_half, lp_full = ConstantsLP(features[half], offset[half], solver), ConstantsLP(features, offset, solver)
    means = np.array([c.mean() for c in curves])
    fit_half, fit_full = lp_half.solve(means[half]), lp_full.solve(means)
    rng = np.random.default_rng(seed)
    K = features.shape[1]
    reps = np.full((boot, K), np.nan)
    for b in range(boot):  # one pair of LPs per bootstrap replicate: cvxpy parameters make each a quick re-solve
        bm = np.array([c[rng.integers(0, c.size, c.size)].mean() for c in curves])
        h, f = lp_half.solve(bm[half]), lp_full.solve(bm)
        if h.feasible and f.feasible:
            with np.errstate(divide="ignore", invalid="ignore"):
                reps[b] = np.log(np.array(f.constants) / np.array(h.constants))
    span = math.log(sizes[-1] / x_half)
    exps: list[Estimate | None] = []
    for k in range(K):
        ch, cf = fit_half.constants[k], fit_full.constants[k]
        if not (fit_half.feasible and fit_full.feasible) or ch <= 1e-12 * max(cf, 1e-300) or cf <= 0:
            exps.append(None)
            continue
        exps.append(Estimate.from_bootstrap(math.log(cf / ch) / span, reps[:, k] / span, alpha))
    return Drift(fit_half, fit_full, exps)


# ---- cliffs ---------------------------------------------------------------------------------------------
@dataclass
class Cliff:
    """Curvature of log(mean) in log(x) over sliding windows of sizes. A cliff (error falling faster than any
    power law over a stretch) is negative curvature; a power law plus a floor, log(C x^-r + F), is convex in
    log x and never has one."""

    windows: list[tuple[float, float]]  # (first, last) size of each window
    curvature: list[Estimate]  # d^2 log(mean) / d log(x)^2 in each window
    flagged: bool  # some window's interval lies wholly below zero
    where: tuple[float, float] | None  # the most clearly negative window

    def to_json(self) -> dict:
        return {"windows": [list(w) for w in self.windows], "curvature": [c.to_json() for c in self.curvature],
                "flagged": self.flagged, "where": list(self.where) if self.where else None}


def detect_cliff(curve: Curve, alpha: float, width: int = 5, seed: int = 0, boot: int = BOOTSTRAP) -> Cliff:
    """Fit log(mean) = c0 + c1 t + c2 t^2 (t = log x) in each window of `width` consecutive sizes; the curvature
    2 c2 gets a bootstrap interval over repetitions, Bonferroni-corrected over the windows. Flagged when one
    interval lies below zero."""
    curve.require_range("a curvature")
    J = curve.x.size
    if J < 4 or width < 4:
        raise RateError(f"a curvature needs windows of at least 4 sizes; got {J} size(s), width {width}")
    width = min(width, J)
    rng = np.random.default_rng(seed)
    means, bm = np.log(curve.means), np.log(curve.bootstrap_means(rng, boot))
    t = np.log(curve.x)
    level = alpha / (J - width + 1)
    windows, estimates = [], []
    for s in range(J - width + 1):  # a loop over windows (a handful); replicates are vectorised
        tw = t[s:s + width] - t[s:s + width].mean()
        row = np.linalg.pinv(np.stack([np.ones(width), tw, tw ** 2], axis=1))[2] * 2  # 2 c2 as a linear map
        windows.append((float(curve.x[s]), float(curve.x[s + width - 1])))
        estimates.append(Estimate.from_bootstrap(float(means[s:s + width] @ row), bm[:, s:s + width] @ row, level))
    negative = [i for i, e in enumerate(estimates) if e.hi < 0]
    where = windows[min(negative, key=lambda i: estimates[i].hi)] if negative else None
    return Cliff(windows, estimates, bool(negative), where)
