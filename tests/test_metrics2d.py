"""Honest 2-D estimates (issue 4): accuracy against known truths at the live sample size, W1 against
closed forms, noise floors, mode statistics, and KL reported as infinite where p_g has empty cells."""
import json
import math

import numpy as np
import pytest

from gantoy import data as data_mod, metrics, presets
from gantoy.config import DataConfig
from gantoy.measure.estimate2d import N_LIVE, N_W1, base_views, estimate, floors_2d
from gantoy import Trainer

RING = data_mod.make(DataConfig(name="ring8"))
GRID = data_mod.make(DataConfig(name="grid25"))


def _close(got, want, key):
    tol = max(0.05 * abs(want), 0.01)
    assert abs(got - want) <= tol, (key, got, want)


@pytest.mark.parametrize("P,wq", [
    (RING, np.array([0.25, 0, 0.25, 0, 0.25, 0, 0.25, 0])),          # collapse onto half the modes
    (RING, np.array([0.3, 0.2, 0.1, 0.1, 0.1, 0.1, 0.05, 0.05])),   # unbalanced coverage
    (GRID, np.random.default_rng(0).dirichlet(np.full(25, 5.0))),
])
def test_divergence_estimates_match_the_truth_at_the_live_sample_size(P, wq):
    """Q reweights P's modes, so the likelihood ratio is constant on each mode and the exact
    divergences are those of the mode weights (the fine-grid truth equals them)."""
    Q = data_mod.Mixture(P.means, P.stds, wq)
    truth = metrics.divergences_masses(P.weights, wq)
    m, _ = estimate(P, Q.sample(N_LIVE, seed=1), base_views(P))
    for key, tkey in (("js", "js"), ("kl_g_data", "kl_qp"), ("tv", "tv"), ("hellinger2", "hellinger2")):
        _close(m[key], truth[tkey], key)
    if np.any(wq == 0):
        assert m["kl_data_g"] == math.inf  # p_g has empty cells where p_data has mass: infinite, not clipped


def test_fine_grid_truth_for_broad_mixtures():
    """Shapes, not only weights: broad 2-D mixtures against the fine-grid (quadrature) truth from both
    closed-form densities."""
    P = data_mod.Mixture([[0.0, 0.0], [2.0, 1.0]], [0.6, 0.5], [0.5, 0.5])
    Q = data_mod.Mixture([[0.3, 0.0], [1.5, 1.5]], [0.8, 0.5], [0.6, 0.4])
    g = np.linspace(-6, 7, 1301)
    xx, yy = np.meshgrid(g, g, indexing="ij")
    pts = np.stack([xx.ravel(), yy.ravel()], 1)
    dx = (g[1] - g[0]) ** 2
    truth = metrics.divergences(P.pdf(pts), Q.pdf(pts), dx)
    m, _ = estimate(P, Q.sample(N_LIVE, seed=2), base_views(P))
    for key, tkey in (("js", "js"), ("tv", "tv"), ("hellinger2", "hellinger2")):
        _close(m[key], truth[tkey], key)


@pytest.mark.parametrize("shift", [2.0, 3.0])
def test_w1_of_a_translation_is_its_length(shift):
    a = RING.sample(N_W1, seed=3)
    b = RING.sample(N_W1, seed=4) + np.array([shift * 0.6, shift * 0.8])
    assert abs(metrics.w1_samples_2d(a, b) - shift) <= 0.05 * shift


@pytest.mark.parametrize("P,shift", [(RING, 2.0), (RING, 3.0), (GRID, 2.0), (GRID, 3.0)])
def test_live_w1_of_a_translation_is_its_length(P, shift):
    """The live estimator (N_W1 generator samples against p_data's atoms): W1(P, P + t) = |t|."""
    fake = P.sample(N_LIVE, seed=5) + np.array([shift * 0.6, shift * 0.8])
    m, _ = estimate(P, fake, base_views(P))
    assert abs(m["w1"] - shift) <= 0.05 * shift


def test_live_w1_small_shifts_sit_on_the_noise_floor():
    """Below the floor the sample estimate is biased up by about the floor (documented, shown in the UI);
    the quantisation of p_data can lower it by at most w1_quant_err."""
    v = base_views(RING)
    floor = floors_2d(json.dumps(DataConfig(name="ring8").__dict__, sort_keys=True))["w1"]
    est, _ = estimate(RING, RING.sample(N_LIVE, seed=4) + np.array([0.5, 0]), v)
    assert 0.5 - v["w1_quant_err"] < est["w1"] < 0.5 + 2 * floor


def test_w1_to_atoms_is_exact_ot_and_quantize_bounds_its_error():
    rng = np.random.default_rng(1)
    a, b = rng.normal(size=(60, 2)), rng.normal(size=(60, 2)) + 0.5
    # atoms = equal-weight samples: the same problem as sample-to-sample OT
    assert metrics.w1_to_atoms(a, b, np.full(60, 3.0)) == pytest.approx(metrics.w1_samples_2d(a, b), rel=1e-12)
    pts = RING.sample(3000, seed=2)
    atoms, w, err = metrics.quantize(pts, 100, seed=0)
    assert len(atoms) <= 100 and w.sum() == pytest.approx(1.0) and np.all(w > 0)
    # the plan "each point to its atom" costs err, so the optimum over all points is at most err
    assert metrics.w1_to_atoms(pts, atoms, w) <= err + 1e-12


def test_live_w1_floor_shrinks_with_the_sample_size():
    v = base_views(RING)
    mean = {n: np.mean([metrics.w1_to_atoms(RING.sample(n, seed=s), v["w1_atoms"], v["w1_weights"])
                        for s in range(4)]) for n in (100, N_W1, 2000)}
    assert mean[100] > mean[N_W1] > mean[2000] > 0, mean


def test_sliced_w1_of_a_translation():
    rng = np.random.default_rng(0)
    a = rng.normal(size=(4000, 2))
    b = a + np.array([1.0, 0.0])
    assert metrics.sliced_w1(a, b, n_projections=400) == pytest.approx(2 / math.pi, rel=0.05)
    assert metrics.sliced_w1(a, b, n_projections=400) <= metrics.w1_samples_2d(a[:500], b[:500])


def test_noise_floors_are_positive_and_shrink_with_n():
    key = json.dumps(DataConfig(name="ring8").__dict__, sort_keys=True)
    f = {n: floors_2d(key, n) for n in (2000, 10000, 50000)}
    for k in ("js", "tv", "hellinger2", "kl_g_data"):
        assert f[2000][k] > f[10000][k] > f[50000][k] > 0, (k, [f[n][k] for n in f])
    assert f[10000]["modes"] == 8
    assert f[10000]["hq"] == pytest.approx(1 - math.exp(-4.5), abs=0.01)


def test_snapshot_exposes_floors_for_every_metric():
    tr = Trainer(presets.get("grid25").with_sets({"model.hidden": 16}))
    s = tr.snapshot()
    for k in ("js", "kl_data_g", "kl_g_data", "tv", "hellinger2", "w1", "modes", "hq", "mode_kl"):
        assert k in s.floors and k in s.metrics
    assert s.floors["js"] > 0 and s.floors["modes"] == 25


def test_exact_ring8_samples_cover_all_modes():
    s = metrics.mode_stats(RING.sample(2500, seed=0), RING.centers, RING.stds, min_count=30)
    assert s["modes"] == 8 and s["hq"] == pytest.approx(1 - math.exp(-4.5), abs=0.01)
    assert s["mode_kl"] < 0.01
