"""Statistical decision rules: confidence intervals with a stated error rate, corrected for multiple testing.

Every interval is two-sided at level 1 - alpha_point, where alpha_point = alpha / (number of grid points of the
claim) (Bonferroni): the chance that a true claim is flagged anywhere on its grid is at most alpha.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

DEFAULT_ALPHA = 1e-6  # family-wise error rate per claim


def _scipy_stats():
    """scipy.stats, imported on first use (a second to import: not for defining or listing claims)."""
    import scipy.stats

    return scipy.stats


def normal_quantile(alpha: float) -> float:
    """The two-sided normal quantile for an interval of coverage 1 - alpha (`boundlab.numerics.rates.z_value`)."""
    from boundlab.numerics.rates import z_value

    return z_value(alpha)


def bonferroni(alpha: float, tests: int) -> float:
    if not 0 < alpha < 1 or tests < 1:
        raise ValueError(f"need 0 < alpha < 1 and tests >= 1, got {alpha}, {tests}")
    return alpha / tests


@dataclass
class Interval:
    estimate: float
    lo: float
    hi: float
    n: int
    level: float  # coverage 1 - alpha of the interval

    @property
    def half_width(self) -> float:
        return (self.hi - self.lo) / 2

    def to_json(self) -> dict:
        return {"estimate": self.estimate, "lo": self.lo, "hi": self.hi, "n": self.n, "level": self.level}


def mean_interval(x: np.ndarray, alpha: float) -> Interval:
    """Student-t interval for the mean."""
    x = np.asarray(x, dtype=np.float64)
    n = x.size
    if n < 2:
        raise ValueError("a mean interval needs at least 2 samples")
    m, se = float(x.mean()), float(x.std(ddof=1) / math.sqrt(n))
    q = float(_scipy_stats().t.ppf(1 - alpha / 2, n - 1))
    return Interval(m, m - q * se, m + q * se, n, 1 - alpha)


def variance_interval(x: np.ndarray, alpha: float) -> Interval:
    """Asymptotic interval for the variance from the fourth central moment (valid for any finite-kurtosis law).
    Var(s^2) = (mu4 - sigma^4)/n + 2 sigma^4/(n(n - 1)): only the first term's estimate is clipped at 0, so a law at
    the kurtosis boundary (a fair coin: mu4 = sigma^4, whose plug-in estimate is noise around 0) keeps the exact
    second term instead of an interval of width ~0 that refutes its true variance."""
    x = np.asarray(x, dtype=np.float64)
    n = x.size
    if n < 4:
        raise ValueError("a variance interval needs at least 4 samples")
    c = x - x.mean()
    s2 = float((c ** 2).sum() / (n - 1))
    m4 = float((c ** 4).mean())
    se = math.sqrt(max(m4 - s2 ** 2, 0.0) / n + 2 * s2 ** 2 / (n * (n - 1)))
    q = normal_quantile(alpha)
    return Interval(s2, s2 - q * se, s2 + q * se, n, 1 - alpha)


def clopper_pearson(k: int, n: int, alpha: float) -> Interval:
    """Exact binomial interval for a probability from k successes in n trials."""
    if n < 1 or not 0 <= k <= n:
        raise ValueError(f"need 0 <= k <= n and n >= 1, got k = {k}, n = {n}")
    lo = 0.0 if k == 0 else float(_scipy_stats().beta.ppf(alpha / 2, k, n - k + 1))
    hi = 1.0 if k == n else float(_scipy_stats().beta.ppf(1 - alpha / 2, k + 1, n - k))
    return Interval(k / n, lo, hi, n, 1 - alpha)


def ks_test(x: np.ndarray, dist) -> tuple[float, float]:
    """Kolmogorov-Smirnov statistic and p-value of the samples against a frozen scipy distribution."""
    res = _scipy_stats().kstest(np.asarray(x, dtype=np.float64), dist.cdf)
    return float(res.statistic), float(res.pvalue)


def contrast_interval(samples: list[np.ndarray], weights, alpha: float) -> Interval:
    """Interval for sum_k w_k E[x_k] from independent samples x_k (Welch-Satterthwaite degrees of freedom): a
    difference of two means with weights (-1, 1), a fitted slope of the means with least-squares weights."""
    terms = [(float(w), np.asarray(x, dtype=np.float64)) for w, x in zip(weights, samples) if w != 0]
    if any(x.size < 2 for _, x in terms):
        raise ValueError("a contrast of means needs at least 2 samples at each value")
    est = sum(w * float(x.mean()) for w, x in terms)
    parts = [w * w * float(x.var(ddof=1)) / x.size for w, x in terms]
    se = math.sqrt(sum(parts))
    df = sum(parts) ** 2 / max(sum(v * v / (x.size - 1) for v, (_, x) in zip(parts, terms)), 1e-300)
    q = float(_scipy_stats().t.ppf(1 - alpha / 2, df)) if se > 0 else 0.0
    return Interval(est, est - q * se, est + q * se, sum(x.size for _, x in terms), 1 - alpha)


# ---- power: the smallest error each test detects with probability at least 1 - alpha -----------------------
def detectable_shortfall(claimed: float, n: int, alpha: float) -> float:
    """The smallest shortfall s such that a true probability of claimed - s or less is detected (the Clopper-Pearson
    interval at level 1 - alpha lies below `claimed`) with probability at least 1 - alpha in n trials; inf when no
    count of n trials can refute `claimed`. Detection happens exactly when the count is at most k*, the largest
    count whose upper end is below `claimed`, and P(Bin(n, p) <= k*) >= 1 - alpha exactly when
    p <= the alpha-quantile of Beta(k* + 1, n - k*)."""
    def upper(k):
        return 1.0 if k == n else float(_scipy_stats().beta.ppf(1 - alpha / 2, k + 1, n - k))

    if upper(0) >= claimed:
        return math.inf
    lo, hi = 0, n  # upper() increases with k: bisect for the last k with upper(k) < claimed
    while hi - lo > 1:
        mid = (lo + hi) // 2
        lo, hi = (mid, hi) if upper(mid) < claimed else (lo, mid)
    return claimed - float(_scipy_stats().beta.ppf(alpha, lo + 1, n - lo))


def detectable_rate(n: int, alpha: float) -> float:
    """The smallest violation rate that n instances reveal (at least one violating instance) with probability at
    least 1 - alpha: 1 - alpha^(1/n), about -log(alpha)/n (the rule of three at alpha = 0.05)."""
    return -math.expm1(math.log(alpha) / n)


def detectable_ks(n: int, alpha: float) -> float:
    """The Kolmogorov-Smirnov distance from the claimed law that n samples detect (p-value below alpha) with
    probability at least 1 - alpha: twice the critical distance, since the empirical CDF is within the critical
    distance of the true one with probability 1 - alpha."""
    return 2 * float(_scipy_stats().kstwo.ppf(1 - alpha, n))


def power(points: list[dict]) -> dict:
    """The claim's power from its points': the largest deviation that some point might miss (absolute, and
    relative to the claimed value)."""
    if not points or any("detectable" not in p for p in points):
        return {}
    return {"detectable": max(p["detectable"] for p in points),
            "detectable_relative": max(p["detectable_relative"] for p in points)}


def relative(detectable: float, claimed: float) -> float:
    """A detectable deviation relative to the claimed value (inf when that is 0)."""
    return detectable / abs(claimed) if claimed != 0 else math.inf


def constant(x: np.ndarray) -> bool:
    """All values equal, up to rounding: a deterministic quantity."""
    return bool(np.ptp(x) <= 1e-12 * np.abs(x).max())


_TOWARDS_VIOLATION = {"=": abs, "<=": lambda d: d, "<": lambda d: d, ">=": lambda d: -d, ">": lambda d: -d}


def worst_point(points: list[dict], value: str = "interval", claimed: str = "claimed") -> int:
    """The index of the grid point nearest to refuting the claim, in widths of its interval (`value`: the measured
    value's, or a rate's "slope"; compared with the point's `claimed`): for a bound (the point's "relation" `<=`,
    `<`, `>=`, `>`) the one with the least slack, a violating one first; for an identity (`=`, also when no relation
    is recorded) the one farthest from the claimed value in either direction."""
    def excess(p):
        iv = p[value]
        off = _TOWARDS_VIOLATION[p.get("relation", "=")](iv["estimate"] - p[claimed]) - p.get("tolerance", 0.0)
        return off / max(iv["hi"] - iv["lo"], 1e-300)
    return max(range(len(points)), key=lambda k: excess(points[k]))


def tightness(rel: str, lhs: np.ndarray, rhs: np.ndarray) -> np.ndarray | None:
    """Per instance, how much of a bound `lhs REL rhs` the measured side uses: the claimed-smaller side over the
    larger. None for an identity, or when the larger side is not positive everywhere."""
    small, big = (lhs, rhs) if rel in ("<=", "<") else (rhs, lhs)
    return small / big if rel != "=" and (big > 0).all() else None
