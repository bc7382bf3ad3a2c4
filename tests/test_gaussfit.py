"""Fitting one Gaussian to a bimodal P: the known answers (mode covering vs mode seeking)."""
import math

import pytest

from gantoy.theory import explorer as E
from gantoy.theory import gaussfit as GF

BIMODAL = E.Gauss((-2.0, 2.0), (0.5, 0.5), (0.5, 0.5))


def test_forward_kl_fit_is_moment_matching():
    m, s = BIMODAL.moments()
    assert (m, s) == pytest.approx((0.0, (0.25 + 4) ** 0.5))
    fit = GF.fit_gaussian(BIMODAL, "f:kl")
    assert fit["mu"] == pytest.approx(m, abs=1e-4) and fit["sigma"] == pytest.approx(s, rel=1e-4)
    # an asymmetric mixture too
    p = E.Gauss((-1.0, 2.5), (0.3, 0.8), (0.3, 0.7))
    fit = GF.fit_gaussian(p, "f:kl")
    assert (fit["mu"], fit["sigma"]) == pytest.approx(p.moments(), rel=1e-4)


@pytest.mark.parametrize("div", ["f:rkl", "f:neyman"])
def test_mode_seeking_fits_pick_one_mode(div):
    fit = GF.fit_gaussian(BIMODAL, div)
    assert abs(fit["mu"]) == pytest.approx(2.0, abs=1e-2) and fit["sigma"] == pytest.approx(0.5, rel=2e-2)


def test_mode_covering_fits_sit_between_the_modes():
    for div in ("js", "f:hellinger", "f:pearson", "w1"):
        fit = GF.fit_gaussian(BIMODAL, div)
        assert abs(fit["mu"]) < 1e-3 and fit["sigma"] > 1.5, (div, fit)


def test_unknown_divergences():
    with pytest.raises(ValueError, match="unknown divergence"):
        GF.fit_gaussian(BIMODAL, "f:nope")
    with pytest.raises(ValueError, match="no f-GAN for 'w1'"):
        GF.train_fit(BIMODAL, "w1")


def test_value_at_is_the_fits_objective_and_finds_the_mirror_optimum():
    """value_at evaluates the quadrature the direct fit minimises: the fit's own value at its (μ, σ); on a
    symmetric P the mirror image of a mode-seeking fit is as good, a Gaussian between the modes worse; KL(P‖Q)
    against the closed form for Gaussians (P one Gaussian)."""
    for div in ("f:rkl", "js", "f:kl"):
        fit = GF.fit_gaussian(BIMODAL, div)
        assert GF.value_at(BIMODAL, div, fit["mu"], fit["sigma"]) == pytest.approx(fit["value"], rel=1e-9, abs=1e-12)
    fit = GF.fit_gaussian(BIMODAL, "f:rkl")
    mirror = GF.value_at(BIMODAL, "f:rkl", -fit["mu"], fit["sigma"])
    assert mirror == pytest.approx(fit["value"], rel=1e-3)
    assert GF.value_at(BIMODAL, "f:rkl", 0.0, fit["sigma"]) > 2 * fit["value"]
    one = E.Gauss((0.0,), (1.0,), (1.0,))
    mu, s = 0.7, 1.5       # KL(N(0, 1) ‖ N(μ, s²)) = log s + (1 + μ²) / (2 s²) − ½
    assert GF.value_at(one, "f:kl", mu, s) == pytest.approx(math.log(s) + (1 + mu ** 2) / (2 * s ** 2) - 0.5,
                                                            rel=1e-3)
