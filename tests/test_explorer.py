"""The divergences explorer against closed forms and quadrature (REFERENCES.md §2-3).

Tolerances are the accuracy the explorer promises on its default grid (4000 cells): 1e-4 relative
against closed forms.
"""
import math

import numpy as np
import pytest
from scipy import integrate, stats

from gantoy.theory import explorer as E
from gantoy import objectives

REL = 1e-4


def gauss(m, s):
    return E.Gauss((float(m),), (float(s),), (1.0,))


def kl_gauss(m1, s1, m2, s2):
    return math.log(s2 / s1) + (s1**2 + (m1 - m2) ** 2) / (2 * s2**2) - 0.5


@pytest.mark.parametrize("m1,s1,m2,s2", [(0, 1, 1.5, 0.7), (0, 1, 0, 2), (-1, 0.3, 2, 1.2), (0, 0.2, 6, 0.2)])
def test_gaussian_closed_forms(m1, s1, m2, s2):
    vals, grows = E.compare(gauss(m1, s1), gauss(m2, s2))
    assert vals["f:kl"] == pytest.approx(kl_gauss(m1, s1, m2, s2), rel=REL)
    assert vals["f:rkl"] == pytest.approx(kl_gauss(m2, s2, m1, s1), rel=REL)
    assert vals["f:jeffrey"] == pytest.approx(kl_gauss(m1, s1, m2, s2) + kl_gauss(m2, s2, m1, s1), rel=REL)
    bc = math.sqrt(2 * s1 * s2 / (s1**2 + s2**2)) * math.exp(-((m1 - m2) ** 2) / (4 * (s1**2 + s2**2)))
    assert vals["f:hellinger"] == pytest.approx(2 * (1 - bc), rel=REL, abs=1e-12)
    # W1 between two Gaussians: ∫|F_P − F_Q| by quadrature
    w1 = integrate.quad(lambda x: abs(stats.norm.cdf(x, m1, s1) - stats.norm.cdf(x, m2, s2)),
                        min(m1 - 12 * s1, m2 - 12 * s2), max(m1 + 12 * s1, m2 + 12 * s2), limit=400)[0]
    assert vals["w1"] == pytest.approx(w1, rel=REL)
    assert not ({"f:kl", "f:rkl", "f:hellinger", "w1", "js", "f:tv"} & grows)


def test_pearson_closed_form_and_divergent_case():
    # χ²(N(m1, s1²) ‖ N(m2, s2²)) = s2² / (s1 √(2 s2² − s1²)) · exp((m1 − m2)² / (2 s2² − s1²)) − 1 when 2 s2² > s1²
    m1, s1, m2, s2 = 0.0, 1.0, 0.8, 1.3
    chi2 = s2**2 / (s1 * math.sqrt(2 * s2**2 - s1**2)) * math.exp((m1 - m2) ** 2 / (2 * s2**2 - s1**2)) - 1
    vals, grows = E.compare(gauss(m1, s1), gauss(m2, s2))
    assert vals["f:pearson"] == pytest.approx(chi2, rel=REL)
    assert "f:pearson" not in grows
    # σ_Q² < σ_P²/2: the integral diverges; the grid value is a lower bound and is flagged as growing
    vals, grows = E.compare(gauss(0, 1), gauss(1.5, 0.7))
    assert "f:pearson" in grows and vals["f:pearson"] > 1e6
    assert "f:neyman" not in grows  # Neyman (P in the denominator) is finite here


def test_js_and_tv_equal_variance_against_quadrature():
    m, s = 1.3, 0.9
    vals, _ = E.compare(gauss(0, s), gauss(m, s))
    assert vals["f:tv"] == pytest.approx(2 * stats.norm.cdf(m / (2 * s)) - 1, rel=REL)
    p = lambda x: stats.norm.pdf(x, 0, s)  # noqa: E731
    q = lambda x: stats.norm.pdf(x, m, s)  # noqa: E731
    js = integrate.quad(lambda x: 0.5 * p(x) * math.log(2 * p(x) / (p(x) + q(x)))
                        + 0.5 * q(x) * math.log(2 * q(x) / (p(x) + q(x))), -10, 12, limit=400)[0]
    assert vals["js"] == pytest.approx(js, rel=REL)
    assert vals["f:js"] == pytest.approx(2 * js, rel=REL)
    assert vals["f:gan"] == pytest.approx(2 * js - math.log(4), rel=REL)


def test_log_masses_keep_far_tails_finite():
    """Gaussians 30σ apart: KL = Δ²/(2σ²) = 450 exactly, not a spurious inf from underflowed cells."""
    vals, _ = E.compare(gauss(0, 0.2), gauss(6, 0.2))
    assert vals["f:kl"] == pytest.approx(450.0, rel=REL)
    assert vals["js"] == pytest.approx(math.log(2), rel=1e-12)


def test_agrees_with_the_registry_f_on_well_conditioned_masses():
    rng = np.random.default_rng(3)
    P, Q = rng.random(40) + 0.05, rng.random(40) + 0.05
    P, Q = P / P.sum(), Q / Q.sum()
    vals = E.divergence_table(np.log(P), np.log(Q))
    for k in E.DIVERGENCES:
        if k.startswith("f:"):
            assert vals[k] == pytest.approx(objectives.f_divergence(k, P, Q), rel=1e-10, abs=1e-14), k


def test_translated_w1_is_the_shift():
    b = E.Gauss((-2.0, 2.0), (0.5, 0.5), (0.5, 0.5))
    for t in (0.3, 1.0, -2.5):
        vals, _ = E.compare(b, b.shifted(t))
        assert vals["w1"] == pytest.approx(abs(t), rel=REL)
    s = E.Strips((0.0, 3.0), (1.0, 0.5), (0.7, 0.3))
    assert E.compare(s, s.shifted(0.4))[0]["w1"] == pytest.approx(0.4, rel=REL)


def test_disjoint_strips_are_infinite_where_they_must_be():
    p, q = E.Strips((0.0,), (1.0,), (1.0,)), E.Strips((2.0,), (1.0,), (1.0,))
    vals, _ = E.compare(p, q)
    assert vals["f:kl"] == math.inf and vals["f:rkl"] == math.inf and vals["f:jeffrey"] == math.inf
    assert vals["f:pearson"] == math.inf and vals["f:neyman"] == math.inf
    assert vals["js"] == pytest.approx(math.log(2)) and vals["f:tv"] == pytest.approx(1.0)
    assert vals["f:hellinger"] == pytest.approx(2.0) and vals["w1"] == pytest.approx(2.0, rel=REL)
    # overlapping strips: KL(P‖Q) finite when supp P ⊂ supp Q
    wide, narrow = E.Strips((0.0,), (4.0,), (1.0,)), E.Strips((1.0,), (1.0,), (1.0,))
    vals, _ = E.compare(narrow, wide)
    assert vals["f:kl"] == pytest.approx(math.log(4), rel=REL) and vals["f:rkl"] == math.inf


@pytest.mark.parametrize("theta", [-0.7, -0.1, 0.05, 0.5, 1.0])
def test_wgan_example1(theta):
    v = E.example1(theta)
    assert v["js"] == pytest.approx(math.log(2), rel=1e-12)
    assert v["f:kl"] == math.inf and v["f:rkl"] == math.inf
    assert v["f:tv"] == pytest.approx(1.0, rel=1e-12)
    assert v["w1"] == pytest.approx(abs(theta), rel=1e-9)


def test_wgan_example1_at_zero():
    v = E.example1(0.0)
    assert v["js"] == 0 and v["f:kl"] == 0 and v["f:tv"] == 0 and v["w1"] == pytest.approx(0, abs=1e-12)


def test_sweep_matches_pointwise_compare():
    p, q = gauss(0, 1), gauss(0, 0.8)
    shifts = np.array([-1.0, 0.0, 2.0])
    sw = E.sweep(p, q, shifts)
    for i, t in enumerate(shifts):
        assert sw["f:kl"][i] == pytest.approx(kl_gauss(0, 1, t, 0.8), rel=REL)
        assert sw["w1"][i] == pytest.approx(E.compare(p, q.shifted(t))[0]["w1"], rel=1e-3)


def test_integrand_sums_to_the_divergence():
    p, q = E.Gauss((-1.0, 1.5), (0.4, 0.6), (0.3, 0.7)), gauss(0.5, 1.0)
    e = E.grid_for(p, q)
    lp, lq = p.log_cell_mass(e), q.log_cell_mass(e)
    vals = E.divergence_table(lp, lq, e)
    for k in E.DIVERGENCES:
        if k != "w1":
            assert np.sum(E.integrand(k, lp, lq, e) * np.diff(e)) == pytest.approx(vals[k], rel=1e-9, abs=1e-12), k


@pytest.mark.parametrize("kind,means,spreads,weights,msg", [
    ("gauss", [], [], [], "empty"),
    ("gauss", [0.0], [-1.0], [1.0], "std must be > 0"),
    ("strips", [0.0], [0.0], [1.0], "width must be > 0"),
    ("gauss", [0.0, 1.0], [1.0, 1.0], [0.5, -0.5], "weights must be >= 0"),
    ("gauss", [0.0], [1.0], [0.0], "sum to 0"),
    ("gauss", [float("nan")], [1.0], [1.0], "non-finite"),
    ("gauss", [1e5], [1.0], [1.0], "±1000"),
])
def test_bad_tables(kind, means, spreads, weights, msg):
    with pytest.raises(ValueError, match=msg):
        E.make(kind, means, spreads, weights)


def test_relative_weights_are_normalised():
    d = E.make("gauss", [0, 1], [1, 1], [2, 6])
    assert d.weights == (0.25, 0.75)


def test_widening_scales_the_spread():
    g = gauss(1.0, 0.5).widened(2.0)
    assert g.means == (1.0,) and g.stds == (1.0,)
    s = E.Strips((0.0,), (2.0,), (1.0,)).widened(0.5)
    assert s.lefts == (0.5,) and s.widths == (1.0,)
    # KL between N(0, 1) and N(0, s²) as Q widens: closed form
    vals, _ = E.compare(gauss(0, 1), gauss(0, 1).widened(1.5))
    assert vals["f:kl"] == pytest.approx(kl_gauss(0, 1, 0, 1.5), rel=REL)
