"""The statistics behind a practice's outcome figures. Pure functions, no ORM.

- Proportions with a Wilson score interval (statsmodels' `proportion_confint`).
- Between two cohorts: Hedges' g, the bias-corrected standardized mean difference, from
  statsmodels' `effectsize_smd` (Borenstein et al. 2009).
- Pre-post within one cohort: Hedges' g for matched groups (Borenstein et al. 2009, ch. 4):
  d = mean change / S_within with S_within = S_diff / sqrt(2(1 − r)), V_d = (1/n + d²/2n)·2(1 − r),
  g = J·d and V_g = J²·V_d with J = 1 − 3/(4(n − 1) − 1).
Between cohorts the variance is statsmodels' approximation n/(n1·n2) + g²/(2(n − 3.94));
Borenstein's J²·V_d is slightly smaller (0.0411 vs 0.0418 in his worked example).
Intervals for g are g ± z·SE (normal approximation). Tests check each against the published
worked examples.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import stats
from statsmodels.stats.meta_analysis import effectsize_smd
from statsmodels.stats.proportion import proportion_confint

Z95 = float(stats.norm.ppf(0.975))


@dataclass(frozen=True)
class Rate:
    count: int
    total: int
    low: float
    high: float

    @property
    def value(self) -> float:
        return self.count / self.total


def wilson(count: int, total: int) -> Rate | None:
    """A proportion with its 95% Wilson score interval; None when there is nobody."""
    if total <= 0:
        return None
    low, high = proportion_confint(count, total, alpha=0.05, method="wilson")
    return Rate(count=count, total=total, low=float(low), high=float(high))


@dataclass(frozen=True)
class Effect:
    g: float
    se: float
    n: int

    @property
    def low(self) -> float:
        return self.g - Z95 * self.se

    @property
    def high(self) -> float:
        return self.g + Z95 * self.se


def _j(df: int) -> float:
    return 1 - 3 / (4 * df - 1)


def hedges_g_paired_from_summary(
    *, mean_change: float, sd_change: float, n: int, r: float
) -> Effect:
    """Borenstein's matched-groups g from the mean and SD of the change and the pre-post
    correlation."""
    s_within = sd_change / math.sqrt(2 * (1 - r))
    d = mean_change / s_within
    var_d = (1 / n + d**2 / (2 * n)) * 2 * (1 - r)
    j = _j(n - 1)
    return Effect(g=j * d, se=math.sqrt(j**2 * var_d), n=n)


def hedges_g_pre_post(before: Sequence[float], after: Sequence[float]) -> Effect | None:
    """Improvement from `before` to `after` (positive g = scores fell, i.e. better), for paired
    scores. None with fewer than 3 pairs or no spread."""
    pre, post = np.asarray(before, float), np.asarray(after, float)
    n = len(pre)
    if n < 3 or n != len(post):
        return None
    change = pre - post
    sd_change = float(np.std(change, ddof=1))
    if sd_change == 0 or np.std(pre) == 0 or np.std(post) == 0:
        return None
    r = float(stats.pearsonr(pre, post).statistic)
    if r >= 1:
        return None
    return hedges_g_paired_from_summary(
        mean_change=float(change.mean()), sd_change=sd_change, n=n, r=r
    )


def hedges_g_between_from_summary(
    *, mean1: float, sd1: float, n1: int, mean2: float, sd2: float, n2: int
) -> Effect:
    g, var = effectsize_smd(mean1, sd1, n1, mean2, sd2, n2)
    return Effect(g=float(g), se=float(math.sqrt(var)), n=n1 + n2)


def hedges_g_between(first: Sequence[float], second: Sequence[float]) -> Effect | None:
    """How much larger the mean of `first` is than `second`, in pooled SDs (bias-corrected).
    None when either group has fewer than 2 values or there is no spread."""
    a, b = np.asarray(first, float), np.asarray(second, float)
    if len(a) < 2 or len(b) < 2:
        return None
    sd1, sd2 = float(np.std(a, ddof=1)), float(np.std(b, ddof=1))
    if sd1 == 0 and sd2 == 0:
        return None
    return hedges_g_between_from_summary(
        mean1=float(a.mean()), sd1=sd1, n1=len(a), mean2=float(b.mean()), sd2=sd2, n2=len(b)
    )
