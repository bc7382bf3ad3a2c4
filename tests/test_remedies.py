"""Mode-collapse remedies and per-run k: each computation is what its paper says.

* Unrolled D (Metz et al. 2017): with K = 0 G's loss is the plain one; an unrolled step is exactly
  D's optimiser step; G's gradient is the derivative of f(θ_G, θ_D^K(θ_G)) — checked against central
  finite differences in float64 — and differs from the first-order ("no gradient through the
  unrolled steps") gradient.
* PacGAN (Lin et al. 2018): pack m = 1 is no packing; m = 2 feeds D consecutive pairs; with G fixed,
  D trained on packs approaches the packed optimum p^m / (p^m + q^m).
* Runs with different k in one ensemble equal their single runs (per-run masks and Adam step counts).
"""
import numpy as np
import pytest
import torch

from gantoy.config import ConfigError
from gantoy import Trainer


def _params(tr, run):
    return [p.detach()[run].clone() for p in list(tr.G.parameters()) + list(tr.D.parameters())]


# ---- unrolled D ------------------------------------------------------------------------------------
def _double_trainer(cfg):
    tr = Trainer(cfg)
    tr.step_d(5)  # non-trivial optimiser moments (in float32, before the switch to float64)
    tr.G.double()
    tr.D.double()
    return tr


def _unrolled_g_loss(tr, gparams, z, real, K, first_order=False):
    """G's loss through K unrolled D steps, with G's parameters given explicitly."""
    fake = tr._packed(tr.G(z, params=gparams))
    tr._real = lambda n, active=None: real  # the unrolled steps' real batch, fixed for the check
    params = tr._unrolled_d(fake.detach() if first_order else fake, K, 1.0) if K else None
    a = tr.D(fake, params=params)
    obj, prm = tr.objective(0)
    return obj.g(a, prm).mean()


@pytest.mark.parametrize("optimizer", ["sgd", "adam"])
def test_unrolled_gradient_is_the_total_derivative(tiny_cfg, optimizer):
    cfg = tiny_cfg.with_sets({"train.unroll": 3, "train.optimizer": optimizer, "train.lr_d": 0.05,
                              "train.batch_size": 32})
    tr = _double_trainer(cfg)
    g = torch.Generator().manual_seed(0)
    z = torch.randn(1, 32, 1, generator=g, dtype=torch.float64)
    real = 1.0 + 0.5 * torch.randn(1, 32, 1, generator=g, dtype=torch.float64)
    theta = [p.detach().clone().requires_grad_(True) for p in tr.G.parameters()]
    loss = _unrolled_g_loss(tr, theta, z, real, 3)
    grads = torch.autograd.grad(loss, theta)
    u = [torch.randn(p.shape, generator=g, dtype=torch.float64) for p in theta]
    analytic = sum(float((gr * d).sum()) for gr, d in zip(grads, u))
    eps = 1e-6
    with torch.enable_grad():
        plus = float(_unrolled_g_loss(tr, [t.detach() + eps * d for t, d in zip(theta, u)], z, real, 3).detach())
        minus = float(_unrolled_g_loss(tr, [t.detach() - eps * d for t, d in zip(theta, u)], z, real, 3).detach())
    numeric = (plus - minus) / (2 * eps)
    assert abs(analytic - numeric) <= 1e-6 * max(1.0, abs(numeric)), (analytic, numeric)
    # the gradient really flows through the unrolled steps: dropping that path changes it
    theta1 = [p.detach().clone().requires_grad_(True) for p in tr.G.parameters()]
    g1 = torch.autograd.grad(_unrolled_g_loss(tr, theta1, z, real, 3, first_order=True), theta1)
    first = sum(float((gr * d).sum()) for gr, d in zip(g1, u))
    assert abs(first - analytic) > 100 * abs(analytic - numeric) + 1e-6, (first, analytic)


def test_unroll_zero_is_the_plain_loss_and_one_step_is_ds_own_step(tiny_cfg):
    cfg = tiny_cfg.with_sets({"train.unroll": 1, "train.lr_d": 0.01})
    tr = Trainer(cfg)
    tr.step(3)
    fake = tr._packed(tr.G(tr._noise(64)))
    assert tr._unrolled_d(fake, 0, 1.0) == list(tr.D.parameters())  # K = 0: D's own parameters
    # K = 1 gives the parameters D's optimiser step would give on the same batch (Adam moments and all)
    real = tr._packed(tr._real(64))
    tr._real = lambda n, active=None: real
    look = [p.detach() for p in tr._unrolled_d(fake.detach(), 1, 1.0)]
    tr.opt_d.zero_grad()
    tr._d_loss(real, fake.detach()).sum().backward()
    tr.opt_d.step(1.0)
    for a, b in zip(look, tr.D.parameters()):
        torch.testing.assert_close(a, b.detach(), rtol=1e-5, atol=1e-7)


def test_unrolled_training_runs_and_rejects_wgan(tiny_cfg):
    tr = Trainer(tiny_cfg.with_set("train.unroll", 5))
    assert tr.step(20) == 20 and not tr.paused
    assert tr.d_updates == 20  # unrolled steps are look-ahead only; D's own steps are k per iteration
    with pytest.raises(ConfigError, match="train.unroll"):
        tiny_cfg.with_sets({"objective.id": "wgan-gp", "train.unroll": 2})


# ---- PacGAN ----------------------------------------------------------------------------------------
def test_pack_one_is_no_packing_and_two_feeds_consecutive_pairs(tiny_cfg):
    tr1 = Trainer(tiny_cfg)
    x = torch.arange(12.0).reshape(1, 12, 1)
    assert torch.equal(tr1._packed(x), x) and tr1.D.sizes[0] == 1
    tr2 = Trainer(tiny_cfg.with_set("train.pack", 2))
    assert tr2.D.sizes[0] == 2
    assert tr2._packed(x)[0].tolist() == [[0, 1], [2, 3], [4, 5], [6, 7], [8, 9], [10, 11]]
    # pack = 1 trains exactly like a config that never heard of packing
    d = tiny_cfg.to_dict()
    del d["train"]["pack"]
    from gantoy.config import RunConfig
    a, b = Trainer(RunConfig.from_dict(d)), Trainer(tiny_cfg.with_set("train.pack", 1))
    a.step(10)
    b.step(10)
    assert all(torch.equal(p, q) for p, q in zip(_params(a, 0), _params(b, 0)))


def test_packed_d_approaches_the_packed_optimum(tiny_cfg):
    """With G fixed, D on packs of 2 approaches D* = p²/(p² + q²) on the diagonal (x, x)."""
    tr = Trainer(tiny_cfg.with_sets({"train.pack": 2, "train.lr_d": 3e-3, "train.batch_size": 512}))
    s0 = tr.snapshot()
    assert "pack (x, …, x) of 2" in s0.d_label
    tr.step_d(1500)
    s = tr.snapshot()
    assert s.metrics["d_star_err"] < 0.35 * s0.metrics["d_star_err"] and s.metrics["d_star_err"] < 0.06
    assert abs(s.metrics["value"]) < 10 and s.metrics["value"] == s.metrics["value"]


def test_pack_works_in_2d_with_penalty(tiny_cfg):
    from gantoy import presets

    cfg = presets.get("ring8").with_sets({"model.hidden": 16, "train.batch_size": 64, "train.pack": 3,
                                          "objective.id": "wgan-gp", "objective.params.lam": 0.1})
    tr = Trainer(cfg)
    assert tr.step(5) == 5
    s = tr.snapshot()
    m = s.metrics
    assert s.d.shape == (64, 64) and np.isfinite(s.d).all() and s.d_star is None   # a critic: no D*
    assert np.isfinite(m["value"]) and np.isfinite(m["w1"]) and m["w1"] > 0
    assert isinstance(m["modes"], int) and 0 <= m["modes"] <= 8 and 0 <= m["hq"] <= 1


# ---- per-run k -------------------------------------------------------------------------------------
def test_runs_with_different_k_equal_their_single_runs(tiny_cfg):
    cfgs = [tiny_cfg,
            tiny_cfg.with_sets({"objective.id": "nsgan", "train.k": 3, "train.seed": 5}),
            tiny_cfg.with_sets({"objective.id": "wgan-gp", "objective.params.lam": 1.0, "train.k": 2}),
            tiny_cfg.with_sets({"train.k": 0, "train.g_steps": 1, "train.lr_g": 3e-3})]
    ens = Trainer.from_configs(cfgs)
    ens.step(15)
    for r, c in enumerate(cfgs):
        single = Trainer(c)
        single.step(15)
        for pe, ps in zip(_params(ens, r), _params(single, 0)):
            torch.testing.assert_close(pe, ps, rtol=0, atol=1e-4)
        assert abs(ens.snapshot(run=r).metrics["js"] - single.snapshot().metrics["js"]) < 1e-4


# ---- R1 (Mescheder et al. 2018): (γ/2)·E_data‖∇_x a(x)‖² added to D's loss -------------------------
def test_r1_penalty_matches_autograd_and_is_per_run():
    import torch

    from gantoy import presets
    from gantoy import Trainer

    base = presets.get("ring8")
    base.train.batch_size = 64
    with_r1 = base.copy()
    with_r1.objective.params = {"r1": 2.0}
    tr = Trainer.from_configs([base, with_r1])
    real = tr._real(64)
    pen = tr._penalties(real, real)
    assert float(pen[0].detach()) == 0.0
    # run 1 alone, by hand: (γ/2) mean ‖∇_x a‖² on the same real batch
    x = real[1:2].detach().clone().requires_grad_(True)
    a = tr.D(x, runs=[1])
    (g,) = torch.autograd.grad(a.sum(), x)
    assert float(pen[1].detach()) == pytest.approx(float(0.5 * 2.0 * (g**2).sum(2).mean()), rel=1e-5)
    tr.step(3)
    assert np.isfinite(tr.snapshot(run=1).metrics["js"])


def test_r1_is_refused_with_unrolling_and_for_other_objectives():
    from gantoy import presets
    cfg = presets.get("ring8")
    cfg.objective.params = {"r1": 1.0}
    cfg.train.unroll = 3
    with pytest.raises(ConfigError, match="R1 penalty is not unrolled"):
        cfg.validate()
    cfg = presets.get("ring8")
    cfg.objective.id = "wgan-gp"
    cfg.objective.params = {"r1": 1.0}
    with pytest.raises(ConfigError, match="unknown parameter for 'wgan-gp'"):
        cfg.validate()


def test_r1_is_an_optional_parameter_links_and_files_carry():
    from gantoy import presets
    from gantoy.lessons import links

    lesson, cfg, _, warns = links.decode({"lesson": "ring8", "objective.params.r1": "1.5"}, "ring8")
    assert not warns and cfg.objective.params == {"r1": 1.5}
    assert links.canonical(presets.get("ring8")).objective.params == {}  # not spelled out when unset
    assert links.decode(links.encode(cfg, "ring8"), "ring8")[1] == cfg
