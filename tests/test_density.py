"""Oracles for the exact 1-D push-forward (REFERENCES.md §5) and the 2-D grid estimators."""
import numpy as np
import pytest
import torch
from scipy import stats

from gantoy.density import (edges_from_centres, hist2d_masses, kde2d_masses, pushforward_1d, pushforward_from_values,
                            pushforward_masses)

X = np.linspace(-4, 4, 801) + 0.005  # cell centres, dx = 0.01
E = edges_from_centres(X)
DX = X[1] - X[0]


def _cell_avg(cdf):
    return np.diff(cdf(E)) / DX


def test_affine_map_of_uniform_noise_is_uniform():
    a, b = 1.5, -0.7
    p = pushforward_1d(lambda z: a * z + b, "uniform", X)
    np.testing.assert_allclose(p, _cell_avg(stats.uniform(b, a).cdf), atol=1e-5)  # G runs in float32


def test_negative_slope_is_handled():
    p = pushforward_1d(lambda z: -2 * z + 1, "uniform", X)  # U[-1, 1]
    np.testing.assert_allclose(p, _cell_avg(stats.uniform(-1, 2).cdf), atol=1e-5)


def test_probit_map_of_uniform_noise_is_gaussian():
    mu, s = 0.5, 0.8
    g = lambda z: mu + s * torch.special.ndtri(z.double().clamp(1e-12, 1 - 1e-12)).float()
    p = pushforward_1d(g, "uniform", X)
    ref = _cell_avg(stats.norm(mu, s).cdf)
    assert np.abs(p - ref).max() < 2e-3          # density units (peak 0.5)
    assert 0.5 * np.abs(p - ref).sum() * DX < 1e-3  # total variation


def test_affine_map_of_normal_noise_is_gaussian_including_tails():
    p = pushforward_1d(lambda z: 1.0 - 0.6 * z, "normal", X)
    ref = _cell_avg(stats.norm(1.0, 0.6).cdf)
    assert np.abs(p - ref).max() < 1e-3  # density units, peak 0.66: segments are linear in z, not in x
    assert 0.5 * np.abs(p - ref).sum() * DX < 1e-4
    masses, left, right, _ = pushforward_masses(lambda z: 1.0 - 0.6 * z, "normal", E)
    assert abs(left - stats.norm(1.0, 0.6).cdf(E[0])) < 1e-9
    assert abs(right - stats.norm(1.0, 0.6).sf(E[-1])) < 1e-6
    assert abs(masses.sum() + left + right - 1) < 1e-9


def test_a_smooth_map_of_normal_noise_is_smooth_in_its_tails():
    """G(z) = 0.3 z + 0.05 z³ on N(0, 1): p_g(x) = φ(z)/G'(z) at z = G⁻¹(x). In the tails a quantile segment spans
    many cells; spread evenly, it drew a staircase (9 % off where p_g > 1e-3, 44 % where > 1e-4), split along
    G's cubic interpolant it follows the density."""
    from scipy import optimize

    G = lambda z: 0.3 * z + 0.05 * z ** 3
    zinv = np.array([optimize.brentq(lambda z: G(z) - e, -50, 50) for e in E])
    ref = np.diff(stats.norm.cdf(zinv)) / DX
    p = pushforward_1d(lambda z: G(z.double()).float(), "normal", X)
    rel = np.abs(p - ref) / ref
    assert rel[ref > 1e-3].max() < 0.01 and rel[ref > 1e-4].max() < 0.1


def test_non_monotone_map():
    """G(z) = (2z - 1)^2, z ~ U(0, 1): w = 2z - 1 ~ U(-1, 1), x = w^2 has density 1 / (2 sqrt x) on (0, 1]."""
    p = pushforward_1d(lambda z: (2 * z - 1) ** 2, "uniform", X)
    cdf = lambda t: np.sqrt(np.clip(t, 0, 1))
    ref = _cell_avg(cdf)
    assert np.abs(p - ref)[X > 0.05].max() < 1e-3
    assert 0.5 * np.abs(p - ref).sum() * DX < 1e-4


def test_random_relu_network_matches_a_large_histogram():
    torch.manual_seed(0)
    net = torch.nn.Sequential(torch.nn.Linear(1, 16), torch.nn.ReLU(), torch.nn.Linear(16, 16), torch.nn.ReLU(),
                              torch.nn.Linear(16, 1))
    with torch.no_grad():
        g = lambda z: net(z.reshape(-1, 1)) * 2
        p = pushforward_1d(g, "normal", X)
        xs = g(torch.randn(2_000_000, 1)).numpy().ravel()
    h, _ = np.histogram(xs, bins=E)
    tv = 0.5 * np.abs(p * DX - h / len(xs)).sum()
    assert tv < 0.01


def test_point_mass_when_g_is_constant():
    masses, left, right, _ = pushforward_masses(lambda z: torch.zeros_like(z) + 0.3, "uniform", E)
    assert abs(masses.sum() - 1) < 1e-12 and masses.max() == pytest.approx(1.0)
    assert E[masses.argmax()] <= 0.3 <= E[masses.argmax() + 1]


def test_a_far_diverged_finite_generator_counts_as_outside():
    """Finite but astronomically large values (a diverging G before it overflows): the segments reaching the grid are
    split, the rest counted left or right of it — no error (a width of 1e20 cells once overflowed the split count)."""
    z = np.arange(8193) / 8192
    masses, left, right, _ = pushforward_from_values(1e22 * (z - 0.5), "uniform", E)
    assert abs(masses.sum() + left + right - 1) < 1e-9 and left > 0.49 and right > 0.49
    masses, left, right, _ = pushforward_from_values(np.where(z > 0.99, 3e20, z), "uniform", E)
    assert abs(masses.sum() - 0.99) < 1e-3 and right > 0.0099


def test_non_finite_generator_outputs_count_as_outside():
    masses, left, right, _ = pushforward_masses(lambda z: torch.where(z > 0.5, torch.inf, z), "uniform", E)
    assert abs(masses.sum() - 0.5) < 1e-3 and right > 0.49


def test_2d_histogram_and_kde_are_unbiased_on_a_gaussian():
    ex = np.linspace(-3, 3, 31)
    rng = np.random.default_rng(0)
    s = rng.normal(size=(200000, 2))
    h, out = hist2d_masses(s, ex, ex)
    truth = np.outer(np.diff(stats.norm.cdf(ex)), np.diff(stats.norm.cdf(ex)))
    # a 900-cell histogram of 2e5 samples has TV noise ~ 0.5 * sum sqrt(2 p / (pi N)) ~ 0.02
    assert 0.5 * np.abs(h - truth).sum() < 0.03
    assert abs(out - (1 - truth.sum())) < 1e-3
    k, _ = kde2d_masses(s[:5000], ex, ex)
    assert 0.5 * np.abs(k - truth).sum() < 0.04
