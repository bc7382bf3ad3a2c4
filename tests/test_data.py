"""Oracle tests for the data distributions: scipy.stats densities, quadrature, moments."""
import numpy as np
import pytest
import torch
from scipy import integrate, stats

from gantoy import data
from gantoy.config import DataConfig


def test_mixture_pdf_matches_scipy_and_integrates_to_one_1d():
    m = data.Mixture([-1.0, 2.0], [0.3, 0.8], [0.25, 0.75])
    x = np.linspace(-4, 6, 101)
    ref = 0.25 * stats.norm(-1, 0.3).pdf(x) + 0.75 * stats.norm(2, 0.8).pdf(x)
    np.testing.assert_allclose(m.pdf(x), ref, rtol=1e-12, atol=1e-15)
    total, _ = integrate.quad(lambda t: m.pdf(np.array([t]))[0], -12, 14, points=[-1, 2], limit=200)
    assert abs(total - 1) < 1e-8
    np.testing.assert_allclose(m.cdf(x), 0.25 * stats.norm(-1, 0.3).cdf(x) + 0.75 * stats.norm(2, 0.8).cdf(x), atol=1e-12)
    u = np.array([1e-4, 0.1, 0.5, 0.9, 0.9999])
    np.testing.assert_allclose(m.cdf(m.ppf(u)), u, atol=1e-9)


def test_mixture_pdf_2d_matches_scipy_and_integrates_to_one():
    m = data.Mixture([[0.0, 0.0], [1.0, -1.0]], [0.5, 0.2], [0.4, 0.6])
    pts = np.random.default_rng(0).normal(size=(50, 2))
    ref = 0.4 * stats.multivariate_normal([0, 0], 0.25 * np.eye(2)).pdf(pts) + \
        0.6 * stats.multivariate_normal([1, -1], 0.04 * np.eye(2)).pdf(pts)
    np.testing.assert_allclose(m.pdf(pts), ref, rtol=1e-10)
    total, _ = integrate.dblquad(lambda y, x: m.pdf(np.array([[x, y]]))[0], -5, 5, -5, 5, epsabs=1e-10)
    assert abs(total - 1) < 1e-6


def test_cell_masses_sum_to_one_and_match_quadrature():
    m = data.Mixture([[0.0, 0.0]], [0.05], [1.0])
    ex = np.linspace(-0.3, 0.3, 7)
    cm = m.cell_mass((ex, ex))
    assert abs(cm.sum() - 1) < 1e-6
    q, _ = integrate.dblquad(lambda y, x: m.pdf(np.array([[x, y]]))[0], ex[2], ex[3], ex[3], ex[4])
    assert abs(cm[2, 3] - q) < 1e-9


def test_datasets_follow_the_references():
    ring = data.make(DataConfig(name="ring8"))
    r = np.linalg.norm(ring.means, axis=1)
    np.testing.assert_allclose(r, 2.0)
    ang = np.sort(np.mod(np.arctan2(ring.means[:, 1], ring.means[:, 0]), 2 * np.pi))
    np.testing.assert_allclose(np.diff(ang), 2 * np.pi / 8, atol=1e-12)  # 8 distinct, equally spaced
    assert np.all(ring.stds == 0.02)
    grid = data.make(DataConfig(name="grid25"))
    assert len(grid.means) == 25 and set(np.unique(grid.means)) == {-4.0, -2.0, 0.0, 2.0, 4.0}
    assert np.all(grid.stds == 0.05)
    bi = data.make(DataConfig(name="bimodal1d"))
    np.testing.assert_allclose(bi.means[:, 0], [-2, 2])
    tri = data.make(DataConfig(name="trimodal1d"))
    np.testing.assert_allclose(tri.means[:, 0], [-3, 0, 3])
    np.testing.assert_allclose(tri.stds, 0.4)


@pytest.mark.parametrize("name", list(data.DATASETS))
def test_every_data_set_samples_its_own_density(name):
    """Every named data set (the recipe "add a data set" needs no test of its own): the numpy and the
    per-run torch samplers agree, the cell masses sum to one over the data's box, and a big histogram of
    the torch samples matches those masses (TV on a 40-cell-per-axis grid, within its sampling noise)."""
    dist = data.make(DataConfig(name=name))
    n = 200_000
    xs = dist.sample(n, seed=1)
    xt = dist.sample_torch(n, torch.Generator().manual_seed(1)).numpy().astype(np.float64)
    assert xs.shape == xt.shape == (n, dist.dim)
    np.testing.assert_allclose(xt.mean(0), xs.mean(0), atol=0.02)
    np.testing.assert_allclose(xt.std(0), xs.std(0), rtol=0.02)
    lo, hi = dist.bounds(pad=6.0)
    if dist.dim == 1:
        edges = np.linspace(lo[0], hi[0], 41)
        cm = dist.cell_mass(edges)
        h, _ = np.histogram(xt[:, 0], bins=edges)
    else:
        edges = (np.linspace(lo[0], hi[0], 41), np.linspace(lo[1], hi[1], 41))
        cm = dist.cell_mass(edges)
        h, _, _ = np.histogram2d(xt[:, 0], xt[:, 1], bins=edges)
    assert abs(cm.sum() - 1) < 1e-6
    # a histogram of n exact samples is off by E|h/n − p| = sqrt(2p(1 − p)/(πn)) per cell: allow 1.5 times that
    noise = 0.5 * np.sum(np.sqrt(2 * cm * (1 - cm) / (np.pi * n)))
    assert 0.5 * np.abs(cm - h / n).sum() < 1.5 * noise + 1e-3, (0.5 * np.abs(cm - h / n).sum(), noise)
    if getattr(dist, "centers", None) is not None:
        x, labels = dist.sample(2000, seed=0, return_labels=True)
        d = np.linalg.norm(x - dist.means[labels], axis=1) / dist.stds[labels]
        assert np.mean(d < 4) > 0.99  # labels name the component that drew the sample


def test_swissroll_density_matches_its_samples():
    sr = data.make(DataConfig(name="swissroll"))
    ex = np.linspace(-2.2, 2.2, 23)
    cm = sr.cell_mass((ex, ex))
    h, _, _ = np.histogram2d(*sr.sample(200000, seed=3).T, bins=[ex, ex])
    assert np.abs(cm - h / 200000).sum() < 0.02  # TV between the density's cells and a big histogram


def test_empirical_data_kde_density():
    pts = np.random.default_rng(0).normal(1.0, 0.5, size=500)
    e = data.EmpiricalData(pts)
    kde = stats.gaussian_kde(pts)
    x = np.linspace(-1, 3, 9)
    np.testing.assert_allclose(e.pdf(x), kde(x), rtol=1e-12)
    assert abs(e.cdf(np.array([50.0]))[0] - 1) < 1e-12
    s = e.sample_torch(20000, torch.Generator().manual_seed(0)).numpy()
    assert abs(s.mean() - pts.mean()) < 0.02
    assert abs(s.var() - (pts.var() + kde.covariance[0, 0])) < 0.03


def test_empirical_quantiles_invert_the_kde_cdf_and_feed_a_snapshot():
    from gantoy import presets
    from gantoy import Trainer

    pts = np.random.default_rng(1).normal(0.5, 0.7, size=300)
    e = data.EmpiricalData(pts)
    u = np.array([1e-4, 0.05, 0.5, 0.95, 0.9999])
    np.testing.assert_allclose(e.cdf(e.ppf(u)), u, atol=1e-9)
    cfg = presets.get("figure1").with_sets({"data.name": "custom", "data.points": pts.tolist(),
                                             "data.means": [], "data.stds": [], "data.weights": []})
    s = Trainer(cfg).snapshot()
    assert np.isfinite(s.metrics["w1"]) and s.metrics["w1"] > 0
