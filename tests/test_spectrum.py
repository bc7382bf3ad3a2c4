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
