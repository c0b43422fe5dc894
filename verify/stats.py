"""Statistical decision rules: confidence intervals with a stated error rate, corrected for multiple testing.

Every interval is two-sided at level 1 - alpha_point, where alpha_point = alpha / (number of grid points of the
claim) (Bonferroni): the chance that a true claim is flagged anywhere on its grid is at most alpha.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import scipy.stats

DEFAULT_ALPHA = 1e-6  # family-wise error rate per claim


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
    q = float(scipy.stats.t.ppf(1 - alpha / 2, n - 1))
    return Interval(m, m - q * se, m + q * se, n, 1 - alpha)


def variance_interval(x: np.ndarray, alpha: float) -> Interval:
    """Asymptotic interval for the variance from the fourth central moment (valid for any finite-kurtosis law)."""
    x = np.asarray(x, dtype=np.float64)
    n = x.size
    if n < 4:
        raise ValueError("a variance interval needs at least 4 samples")
    c = x - x.mean()
    s2 = float((c ** 2).sum() / (n - 1))
    m4 = float((c ** 4).mean())
    se = math.sqrt(max(m4 - s2 ** 2 * (n - 3) / (n - 1), 0.0) / n)
    q = float(scipy.stats.norm.ppf(1 - alpha / 2))
    return Interval(s2, s2 - q * se, s2 + q * se, n, 1 - alpha)


def clopper_pearson(k: int, n: int, alpha: float) -> Interval:
    """Exact binomial interval for a probability from k successes in n trials."""
    if n < 1 or not 0 <= k <= n:
        raise ValueError(f"need 0 <= k <= n and n >= 1, got k = {k}, n = {n}")
    lo = 0.0 if k == 0 else float(scipy.stats.beta.ppf(alpha / 2, k, n - k + 1))
    hi = 1.0 if k == n else float(scipy.stats.beta.ppf(1 - alpha / 2, k + 1, n - k))
    return Interval(k / n, lo, hi, n, 1 - alpha)


def ks_test(x: np.ndarray, dist) -> tuple[float, float]:
    """Kolmogorov-Smirnov statistic and p-value of the samples against a frozen scipy distribution."""
    res = scipy.stats.kstest(np.asarray(x, dtype=np.float64), dist.cdf)
    return float(res.statistic), float(res.pvalue)
