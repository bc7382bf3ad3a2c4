"""Fitting one Gaussian to a bimodal P: the known answers (mode covering vs mode seeking)."""
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
