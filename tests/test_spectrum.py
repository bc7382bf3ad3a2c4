"""The real networks' spectrum (theory/spectrum.py): eigenvalues of the game's field Jacobian at a training state,
against a finite-difference Jacobian on a tiny smooth network; the Arnoldi path against the exact one."""
import numpy as np
import pytest
import torch

from gantoy import Trainer
from gantoy.lessons import presets
from gantoy.theory import spectrum as SP


def tiny(**sets):
    cfg = presets.get("figure1").with_sets({"model.hidden": 4, "model.d_hidden": 4, "model.g_activation": "tanh",
                                            "model.activation": "tanh", "train.steps": 50, **sets})
    tr = Trainer(cfg)
    tr.step(30)       # away from the initial state, where nothing is special
    return tr


def fd_jacobian(gf, eps=1e-6):
    theta = gf.theta.clone()
    cols = []
    for i in range(gf.n):
        e = torch.zeros_like(theta)
        e[i] = eps
        cols.append((gf.field(theta + e) - gf.field(theta - e)).detach().numpy() / (2 * eps))
    return np.stack(cols, axis=1)


def sorted_ev(ev):
    ev = np.asarray(ev)
    return ev[np.lexsort((np.round(ev.imag, 6), np.round(ev.real, 6)))]


def test_eigenvalues_match_a_finite_difference_jacobian_on_a_tiny_network():
    tr = tiny()
    gf = SP.GameField(tr)
    res = SP.spectrum(tr)
    assert res["exact"] and res["n"] == gf.n < 100
    J = fd_jacobian(gf)
    fd = np.linalg.eigvals(J)
    assert np.abs(J).max() > 1e-3           # a field that is not flat: the comparison can fail
    # the same multiset of eigenvalues: each exact one has a finite-difference partner within 1e-5
    for lam in res["eigenvalues"]:
        assert np.abs(fd - lam).min() < 1e-5 * max(1.0, abs(lam)), lam
    assert np.allclose(sorted(np.abs(res["eigenvalues"])), sorted(np.abs(fd)), atol=1e-5)


def test_arnoldi_finds_the_largest_eigenvalues_of_the_exact_spectrum(monkeypatch):
    tr = tiny(**{"model.hidden": 8, "model.d_hidden": 8})
    exact = SP.spectrum(tr)
    monkeypatch.setattr(SP, "EXACT_LIMIT", 10)
    approx = SP.spectrum(tr, k=6)
    assert not approx["exact"] and len(approx["eigenvalues"]) == 6
    top = np.sort(np.abs(exact["eigenvalues"]))[::-1][:6]
    assert np.allclose(np.sort(np.abs(approx["eigenvalues"]))[::-1], top, rtol=1e-5)


def test_a_lesson_sized_network_uses_arnoldi_and_says_so():
    tr = Trainer(presets.get("figure1"))
    res = SP.spectrum(tr, k=4)
    assert res["n"] > SP.EXACT_LIMIT and not res["exact"] and len(res["eigenvalues"]) == 4
    assert np.all(np.isfinite(res["eigenvalues"]))


def test_stability_disc_of_plain_gradient_steps():
    assert SP.gd_stable([-1.0, -0.5 + 0.1j], 0.5)
    assert not SP.gd_stable([0.01j], 0.1)           # a pure rotation: |1 + hλ| > 1, spirals out
    assert not SP.gd_stable([-1.0], 2.5)            # overshoots: |1 − 2.5| > 1


def test_packed_and_2d_runs_are_refused_with_a_reason():
    with pytest.raises(ValueError, match="1-D"):
        SP.GameField(Trainer(presets.get("ring8")))


def _losses(gf, theta):
    """(V, L_G) of the expected game at ``theta``, by the same quadrature, written out here (not the field)."""
    gp, dp = gf._split(theta)
    fake = gf.tr.G(gf.z, params=gp)
    a_fake, a_real = gf.tr.D(fake, params=dp)[0, :, 0], gf.tr.D(gf.x, params=dp)[0, :, 0]
    v = (gf.p * gf.obj.real(a_real, gf.prm)).sum() + (gf.wz * gf.obj.fake(a_fake, gf.prm)).sum()
    return float(v), float((gf.wz * gf.obj.g(a_fake, gf.prm)).sum())


def test_the_field_moves_g_down_its_loss_and_d_up_the_value():
    """F = (−∇_G L_G, +∇_D V): a small step along F's G half lowers G's loss, along its D half raises V — at
    the first order, by |F_half|² times the step."""
    tr = tiny()
    gf = SP.GameField(tr)
    f = gf.field(gf.theta.clone()).detach()
    eps = 1e-4
    v0, l0 = _losses(gf, gf.theta)
    fg, fd = f.clone(), f.clone()
    fg[gf.n_g:], fd[:gf.n_g] = 0, 0
    _, l1 = _losses(gf, gf.theta + eps * fg)
    v1, _ = _losses(gf, gf.theta + eps * fd)
    assert l1 - l0 == pytest.approx(-eps * float((fg ** 2).sum()), rel=1e-2)
    assert v1 - v0 == pytest.approx(eps * float((fd ** 2).sum()), rel=1e-2)


def test_each_players_step_scales_its_rows():
    """steps=(h_G, h_D): the eigenvalues of diag(h)·J (against a finite-difference J scaled by hand)."""
    tr = tiny()
    gf = SP.GameField(tr)
    J = fd_jacobian(gf)
    h = np.r_[np.full(gf.n_g, 1e-3), np.full(gf.n - gf.n_g, 2e-3)]
    want = np.linalg.eigvals(h[:, None] * J)
    got = SP.spectrum(tr, steps=(1e-3, 2e-3))["eigenvalues"]
    for mu in got:
        assert np.abs(want - mu).min() < 1e-7, mu
    assert SP.gd_stable(got) == bool(np.all(np.abs(1 + want) < 1))


def test_penalised_runs_are_refused_with_the_penalty_named():
    cfg = presets.get("figure1").with_sets({"objective.params.r1": 1.0})
    with pytest.raises(ValueError, match="r1"):
        SP.spectrum(Trainer(cfg))
