"""Trainer behaviour: Algorithm 1 bookkeeping, reproducibility, ensembles, the NaN guard."""
import math

import numpy as np
import pytest
import torch

from gantoy import presets
from gantoy.config import ConfigError, RunConfig
from gantoy import Trainer


def _params(tr, run):
    return [p.detach()[run].clone() for p in list(tr.G.parameters()) + list(tr.D.parameters())]


def test_same_config_and_seed_give_identical_metrics(tiny_cfg):
    a, b = Trainer(tiny_cfg), Trainer(tiny_cfg)
    a.step(30); b.step(30)
    sa, sb = a.snapshot(), b.snapshot()
    assert sa.metrics == sb.metrics
    c = Trainer(RunConfig.from_json(tiny_cfg.to_json()))  # through JSON too
    c.step(30)
    assert c.snapshot().metrics == sa.metrics


def test_chunking_does_not_change_the_result(tiny_cfg):
    a, b = Trainer(tiny_cfg), Trainer(tiny_cfg)
    a.step(20)
    for _ in range(4):
        b.step(5)
    for pa, pb in zip(_params(a, 0), _params(b, 0)):
        assert torch.equal(pa, pb)


def test_ensemble_runs_equal_single_runs(tiny_cfg):
    cfg = tiny_cfg.with_set("train.runs", 4)
    ens = Trainer(cfg)
    ens.step(50)
    for r in range(4):
        single = Trainer(tiny_cfg.with_set("train.seed", tiny_cfg.train.seed + r))
        single.step(50)
        for pe, ps in zip(_params(ens, r), _params(single, 0)):
            torch.testing.assert_close(pe, ps, rtol=0, atol=1e-4)
        me, ms = ens.snapshot(run=r).metrics, single.snapshot().metrics
        assert abs(me["js"] - ms["js"]) < 1e-4


def _assert_ensemble_equals_singles(cfgs, steps):
    """Train cfgs as one ensemble and each alone; every run's parameters agree within 1e-4."""
    ens = Trainer.from_configs(cfgs)
    ens.step(steps)
    for r, c in enumerate(cfgs):
        single = Trainer(c)
        single.step(steps)
        for pe, ps in zip(_params(ens, r), _params(single, 0)):
            torch.testing.assert_close(pe, ps, rtol=0, atol=1e-4)
    return ens


def test_heterogeneous_ensemble_equals_single_runs(tiny_cfg):
    cfgs = [tiny_cfg, tiny_cfg.with_sets({"objective.id": "nsgan", "train.lr_d": 3e-3, "train.seed": 11})]
    ens = _assert_ensemble_equals_singles(cfgs, 40)
    assert ens.snapshot(run=1).objective == "nsgan"


def test_ensemble_rejects_different_shapes(tiny_cfg):
    with pytest.raises(ConfigError, match="model: every run of an ensemble must share it"):
        Trainer.from_configs([tiny_cfg, tiny_cfg.with_set("model.hidden", 8)])


def test_step_counters_and_k(tiny_cfg):
    tr = Trainer(tiny_cfg.with_sets({"train.k": 3, "train.g_steps": 2}))
    tr.step(4)
    assert (tr.iteration, tr.d_updates, tr.g_updates) == (4, 12, 8)
    tr.step_d(5)
    assert (tr.iteration, tr.d_updates, tr.g_updates) == (4, 17, 8)
    g_before = _params(tr, 0)[0]
    d_before = [p.detach().clone() for p in tr.D.parameters()]
    tr.step_g(2)
    assert tr.g_updates == 10
    assert not torch.equal(g_before, _params(tr, 0)[0])
    assert all(torch.equal(a, b) for a, b in zip(d_before, tr.D.parameters()))  # D fixed in a G step


def test_d_step_alone_approaches_the_optimal_discriminator(tiny_cfg):
    """Proposition 1: with G fixed, D trained long enough approaches D* = p / (p + q)."""
    tr = Trainer(tiny_cfg.with_sets({"train.lr_d": 3e-3, "train.batch_size": 512}))
    before = tr.snapshot().metrics["d_star_err"]
    tr.step_d(1500)
    after = tr.snapshot().metrics["d_star_err"]
    assert after < 0.35 * before and after < 0.05, (before, after)


def test_diverging_learning_rate_pauses_and_keeps_last_good_state(tiny_cfg):
    cfg = tiny_cfg.with_sets({"train.optimizer": "sgd", "train.lr_d": 10.0, "train.lr_g": 10.0,
                              "objective.id": "lsgan"})
    tr = Trainer(cfg)
    done = tr.step(200)
    assert tr.paused and done < 200
    msg = tr.status.message
    assert "loss became" in msg and "iteration" in msg and "restored" in msg
    assert all(torch.isfinite(p).all() for p in list(tr.G.parameters()) + list(tr.D.parameters()))
    assert tr.step(5) == 0  # stays paused until resumed
    snap = tr.snapshot()
    assert math.isfinite(snap.metrics["js"])
    tr.set_lr(1e-3, 1e-3)
    tr.resume()
    assert tr.step(5) == 5


def test_sample_shapes_and_fixed_seed(tiny_cfg):
    tr = Trainer(tiny_cfg)
    a, b = tr.sample(100, seed=5), tr.sample(100, seed=5)
    assert a.shape == (100, 1) and np.array_equal(a, b)


def test_2d_snapshot_has_the_named_fields():
    cfg = presets.get("ring8").with_sets({"model.hidden": 16, "train.batch_size": 64})
    tr = Trainer(cfg)
    tr.step(5)
    s = tr.snapshot()
    assert s.dim == 2 and s.p_data.shape == s.p_g.shape == s.d.shape == (64, 64)
    for k in ("js", "kl_data_g", "kl_g_data", "tv", "hellinger2", "w1", "value", "bound", "d_star_err",
              "modes", "hq", "mode_kl"):
        assert k in s.metrics
    assert s.floors["js"] > 0 and s.floors["modes"] == 8


def test_ensemble_with_penalty_and_clipping_runs_equals_single_runs(tiny_cfg):
    """gan, wgan (clipped) and wgan-gp (penalised) side by side in one ensemble: each run is the
    single run with that objective (the penalty and the clipping touch only their own runs)."""
    cfgs = [tiny_cfg,
            tiny_cfg.with_sets({"objective.id": "wgan", "objective.params.clip": 0.05}),
            tiny_cfg.with_sets({"objective.id": "wgan-gp", "objective.params.lam": 1.0, "train.seed": 9})]
    ens = _assert_ensemble_equals_singles(cfgs, 20)
    assert max(float(p.detach()[1].abs().max()) for p in ens.D.parameters()) <= 0.05 + 1e-7
    assert max(float(p.detach()[0].abs().max()) for p in ens.D.parameters()) > 0.05


def test_step_d_to_optimum_stops_at_the_tolerance_or_the_budget():
    tr = Trainer(presets.get("figure1"))
    tr.step(100)
    before = tr.snapshot(averaged=False).metrics["d_star_err"]
    n = tr.step_d_to_optimum(tol=0.5 * before, max_steps=2000, chunk=100, averaged=False)
    after = tr.snapshot(averaged=False).metrics["d_star_err"]
    assert n % 100 == 0 and 100 <= n <= 2000 and tr.d_updates >= n
    assert after <= 0.5 * before or n == 2000
    assert tr.step_d_to_optimum(tol=1.0, max_steps=2000, chunk=50) == 50  # already within: one chunk


def test_1d_views_draw_the_generator_d_is_trained_against():
    """The figure1 preset averages G's weights (train.ema). D is trained against the live G, so the 1-D
    view (D next to D*, V(D, G)) must draw the live G by default: "Train D to optimum" then reaches D*
    early in a run (against the average it stalled at d_star_err 0.065 for 8000 D steps at iteration 50)."""
    tr = Trainer(presets.get("figure1"))
    tr.step(50)
    live, avg, default = tr.snapshot(averaged=False), tr.snapshot(averaged=True), tr.snapshot()
    assert np.array_equal(default.p_g, live.p_g) and not np.allclose(avg.p_g, live.p_g, atol=1e-3)
    n = tr.step_d_to_optimum(tol=0.02, max_steps=3000)
    assert n < 3000 and tr.snapshot().metrics["d_star_err"] <= 0.02


def test_2d_views_draw_the_weight_average():
    tr = Trainer(presets.get("ring8").with_sets({"train.batch_size": 64, "model.hidden": 16, "train.ema": 0.99}))
    tr.step(20)
    default, avg, live = tr.snapshot(), tr.snapshot(averaged=True), tr.snapshot(averaged=False)
    assert np.array_equal(default.fake, avg.fake) and not np.allclose(default.fake, live.fake)
