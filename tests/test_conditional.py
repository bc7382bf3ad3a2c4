"""Conditional sampling: the toys' closed forms, GCDS on the fork, the cGAN on labelled modes.

Tolerances are what a small seeded run reaches (measured; see the closing numbers in the asserts'
messages): GCDS after 1500 iterations has conditional-mean errors of ~0.02 and conditional W1 of
~0.1-0.15 at x = −1.5, 0, 1.5 (the y range is about ±2.5); we promise ≤ 0.1 and ≤ 0.2.
"""
import math

import numpy as np
import pytest
import torch
from scipy import integrate

from gantoy.theory import conditional as C


def test_fork_closed_forms():
    toy = C.Fork()
    for x0 in (-1.7, 0.3, 1.9):
        total = integrate.quad(lambda y: toy.pdf(y, x0), -10, 10, limit=200)[0]
        mean = integrate.quad(lambda y: y * toy.pdf(y, x0), -10, 10, limit=200)[0]
        assert total == pytest.approx(1.0, abs=1e-8)
        assert toy.mean(x0) == pytest.approx(mean, abs=1e-8)
        u = np.array([0.1, 0.5, 0.9])
        assert np.allclose(toy.cdf(toy.ppf(u, x0), x0), u, atol=1e-9)
    rng = np.random.default_rng(0)
    x, y = toy.sample(200_000, rng)
    sel = np.abs(x[:, 0] - 1.5) < 0.02
    assert y[sel, 0].mean() == pytest.approx(toy.mean(1.5), abs=0.05)


def test_classes_sampling_hits_its_own_modes():
    toy = C.Classes()
    c, y = toy.sample(3000, np.random.default_rng(1))
    lab = c.argmax(1)
    for k in range(3):
        d = np.linalg.norm(y[lab == k][:, None] - toy.centers(k)[None], axis=-1).min(1) / toy.std
        assert (d <= 3).mean() > 0.97  # exact: 1 − e^(−4.5) = 0.989


def test_gcds_learns_the_fork():
    """3000 iterations. The fork's right end (x = 1.5: arms 3 apart, near the edge of X's support) is the last
    to settle: measured 2026-12-01 over seeds 0-5, mean error at x = 1.5 0.002-0.085 and W1 0.10-0.19 on five
    of them (seed 1: 0.22 / 0.27); after 1500 iterations seed 0 had 0.127 on one CPU and < 0.1 on another
    (rounding changes the path), so the test no longer sits at that edge."""
    torch.manual_seed(0)
    tr = C.CondTrainer(C.CondConfig(toy="fork", method="gcds", seed=0))
    tr.step(3000)
    for r in C.fork_report(tr):
        assert r["mean_err"] <= 0.1, r
        assert r["w1"] <= 0.2, r
        assert r["w1_floor"] < r["w1"]  # an honest floor: exact draws score lower than the generator


def test_cgan_keeps_samples_on_their_class():
    tr = C.CondTrainer(C.CondConfig(toy="classes", method="cgan", seed=0))
    tr.step(1500)  # measured: hits 1.0, 1.0, 0.94 (seed 0); 1.0, 0.95, 1.0 (seed 1)
    for r in C.class_report(tr):
        assert r["hits"] >= 0.9, r


def test_untrained_generator_fails_the_same_checks():
    """The checks can fail: an untrained generator is far from the truth."""
    tr = C.CondTrainer(C.CondConfig(toy="fork", method="gcds"))
    assert max(r["w1"] for r in C.fork_report(tr)) > 0.5
    tr = C.CondTrainer(C.CondConfig(toy="classes", method="cgan"))
    assert min(r["hits"] for r in C.class_report(tr)) < 0.5


def test_divergence_is_caught_and_state_kept():
    tr = C.CondTrainer(C.CondConfig(toy="fork", method="gcds", lr=1.0))
    done = tr.step(2000)
    assert done < 2000 and tr.paused and tr.iteration <= done   # reported as the Trainer does (core/guard.py)
    assert "loss became" in tr.status.message and "Lower the learning rate" in tr.status.message
    assert tr.step(10) == 0   # paused until resumed
    assert all(torch.isfinite(p).all() for p in tr.G.parameters())
    assert all(torch.isfinite(p).all() for p in tr.D.parameters())
    assert np.all(np.isfinite(tr.sample_given(0.0, 10)))


def test_divergence_restores_the_optimisers_too():
    """The failing step leaves Adam's moments as they were before it, not the non-finite ones."""
    tr = C.CondTrainer(C.CondConfig(toy="fork", method="gcds", lr=1.0))
    for _ in range(2000):
        before = (tr.opt_d.state_dict(), tr.opt_g.state_dict())
        tr.step(1)
        if tr.paused:
            break
    else:
        pytest.fail("lr 1.0 did not diverge")
    for opt, sd in zip((tr.opt_d, tr.opt_g), before):
        assert opt.t == sd["t"]
        for now, then in zip(opt.state, sd["state"]):
            assert all(torch.equal(now[k], then[k]) and torch.isfinite(now[k]).all() for k in then)


@pytest.mark.parametrize("kw,msg", [
    ({"toy": "moons"}, "toy: unknown"), ({"method": "vae"}, "method: unknown"), ({"hidden": 0}, "hidden"),
    ({"depth": 1.5}, "depth"), ({"lr": math.nan}, "lr"), ({"lr": 0}, "lr"), ({"ema": 1.0}, "ema"),
    ({"batch": 1}, "batch"),
])
def test_bad_configs(kw, msg):
    with pytest.raises(ValueError, match=msg):
        C.CondConfig(**kw).check()
