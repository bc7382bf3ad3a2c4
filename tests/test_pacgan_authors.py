"""repro/pacgan_authors.py: the authors' grid25 setup re-implemented for a long GPU run — checked here on the CPU
for what makes it theirs: packed D inputs from a fixed table read in a new order every epoch, simultaneous updates
(ALI's ali_algorithm), batch-norm population statistics as their bn_updates, G evaluated with them, seeds that do
not mix, and their mode rule next to ours."""
import importlib.util
import os

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from gantoy.measure import metrics

PATH = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "repro", "pacgan_authors.py")
spec = importlib.util.spec_from_file_location("pacgan_authors", PATH)
pa = importlib.util.module_from_spec(spec)
spec.loader.exec_module(pa)


def test_one_iteration_is_simultaneous_adam_with_their_population_statistics():
    """Both gradients are taken at the same point: G's first Adam step is -lr · sign of G's gradient through the
    *old* D (an alternating update would see the D after its step; checked to fail so), D's through the old G; the
    population statistics move 5 % towards the average of the pack's two G calls' statistics, once."""
    run = pa.Run(1, 2, "cpu", seed0=3)
    old = pa.Nets(1, 2, "cpu", seed0=3)          # the same initial weights (seeded by seed0)
    for a, b in zip(old.g_params() + old.d_params(), run.nets.g_params() + run.nets.d_params()):
        assert torch.equal(a, b)
    torch.manual_seed(7)
    run.step(1)
    assert run.it == 1 and int(run.cursor) == 1
    # the same batch (the epoch's first 100 rows of the table) and the same noise, on the untouched copy
    torch.manual_seed(7)
    S, B, m = 1, run.B, 2
    x = run.table[run.rows, run.order[:, :B]]
    fake = torch.cat([old.g(torch.randn(S, B, 2), record=True) for _ in range(m)], dim=2)
    d_real, d_fake = old.d(x), old.d(fake)
    gd = torch.autograd.grad((F.softplus(-d_real) + F.softplus(d_fake)).mean(), old.d_params(), retain_graph=True)
    gg = torch.autograd.grad(F.softplus(-d_fake).mean(), old.g_params())
    for p0, p1, g in zip(old.g_params() + old.d_params(), run.nets.g_params() + run.nets.d_params(), gg + gd):
        big = g.abs() > 1e-5                      # Adam's first step is lr · g / (|g| + eps): lr · sign(g)
        step = (p1 - p0).detach()
        assert torch.allclose(step[big], -1e-4 * torch.sign(g[big]), rtol=1e-2, atol=1e-8)
    for layer in range(4):
        means = [mu for i, mu, _ in old.batch_stats if i == layer]
        stds = [sd for i, _, sd in old.batch_stats if i == layer]
        assert len(means) == 2
        assert torch.allclose(run.nets.pop_mean[layer], 0.05 * (means[0] + means[1]) / 2, atol=1e-7)
        assert torch.allclose(run.nets.pop_std[layer], 0.95 + 0.05 * (stds[0] + stds[1]) / 2, atol=1e-6)


def test_the_data_are_a_fixed_packed_table_read_once_per_epoch():
    run = pa.Run(2, 3, "cpu", seed0=0)
    assert run.table.shape == (2, pa.N_TRAIN, 6) and run.nets.d_w[0].shape == (2, 6, 1000)
    c = torch.tensor(pa.CENTERS)
    for k in range(3):      # every slot holds data points (within 5σ of a mode), drawn independently of the others
        d = torch.cdist(run.table[:, :, 2 * k:2 * k + 2].reshape(-1, 2), c).min(1).values
        assert float(d.max()) < 5 * pa.STD
    assert not torch.equal(run.table[:, :, 0:2], run.table[:, :, 2:4])
    torch.manual_seed(0)
    run.step(2)
    first = run.order.clone()
    assert all(torch.equal(torch.sort(o).values, torch.arange(pa.N_TRAIN)) for o in first)   # a permutation
    assert int(run.cursor) == 2
    run.it = run.epoch_len          # at an epoch's end, the next step draws a new order and starts over
    run.step(1)
    assert int(run.cursor) == 1 and not torch.equal(run.order, first)


def test_seeds_do_not_mix_and_evaluation_uses_the_population_statistics():
    def one_step(change_seed1):
        run = pa.Run(2, 2, "cpu", seed0=5)
        if change_seed1:
            run.table[1] = torch.randn_like(run.table[1])
        torch.manual_seed(1)
        run.step(1)
        return run
    a, b = one_step(False), one_step(True)
    # (the step's gradients, not the weights: Adam's first step is lr · sign(g), which a change may not flip):
    # other data for seed 1 change seed 1's D gradients and nothing of seed 0's ...
    for p, q in zip(a.nets.d_params(), b.nets.d_params()):
        assert torch.equal(p.grad[0], q.grad[0]) and not torch.equal(p.grad[1], q.grad[1])
        assert torch.equal(p[0], q[0])
    # ... and no G gradient at all: in a simultaneous step G's gradient goes through the D before any update
    for p, q in zip(a.nets.g_params(), b.nets.g_params()):
        assert torch.equal(p.grad, q.grad)
    assert torch.equal(a.nets.pop_mean[0][0], b.nets.pop_mean[0][0])
    # samples() is what their GraphLogger draws: G with the population statistics, whatever the batch
    with torch.no_grad():
        z = torch.randn(2, 50, 2)
        assert torch.allclose(a.nets.g(z, batch_stats=False),
                              a.nets.g(torch.cat([z, 10 * torch.randn(2, 50, 2)], 1), batch_stats=False)[:, :50])
        assert not torch.allclose(a.nets.g(z), a.nets.g(torch.cat([z, 10 * torch.randn(2, 50, 2)], 1))[:, :50])
        assert np.allclose(a.samples(), a.nets.g(a.z_eval, batch_stats=False).numpy())
    assert not np.allclose(a.samples(), a.samples(batch_stats=True))
    assert a.samples().shape == (2, pa.N_EVAL, 2)


def test_the_command_trains_saves_and_evaluates_on_the_cpu(tmp_path, capsys):
    """More checkpoints than iterations: each iteration once, no checkpoint at 0; --evaluate prints both rules."""
    assert pa.main(["--cpu", "--seeds", "2", "--iters", "3", "--checkpoints", "8", "--out", str(tmp_path)]) == 0
    z = np.load(tmp_path / "pack2.npz")
    assert list(z["iterations"]) == [1, 2, 3] and z["samples"].shape == (3, 2, pa.N_EVAL, 2)
    assert z["samples_batch_stats"].shape == z["samples"].shape and str(z["mode"]) == "eager"
    capsys.readouterr()
    assert pa.main(["--evaluate", str(tmp_path / "pack2.npz")]) == 0
    out = capsys.readouterr().out
    assert "| 3 | population |" in out and "| 3 | batch |" in out and "last, per seed" in out


def test_their_rule_and_ours_on_samples_with_a_known_answer():
    """Exact samples of 24 of the 25 modes plus a lone point on the 25th: theirs counts 25, ours 24."""
    rng = np.random.default_rng(0)
    c = np.array(pa.CENTERS)
    smp = c[rng.integers(0, 24, pa.N_EVAL - 1)] + pa.STD * rng.standard_normal((pa.N_EVAL - 1, 2))
    smp = np.vstack([smp, c[24]])[None]
    r = pa.stats(smp)[0]
    assert (r["modes"], r["modes_pub"]) == (24, 25) and r["hq"] == pytest.approx(1.0, abs=0.01)
    assert pa.summary(smp).startswith("modes (≥ 1) 25.0/25")
    assert metrics.min_count_for(25) == 10
