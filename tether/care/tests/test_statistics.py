"""The statistics behind the outcome figures, checked against published worked examples.

Sources (each number below was looked up, not just recomputed):
- Borenstein M, Hedges LV, Higgins JPT, Rothstein HR (2009). Introduction to Meta-Analysis,
  ch. 4 "Effect sizes based on means" (doi:10.1002/9780470743386.ch4). Its worked examples, as
  reproduced in course notes that follow the book (H. Zhang, "Effect sizes: means"):
  - independent groups: means 103 and 100, SDs 5.5 and 4.5, n = 50 each → S_pooled 5.0249,
    d = 0.5970, V_d = 0.0418, J = 0.9923, g = 0.5924, V_g = J²·V_d = 0.0411 (SE 0.2028);
  - matched groups (pre-post): mean difference 3 (103 − 100), S_diff = 5.5, n = 50, r = 0.7
    → S_within = 7.1005, d = 0.4225, SE_d = 0.1143 (V_d = 0.0131); J, g and V_g follow as
    J = 1 − 3/(4·49 − 1) = 0.9846, g = 0.4160, V_g = 0.0127. (The R package metaHelper's
    examples use the same S_within 7.1005 from S_diff 5.5 and r 0.7.)
- Newcombe RG (1998). Two-sided confidence intervals for the single proportion: comparison
  of seven methods. Statistics in Medicine 17:857–872, Table I, method 3 (Wilson score
  without continuity correction): 81/263 → 0.2553 to 0.3662; 15/148 → 0.0624 to 0.1605;
  0/20 → 0 to 0.1611; 1/29 → 0.0061 to 0.1718.
"""

import math

import numpy as np
import pytest

from tether.care.statistics import (
    Z95,
    hedges_g_between,
    hedges_g_between_from_summary,
    hedges_g_paired_from_summary,
    hedges_g_pre_post,
    wilson,
)


def _j(df: int) -> float:
    return 1 - 3 / (4 * df - 1)


def test_it_matches_borenstein_independent_groups():
    effect = hedges_g_between_from_summary(mean1=103, sd1=5.5, n1=50, mean2=100, sd2=4.5, n2=50)
    j = _j(50 + 50 - 2)
    assert j == pytest.approx(0.9923, abs=5e-5)
    assert effect.g / j == pytest.approx(0.5970, abs=5e-5)  # d
    assert effect.g == pytest.approx(0.5924, abs=5e-5)
    # The book's V_g is J²·V_d = 0.0411. statsmodels' effectsize_smd uses the approximation
    # 1/n1 + 1/n2 + g²/(2(n1 + n2)), which gives 0.0418 here: the variance we report is
    # statsmodels' (0.0418), within 0.001 of the book's.
    assert effect.se**2 == pytest.approx(0.0418, abs=5e-5)
    assert effect.se**2 == pytest.approx(0.0411, abs=0.001)
    assert effect.n == 100


def test_it_matches_borenstein_matched_groups():
    effect = hedges_g_paired_from_summary(mean_change=3.0, sd_change=5.5, n=50, r=0.7)
    s_within = 5.5 / math.sqrt(2 * (1 - 0.7))
    assert s_within == pytest.approx(7.1005, abs=5e-5)
    j = _j(50 - 1)
    assert j == pytest.approx(0.9846, abs=5e-5)
    assert effect.g / j == pytest.approx(0.4225, abs=5e-5)  # d
    assert (effect.se / j) == pytest.approx(0.1143, abs=5e-5)  # SE of d
    assert effect.g == pytest.approx(0.4160, abs=5e-5)
    assert effect.se**2 == pytest.approx(0.0127, abs=5e-5)


def test_it_computes_the_matched_groups_formula_for_a_second_case():
    """Mean change 5, S_diff 10, n 50, r 0.5: S_within 10, d 0.5, V_d 0.0225, J 0.9846,
    g 0.4923, V_g 0.0218 (arithmetic from Borenstein's formulas, not a printed example)."""
    effect = hedges_g_paired_from_summary(mean_change=5.0, sd_change=10.0, n=50, r=0.5)
    j = _j(49)
    assert effect.g / j == pytest.approx(0.5, abs=1e-9)
    assert (effect.se / j) ** 2 == pytest.approx(0.0225, abs=1e-9)
    assert effect.g == pytest.approx(0.4923, abs=5e-5)
    assert effect.se**2 == pytest.approx(0.0218, abs=5e-5)


def test_it_gives_a_95_percent_interval_around_g():
    effect = hedges_g_paired_from_summary(mean_change=3.0, sd_change=5.5, n=50, r=0.7)
    assert Z95 == pytest.approx(1.959964, abs=1e-6)
    assert effect.low == pytest.approx(effect.g - 1.959964 * effect.se)
    assert effect.high == pytest.approx(effect.g + 1.959964 * effect.se)


@pytest.mark.parametrize(
    ("count", "total", "low", "high"),
    [
        (81, 263, 0.2553, 0.3662),
        (15, 148, 0.0624, 0.1605),
        (0, 20, 0.0, 0.1611),
        (1, 29, 0.0061, 0.1718),
    ],
)
def test_it_matches_newcombe_table_1_wilson_intervals(count, total, low, high):
    rate = wilson(count, total)
    assert round(rate.low, 4) == pytest.approx(low, abs=1e-9)
    assert round(rate.high, 4) == pytest.approx(high, abs=1e-9)
    assert rate.value == count / total


def test_it_has_no_rate_for_nobody():
    assert wilson(0, 0) is None


# Raw data: eight patients' PHQ-9 before and after.
BEFORE = [18, 15, 21, 12, 16, 19, 14, 20]
AFTER = [9, 10, 12, 11, 6, 15, 8, 7]


def test_it_counts_falling_scores_as_improvement():
    effect = hedges_g_pre_post(BEFORE, AFTER)
    assert effect.g > 0
    assert effect.n == 8
    worse = hedges_g_pre_post(AFTER, BEFORE)
    assert worse.g == pytest.approx(-effect.g)
    assert worse.se == pytest.approx(effect.se)


def test_it_agrees_with_the_summary_formula_on_raw_data():
    pre, post = np.array(BEFORE, float), np.array(AFTER, float)
    change = pre - post
    expected = hedges_g_paired_from_summary(
        mean_change=change.mean(),
        sd_change=change.std(ddof=1),
        n=8,
        r=float(np.corrcoef(pre, post)[0, 1]),
    )
    assert hedges_g_pre_post(BEFORE, AFTER).g == pytest.approx(expected.g)


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ([15, 12], [8, 6]),  # fewer than 3 pairs
        ([15, 12, 14], [8, 6]),  # unpaired
        ([15, 12, 14], [10, 7, 9]),  # everyone improved by the same 5: no spread of change
        ([15, 15, 15], [10, 7, 9]),  # no spread at baseline
    ],
)
def test_it_has_no_pre_post_g_without_enough_data(before, after):
    assert hedges_g_pre_post(before, after) is None


def test_it_compares_two_groups_symmetrically():
    guided, unguided = [9, 5, 9, 1, 10, 4, 6, 13], [4, 2, 6, 3, 1, 5]
    effect = hedges_g_between(guided, unguided)
    assert effect.g > 0
    assert effect.n == 14
    reverse = hedges_g_between(unguided, guided)
    assert reverse.g == pytest.approx(-effect.g)
    assert reverse.se == pytest.approx(effect.se)
    same = hedges_g_between(guided, guided)
    assert same.g == pytest.approx(0.0)


@pytest.mark.parametrize(
    ("first", "second"), [([5], [1, 2, 3]), ([1, 2, 3], [4]), ([3, 3, 3], [4, 4])]
)
def test_it_has_no_between_g_without_enough_data(first, second):
    assert hedges_g_between(first, second) is None
