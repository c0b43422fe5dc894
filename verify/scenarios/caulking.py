"""Caulking: fine-tune only a small adapter between a frozen pre-trained feature extractor and a frozen head
(Fukuchi, Hataya and Matsui 2026), simulated by the recipe of our study notes on caulking, section 5.

Inputs alpha and beta are the exponents a and b below.
Instance (caulkable by construction): X ~ U[0,1]^D, shared feature g*(x) = mean(x), task adapter
a*(u) = 0.5 + 0.4 S(u)/S(0) with S(u) = sum_{j<terms} 2^{-ja} cos(2^j pi u) (Weierstrass-type, exactly a-Holder
for a < 1, so the upper rates are sharp), head h*(v) = 0.5 + sign(v - 0.5)|v - 0.5|^b (b-Holder; the identity
for beta = 1), target f* = h* o a* o g*, labels Y = f*(X) + noise N(0, 1).
Pre-training: g_m is OLS with intercept on m source samples (X, g*(X) + source_noise N(0, 1)); m = inf is g*.
Caulk estimator: least squares over K-interval adapters on u = clamp(g_m(x), 0, 1), head and feature frozen,
K = ceil(bins n^{1/(2ab+1)}) (the bias-variance balance of the theory, adapter input dimension t = 1):
piecewise constant (any b; with adapter values c_k in [0, 1], the least-squares value of h*(c_k) in bin k is the
bin mean of Y clipped to the range of h*) or B-splines of degree 1..3 (beta = 1 only: through a nonlinear head
least squares has no closed form), whose predictions are truncated to the range of h* in the same way (the
truncated least-squares estimator of the theory; it keeps a nearly empty edge interval, where g(X) is rare, from
extrapolating wildly). Both go through one banded B-spline least-squares routine (degree 0 = piecewise constant).
Scratch baseline: histogram regression on [0,1]^D with B = round(scratch_bins n^{1/(2ab+D)}) cells per axis,
rounded to the nearest integer rather than up: with few cells per axis, ceil inflates the variance B^D/n by up to
(1 + 1/B)^D, most at small n, which steepens the measured slope by ~0.08 over n in [300, 1e5] at D = 3.
Errors are excess risks against the noiseless target, on `test` fresh points per instance.
"""
from __future__ import annotations

import math

import numpy as np
import scipy.linalg
import torch

from .base import REQUIRED, Input, Scenario, ScenarioError, one_thread

DTYPE = torch.float64
MAX_BYTES = 200 * 2**20  # working set per chunk of instances
RIDGE = 1e-8  # pulls every spline coefficient toward mean(Y), with 1e-8 of one data point's weight
BLOCK = 2**16  # elements per block when evaluating a*: keeps its 24-term loop in cache
DENSE_CELLS = 2**22  # scratch histograms with more cells (all instances) are indexed by torch.unique


# ------------------------------------------------------------------------------------------------ the target

def weierstrass(u: torch.Tensor, a: float, terms: int = 24) -> torch.Tensor:
    """The task adapter a*(u) = 0.5 + 0.4 S(u)/S(0), S(u) = sum_{j<terms} 2^{-ja} cos(2^j pi u).

    cos(2^j pi u) comes from squaring exp(i pi u) j times (angle doubling, in real arithmetic): about ten times
    faster than cos at arguments up to 2^23 pi, and accurate to ~1e-12 (rounding grows like 2^j eps)."""
    weights = [2.0 ** (-j * a) for j in range(terms)]
    flat, out = u.reshape(-1), torch.empty(u.numel(), dtype=DTYPE)
    for i in range(0, flat.numel(), BLOCK):
        x = torch.cos(math.pi * flat[i:i + BLOCK])
        y = torch.sin(math.pi * flat[i:i + BLOCK])
        s, t = x.clone(), torch.empty_like(x)
        for w in weights[1:]:  # (x, y) <- (x^2 - y^2, 2xy)
            torch.mul(x, y, out=t)
            x.mul_(x).addcmul_(y, y, value=-1.0)
            torch.mul(t, 2.0, out=y)
            s.add_(x, alpha=w)
        out[i:i + BLOCK] = s
    return (0.5 + (0.4 / sum(weights)) * out).view(u.shape)


def head(v: torch.Tensor, b: float) -> torch.Tensor:
    """h*(v) = 0.5 + sign(v - 0.5)|v - 0.5|^b, b-Holder; exactly the identity for b = 1."""
    if b == 1:
        return v
    d = v - 0.5
    return 0.5 + torch.sign(d) * d.abs() ** b


def mean_feature(x: torch.Tensor) -> torch.Tensor:
    """g*(x) = mean(x) over the last axis, as a matrix-vector product (x.mean(-1) over a short axis is ~10x slower)."""
    return x @ torch.full((x.shape[-1],), 1.0 / x.shape[-1], dtype=DTYPE)


def target(x: torch.Tensor, a: float, b: float, terms: int) -> torch.Tensor:
    """f*(x) = h*(a*(g*(x))) with g*(x) = mean(x), for x of shape (..., D)."""
    return head(weierstrass(mean_feature(x), a, terms), b)


# ------------------------------------------------------------------------------------------------ estimators

def bspline_basis(u: torch.Tensor, K: int, degree: int) -> tuple[torch.Tensor, torch.Tensor]:
    """Interval index k (long) and the degree + 1 nonzero uniform B-splines at u in [0, 1], shape (..., degree+1).

    Knots (i - degree)/K, i = 0..K + 2 degree; basis j lives on [(j - degree)/K, (j + 1)/K], so in interval k
    the nonzero ones are j = k..k + degree. Cox-de Boor on unit spacing, in the local coordinate s = uK - k."""
    t = u * K
    k = t.long().clamp_(0, K - 1)  # truncation is the floor for u >= 0
    if degree == 0:  # the indicator of interval k: a view of ones, no memory
        return k, torch.ones((), dtype=DTYPE).expand(*u.shape, 1)
    s = t.sub_(k)
    values = [torch.ones_like(s)]
    for j in range(1, degree + 1):
        new, saved = [], 0.0
        for r in range(j):
            temp = values[r] / j
            new.append(saved + (r + 1 - s) * temp)
            saved = (s + (j - r - 1)) * temp
        values = new + [saved]
    return k, torch.stack(values, -1)


def bspline_lsq(u: torch.Tensor, y: torch.Tensor, K: int, degree: int, ridge: float = RIDGE) -> torch.Tensor:
    """Least-squares coefficients (batch, K + degree) of uniform B-splines of `degree` with K intervals on [0, 1],
    for points u and responses y of shape (batch, n); degree 0 gives the bin means.

    Minimises sum_i (y_i - sum_j c_j B_j(u_i))^2 + ridge sum_j (c_j - mean(y))^2: the ridge makes the normal
    equations positive definite and sends coefficients without data (empty bins) to the overall mean of y. The
    banded normal equations are assembled per interval by index_add (each point touches degree + 1 basis
    functions; for degree 0 they are diagonal, counts and sums by bincount) and the whole batch is solved as one
    block-diagonal banded system (LAPACK pbsv)."""
    c, n = u.shape
    p, P = degree, K + degree
    k, basis = bspline_basis(u, K, p)
    idx = (k + K * torch.arange(c).unsqueeze(1)).reshape(-1)
    pairs = [(r, s) for r in range(p + 1) for s in range(r, p + 1)]
    if p == 0:  # diagonal normal equations: counts and sums per bin
        gram = torch.bincount(idx, minlength=c * K).to(DTYPE).view(c, K, 1)
        moments = torch.bincount(idx, weights=y.reshape(-1), minlength=c * K).view(c, K, 1)
    else:
        prods = torch.stack([basis[..., r] * basis[..., s] for r, s in pairs], -1).reshape(-1, len(pairs))
        gram = torch.zeros(c * K, len(pairs), dtype=DTYPE).index_add_(0, idx, prods).view(c, K, len(pairs))
        weighted = (basis * y.unsqueeze(-1)).reshape(-1, p + 1)
        moments = torch.zeros(c * K, p + 1, dtype=DTYPE).index_add_(0, idx, weighted).view(c, K, p + 1)
    band = torch.zeros(c, p + 1, P, dtype=DTYPE)  # LAPACK upper band storage: band[p + i - j, j] = G[i, j]
    for col, (r, s) in enumerate(pairs):
        band[:, p + r - s, s:s + K] += gram[:, :, col]
    band[:, p] += ridge
    rhs = (ridge * y.mean(1)).unsqueeze(1).repeat(1, P)
    for r in range(p + 1):
        rhs[:, r:r + K] += moments[:, :, r]
    coef = scipy.linalg.solveh_banded(band.transpose(0, 1).reshape(p + 1, c * P).numpy(), rhs.reshape(-1).numpy(),
                                      check_finite=False)
    return torch.from_numpy(coef).view(c, P)


def bspline_eval(u: torch.Tensor, coef: torch.Tensor, K: int, degree: int) -> torch.Tensor:
    """sum_j coef_j B_j(u) for u of shape (batch, T) and coef of shape (batch, K + degree)."""
    k, basis = bspline_basis(u, K, degree)
    return sum(basis[..., r] * coef.gather(1, k + r) for r in range(degree + 1))


def histogram_regression(x: torch.Tensor, y: torch.Tensor, x_test: torch.Tensor, B: int,
                         dense_cells: int = DENSE_CELLS) -> torch.Tensor:
    """Predictions at x_test (batch, T, D) of the histogram regression of y (batch, n) on x (batch, n, D) with B
    equal cells per axis of [0,1]^D: the cell mean of y, or the overall mean of y in an empty cell. Cells are
    numbered sum_d cell_d B^d (plus B^D per instance), renumbered by torch.unique when there are more than
    dense_cells of them."""
    c, n, D = x.shape
    if c * B ** D >= 2 ** 53:
        raise ScenarioError(f"the scratch histogram would have {B}^{D} cells per instance, too many to number "
                            f"exactly in float64: lower scratch_bins or D")
    place = torch.tensor([float(B ** d) for d in range(D)], dtype=DTYPE)
    offset = B ** D * torch.arange(c).unsqueeze(1)
    ids, ids_t = (((z * B).floor_().clamp_(max=B - 1) @ place).long().add_(offset).reshape(-1) for z in (x, x_test))
    size = c * B ** D
    if size > dense_cells:  # number the occupied cells only
        uniq, inverse = torch.unique(torch.cat([ids, ids_t]), return_inverse=True)
        ids, ids_t, size = inverse[:ids.numel()], inverse[ids.numel():], uniq.numel()
    count = torch.bincount(ids, minlength=size).to(DTYPE)[ids_t].view(c, -1)
    total = torch.bincount(ids, weights=y.reshape(-1), minlength=size)[ids_t].view(c, -1)
    return torch.where(count > 0, total / count.clamp(min=1), y.mean(1, keepdim=True))


def pretrain(c: int, m: int, D: int, sigma: float, gen: torch.Generator) -> tuple[torch.Tensor, torch.Tensor]:
    """Intercept (c,) and slopes (c, D) of g_m: OLS with intercept on m samples (X, mean(X) + sigma N(0, 1)),
    normal equations accumulated over blocks of samples so that large m stays within memory."""
    gram = torch.zeros(c, D + 1, D + 1, dtype=DTYPE)
    moment = torch.zeros(c, D + 1, dtype=DTYPE)
    rows = max(1, MAX_BYTES // (8 * c * (D + 3)))
    for start in range(0, m, rows):
        x = torch.rand(c, min(rows, m - start), D, generator=gen, dtype=DTYPE)
        y = mean_feature(x) + sigma * torch.randn(x.shape[:2], generator=gen, dtype=DTYPE)
        x1 = torch.cat([torch.ones_like(x[..., :1]), x], -1)
        gram += x1.transpose(1, 2) @ x1
        moment += (x1.transpose(1, 2) @ y.unsqueeze(-1)).squeeze(-1)
    coef = torch.linalg.solve(gram, moment)
    return coef[:, 0], coef[:, 1:]


# ------------------------------------------------------------------------------------------------ the scenario

class Caulking(Scenario):
    name = "caulking"
    description = ("Frozen pre-trained feature g_m (OLS on m source samples) and head h*, least-squares adapter on "
                   "K bins or splines of g_m(x); target f* = h* o a* o g* with a Weierstrass a-Holder adapter a*; "
                   "excess test risk against a histogram on [0,1]^D from scratch.")
    quantities = {
        "err": "excess test risk of the caulk estimator at target size n, mean (f_hat - f*)^2 on test points",
        "err_scratch": "excess test risk of histogram regression on [0,1]^D from scratch at target size n",
        "feature_err": "|g_m - g*|^2 in L2(U[0,1]^D), exact for the affine OLS map (0 for m = inf)",
        "nstar": "target sample complexity: first n (interpolated in log-log on a grid n_min..n_max, one nested "
                 "pool of samples) where the caulk estimator's test error is <= eps; n_max, censored, where eps "
                 "is not reached by n_max",
    }
    censored_why = {"nstar": "eps was not reached by n_max: it is below the error floor that pre-training on m "
                             "source samples leaves (m < inf), or n_max is too small"}
    inputs = {
        "alpha": Input(REQUIRED, float, low=0, high=1, low_open=True,
                       why="the Weierstrass adapter is alpha-Holder only for 0 < alpha <= 1",
                       description="Holder exponent a of the task adapter a* (Weierstrass-type)"),
        "beta": Input(1.0, float, low=0, high=1, low_open=True, why="the head is beta-Holder for 0 < beta <= 1",
                      description="Holder exponent b of the frozen head h* (1: the identity head)"),
        "D": Input(3, int, low=1, description="input dimension: x ~ U[0,1]^D"),
        "m": Input(math.inf, int, low=3, allow_inf=True, why="OLS with intercept needs m >= D + 2",
                   description="source samples pre-training g_m by OLS (inf: the true feature g*); m >= D + 2"),
        "n": Input(None, int, low=2, description="target sample size of err and err_scratch"),
        "noise": Input(0.3, float, low=0, description="standard deviation of the target label noise"),
        "source_noise": Input(0.1, float, low=0, description="standard deviation of the source label noise"),
        "adapter": Input("constant", choices=("constant", "spline"),
                         description="the caulk: piecewise constant on K bins, or B-splines (beta = 1 only)"),
        "degree": Input(1, int, low=1, high=3, description="degree of the B-spline adapter"),
        "bins": Input(2.0, float, low=0, low_open=True,
                      description="adapter intervals per n^(1/(2ab+1)): K = ceil(bins n^(1/(2ab+1)))"),
        "scratch_bins": Input(1.0, float, low=0, low_open=True,
                              description="scratch histogram cells per axis per n^(1/(2ab+D)), rounded"),
        "test": Input(20000, int, low=1, description="fresh test points per instance for the excess risks"),
        "terms": Input(24, int, low=1, high=52, description="terms of the Weierstrass sum S(u) of a*"),
        "eps": Input(None, float, low=0, low_open=True, description="target error level of nstar"),
        "n_min": Input(32, int, low=2, description="smallest size of the nstar grid"),
        "n_max": Input(100000, int, low=3, description="largest size of the nstar grid; above n_min"),
        "curve_points": Input(40, int, low=2, description="sizes of the nstar grid, log-spaced from n_min to n_max"),
    }
    samples, repetitions = 64, 32  # each instance searches for n*(eps) over sample sizes up to n_max

    def resolve(self, point: dict) -> dict:
        """The rules between inputs: m >= D + 2, n_max > n_min, and a spline adapter only for the identity head."""
        o = super().resolve(point)
        if o["m"] < o["D"] + 2:
            raise ScenarioError(f"scenario {self.name}: m must be inf (or 'inf') or an integer in "
                                f"[D + 2, inf) = [{o['D'] + 2}, inf), got {o['m']!r}: OLS with intercept needs "
                                f"m >= D + 2")
        if o["adapter"] == "spline" and o["beta"] != 1:
            raise ScenarioError(f"scenario {self.name}: adapter = 'spline' needs beta = 1 (the identity head), got "
                                f"beta = {o['beta']:g}: least squares through a nonlinear head has no closed form")
        if o["n_max"] <= o["n_min"]:
            raise ScenarioError(f"scenario {self.name}: n_max = {o['n_max']!r} is outside [{o['n_min'] + 1}, inf) "
                                f"(n_max must exceed n_min)")
        return o

    # -------------------------------------------------------------------------------------------------------

    def measure(self, o, batch, gen, wanted):
        with one_thread():
            return self._measure(o, batch, gen, wanted)

    def _measure(self, o, batch, gen, wanted):
        if wanted & {"err", "err_scratch"} and o["n"] is None:
            raise ScenarioError(f"scenario {self.name}: err and err_scratch need the target sample size n")
        if "nstar" in wanted and o["eps"] is None:
            raise ScenarioError(f"scenario {self.name}: nstar needs the target error level eps")
        rows = max(o["test"], o["n"] if wanted & {"err", "err_scratch"} else 0,
                   o["n_max"] if "nstar" in wanted else 0)
        degree = o["degree"] if o["adapter"] == "spline" else 0
        per_row = 8 * (o["D"] + 8 + 3 * (degree + 1) ** 2)
        size = max(1, min(batch, MAX_BYTES // (per_row * rows)))
        parts = [self._chunk(o, min(size, batch - start), gen, wanted) for start in range(0, batch, size)]
        out = {k: torch.cat([p[k] for p in parts]) for k in parts[0]}
        if "nstar" in wanted:
            out["nstar"], out["nstar_censored"] = self._nstar(o, out.pop("curve"))
        return out

    def _chunk(self, o, c, gen, wanted):
        """The wanted quantities (and the nstar error curves) for c instances."""
        D, out = o["D"], {}
        if o["m"] == math.inf:
            intercept, slope = torch.zeros(c, dtype=DTYPE), torch.full((c, D), 1.0 / D, dtype=DTYPE)
        else:
            intercept, slope = pretrain(c, o["m"], D, o["source_noise"], gen)
        if "feature_err" in wanted:  # E (w.x + c0)^2 over U[0,1]^D = |w|^2/12 + (c0 + sum(w)/2)^2
            w = slope - 1.0 / D
            out["feature_err"] = (w ** 2).sum(1) / 12 + (intercept + w.sum(1) / 2) ** 2

        def feature(x):
            if o["m"] == math.inf:
                return mean_feature(x)
            return (x @ slope.unsqueeze(-1)).squeeze(-1).add_(intercept.unsqueeze(1)).clamp_(0.0, 1.0)

        def sample(size):
            x = torch.rand(c, size, D, generator=gen, dtype=DTYPE)
            y = target(x, o["alpha"], o["beta"], o["terms"])
            y.add_(torch.randn(c, size, generator=gen, dtype=DTYPE), alpha=o["noise"])
            return x, y

        train = sample(o["n"]) if wanted & {"err", "err_scratch"} else None
        pool = sample(o["n_max"]) if "nstar" in wanted else None
        if train is None and pool is None:
            return out
        x_test = torch.rand(c, o["test"], D, generator=gen, dtype=DTYPE)
        f_test = target(x_test, o["alpha"], o["beta"], o["terms"])
        u_test = feature(x_test)
        if "err" in wanted:
            out["err"] = self._caulk_error(o, feature(train[0]), train[1], u_test, f_test)
        if "err_scratch" in wanted:
            ab, n = o["alpha"] * o["beta"], o["n"]
            cells = max(1, round(o["scratch_bins"] * n ** (1 / (2 * ab + D))))
            pred = histogram_regression(train[0], train[1], x_test, cells)
            out["err_scratch"] = ((pred - f_test) ** 2).mean(1)
        if pool is not None:
            u, y = feature(pool[0]), pool[1]
            out["curve"] = torch.stack([self._caulk_error(o, u[:, :s], y[:, :s], u_test, f_test)
                                        for s in self.sizes(o)], 1)
        return out

    def _caulk_error(self, o, u, y, u_test, f_test):
        """Test error of the caulk estimator fitted on (u, y), u = clamp(g_m(x), 0, 1), at K = ceil(bins n^...)."""
        K = math.ceil(o["bins"] * u.shape[1] ** (1 / (2 * o["alpha"] * o["beta"] + 1)))
        degree = o["degree"] if o["adapter"] == "spline" else 0
        spread = 0.5 ** o["beta"]  # h*([0, 1]) = [0.5 - spread, 0.5 + spread]
        pred = bspline_eval(u_test, bspline_lsq(u, y, K, degree), K, degree).clamp_(0.5 - spread, 0.5 + spread)
        return ((pred - f_test) ** 2).mean(1)

    @staticmethod
    def sizes(o) -> list[int]:
        """The nstar grid: curve_points sizes log-spaced from n_min to n_max (duplicates after rounding dropped)."""
        grid = np.geomspace(o["n_min"], o["n_max"], o["curve_points"])
        return sorted({int(round(s)) for s in grid})

    def _nstar(self, o, curve: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """First size where the error curve (batch, sizes) is <= eps, interpolated linearly in (log n, log err); on
        an instance that never reaches eps, n_max, censored (nstar is only known to exceed it)."""
        eps, sizes = o["eps"], torch.tensor(self.sizes(o), dtype=DTYPE)
        hit = curve <= eps
        reached = hit.any(1)
        i = hit.to(torch.int8).argmax(1)
        j = (i - 1).clamp(min=0)
        e_hi, e_lo = curve.gather(1, j[:, None]).squeeze(1), curve.gather(1, i[:, None]).squeeze(1)
        ln_hi, ln_lo = sizes.log()[j], sizes.log()[i]
        frac = (math.log(eps) - e_hi.log()) / (e_lo.clamp(min=1e-300).log() - e_hi.log())
        nstar = torch.where(i == 0, sizes[0], (ln_hi + frac * (ln_lo - ln_hi)).exp())
        return torch.where(reached, nstar, sizes[-1]), ~reached
