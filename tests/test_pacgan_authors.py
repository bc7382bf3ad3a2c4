"""repro/pacgan_authors.py: the authors' grid25 setup re-implemented for a long GPU run — checked here on the CPU
for what makes it theirs: packed D inputs, simultaneous updates (ALI's ali_algorithm), G evaluated with its
batch-norm population statistics, and their mode rule next to ours."""
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


def test_one_iteration_is_simultaneous_adam_on_both_networks():
    """Both gradients are taken at the same point: G's first Adam step is -lr · sign of G's gradient through the
    *old* D (an alternating update would see the D after its step), and D's through the old G."""
    run = pa.Run(1, 2, "cpu", seed0=3)
    old = pa.Nets(1, 2, "cpu", seed0=3)          # the same initial weights (seeded by seed0)
    for a, b in zip(old.g_params() + old.d_params(), run.nets.g_params() + run.nets.d_params()):
        assert torch.equal(a, b)
    torch.manual_seed(7)
    run.step(1)
    # the same batch, by the same draws, on the untouched copy
    torch.manual_seed(7)
    S, B, m = 1, run.B, 2
    i = torch.randint(0, pa.N_TRAIN, (S, B * m))
    x = run.train[run.rows, i].view(S, B, m, 2).reshape(S, B, 2 * m)
    fake = torch.cat([old.g(torch.randn(S, B, 2), update=True) for _ in range(m)], dim=2)
    d_real, d_fake = old.d(x), old.d(fake)
    gd = torch.autograd.grad((F.softplus(-d_real) + F.softplus(d_fake)).mean(), old.d_params(), retain_graph=True)
    gg = torch.autograd.grad(F.softplus(-d_fake).mean(), old.g_params())
    for p0, p1, g in zip(old.g_params() + old.d_params(), run.nets.g_params() + run.nets.d_params(), gg + gd):
        big = g.abs() > 1e-5                      # Adam's first step is lr · g / (|g| + eps): lr · sign(g)
        step = (p1 - p0).detach()
        assert torch.allclose(step[big], -1e-4 * torch.sign(g[big]), rtol=1e-2, atol=1e-8)
    # the population statistics moved 5 % towards the batch's (their bn_updates), twice (two G calls per pack)
    assert not torch.equal(run.nets.pop_mean[0], torch.zeros_like(run.nets.pop_mean[0]))


def test_packed_inputs_and_evaluation_statistics():
    run = pa.Run(2, 3, "cpu", seed0=0)
    assert run.nets.d_w[0].shape == (2, 6, 1000)          # 3 samples of 2-D into 200 maxout units of 5 pieces
    z = torch.randn(2, 50, 2)
    with torch.no_grad():
        # population statistics: the same sample whatever else is in the batch; batch statistics: not
        a = run.nets.g(z, batch_stats=False)
        b = run.nets.g(torch.cat([z, 10 * torch.randn(2, 50, 2)], 1), batch_stats=False)[:, :50]
        assert torch.allclose(a, b)
        c = run.nets.g(z)
        d = run.nets.g(torch.cat([z, 10 * torch.randn(2, 50, 2)], 1))[:, :50]
        assert not torch.allclose(c, d)
    assert run.samples().shape == (2, pa.N_EVAL, 2)


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
