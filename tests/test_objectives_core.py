"""GAN / non-saturating GAN: optimal discriminator, Theorem 1, loss gradients against autograd."""
import math

import numpy as np
import pytest
import torch

from gantoy import objectives, presets
from gantoy import Trainer


def test_gan_optimal_d_formula():
    P = np.array([0.2, 0.5, 0.0, 0.3, 0.0])
    Q = np.array([0.6, 0.1, 0.3, 0.0, 0.0])
    d = objectives.get("gan").d_star(P, Q, {})
    np.testing.assert_allclose(d[:4], [0.25, 5 / 6, 0.0, 1.0])
    assert math.isnan(d[4])  # undefined where neither distribution lives


def test_gan_value_at_optimal_d_is_theorem1_on_a_snapshot():
    """Thm 1: V(D*, G) by quadrature on a real snapshot equals -log 4 + 2 JS within 1e-3."""
    tr = Trainer(presets.get("figure1"))
    tr.step(30)
    s = tr.snapshot()
    dx = s.x[1] - s.x[0]
    P, Q = s.p_data * dx, s.p_g * dx
    dstar = np.clip(s.d_star, 1e-300, 1 - 1e-16)
    with np.errstate(divide="ignore", invalid="ignore"):
        v = np.nansum(np.where(P > 0, P * np.log(dstar), 0)) + np.nansum(np.where(Q > 0, Q * np.log1p(-np.nan_to_num(s.d_star)), 0))
    js = s.metrics["js"]
    assert 0.01 < js < 0.69  # an interesting moment, not the trivial ends
    assert abs(v - (-math.log(4) + 2 * js)) < 1e-3


@pytest.mark.parametrize("oid", ["gan", "nsgan"])
def test_loss_gradients_match_the_formulas(oid):
    """dV/da for real samples = 1 - sigmoid(a); for fake = -sigmoid(a); G: saturating vs -log D."""
    obj = objectives.get(oid)
    a = torch.linspace(-6, 6, 25, dtype=torch.float64, requires_grad=True)
    (gr,) = torch.autograd.grad(obj.real(a, {}).sum(), a)
    (gf,) = torch.autograd.grad(obj.fake(a, {}).sum(), a)
    (gg,) = torch.autograd.grad(obj.g(a, {}).sum(), a)
    s = torch.sigmoid(a.detach())
    torch.testing.assert_close(gr, 1 - s)
    torch.testing.assert_close(gf, -s)
    # gan: G descends log(1 - D): d/da = -s (vanishes as D(G(z)) -> 0); nsgan: -log D: d/da = s - 1
    torch.testing.assert_close(gg, -s if oid == "gan" else s - 1)
    if oid == "gan":
        assert abs(float(gg[0])) < 3e-3  # saturation: almost no gradient when D rejects the fake
    else:
        assert abs(float(gg[0])) > 0.99


def test_value_and_bound_in_the_snapshot_agree():
    tr = Trainer(presets.get("figure1"))
    tr.step(5)
    tr.step_d(300)  # D near D*: the bound approaches JS from below
    s = tr.snapshot()
    assert s.metrics["bound"] <= s.metrics["js"] + 2e-3
    assert s.metrics["bound"] > 0.5 * s.metrics["js"]
