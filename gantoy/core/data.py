"""Data distributions p_data: isotropic Gaussian mixtures (1-D / 2-D), the swiss roll, user points.

Definitions follow REFERENCES.md §4 (Goodfellow et al. 2014 Figure 1; Metz et al. 2017 and
Srivastava et al. 2017 for ring8; VEEGAN / PacGAN for grid25; the WGAN-GP toy code for swissroll).
Every distribution offers an exact (or KDE) density, cell masses on a grid, numpy sampling and
per-run torch sampling through a ``torch.Generator`` (so ensemble runs reproduce single runs).
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable

import numpy as np
import torch
from scipy import special  # scipy.stats is imported where used: it is big and slow to import (bench/BENCHMARKS.md, "Numbers behind the code")

from gantoy.core.errors import ConfigError


def ppf_bisect(cdf, u, lo: float, hi: float, iters: int = 80):
    """Quantiles of a 1-D distribution by bisection on its CDF between lo and hi (~(hi - lo) 2^-iters)."""
    u = np.asarray(u, dtype=np.float64)
    a, b = np.full(u.shape, float(lo)), np.full(u.shape, float(hi))
    for _ in range(iters):
        mid = 0.5 * (a + b)
        below = cdf(mid) < u
        a, b = np.where(below, mid, a), np.where(below, b, mid)
    return 0.5 * (a + b)


class Mixture:
    """Isotropic Gaussian mixture: sum_i w_i N(mu_i, s_i^2 I).

    means: [k] (1-D) or [k, 2] (2-D); stds: [k]; weights: [k] (>= 0, sum 1).
    """

    def __init__(self, means, stds, weights=None):
        m = np.asarray(means, dtype=np.float64)
        self.dim = 1 if m.ndim == 1 else m.shape[1]
        self.means = m.reshape(len(m), self.dim)
        k = len(self.means)
        self.stds = np.broadcast_to(np.asarray(stds, dtype=np.float64), (k,)).copy()
        w = np.full(k, 1.0 / k) if weights is None else np.asarray(weights, dtype=np.float64)
        if np.any(self.stds <= 0) or np.any(w < 0) or abs(w.sum() - 1) > 1e-6:
            raise ValueError("Mixture needs stds > 0 and weights >= 0 summing to 1")
        self.weights = w / w.sum()
        self.centers = self.means  # mode centres (mode coverage metrics)
        self._t_means = torch.tensor(self.means, dtype=torch.float32)
        self._t_stds = torch.tensor(self.stds, dtype=torch.float32)
        self._t_cumw = torch.tensor(np.cumsum(self.weights)[:-1], dtype=torch.float32)

    # ---- densities ---------------------------------------------------------------------------
    def pdf(self, x):
        """Density at points x: [n] (1-D) or [n, 2] (2-D)."""
        x = np.asarray(x, dtype=np.float64).reshape(-1, self.dim)
        out = np.zeros(len(x))
        norm = (2 * np.pi) ** (-self.dim / 2)
        for mu, s, w in zip(self.means, self.stds, self.weights):
            r2 = np.sum((x - mu) ** 2, axis=1) / s**2
            out += w * norm / s**self.dim * np.exp(-0.5 * r2)
        return out

    def cdf(self, x):
        """CDF in 1-D."""
        if self.dim != 1:
            raise ValueError("cdf is defined for 1-D mixtures only")
        x = np.asarray(x, dtype=np.float64)
        out = np.zeros(x.shape)
        for mu, s, w in zip(self.means[:, 0], self.stds, self.weights):
            out += w * special.ndtr((x - mu) / s)
        return out

    def ppf(self, u):
        """Quantile function in 1-D (bisection on the CDF, to ~1e-10)."""
        return ppf_bisect(self.cdf, u, (self.means[:, 0] - 40 * self.stds).min(),
                          (self.means[:, 0] + 40 * self.stds).max())

    def cell_mass(self, edges):
        """Probability of each grid cell. 1-D: edges [n+1] -> [n]; 2-D: (ex [nx+1], ey [ny+1]) -> [nx, ny].

        Integrating the density over cells (not point values) keeps narrow modes (ring8: s = 0.02)
        honest on coarse grids (REFERENCES.md §5).
        """
        if self.dim == 1:
            return np.diff(self.cdf(np.asarray(edges)))
        ex, ey = (np.asarray(e, dtype=np.float64) for e in edges)
        out = np.zeros((len(ex) - 1, len(ey) - 1))
        for mu, s, w in zip(self.means, self.stds, self.weights):
            px = np.diff(special.ndtr((ex - mu[0]) / s))
            py = np.diff(special.ndtr((ey - mu[1]) / s))
            out += w * np.outer(px, py)
        return out

    # ---- sampling ----------------------------------------------------------------------------
    def sample(self, n, seed=None, return_labels=False):
        """n samples as a numpy array [n, dim] (and component labels [n] if asked)."""
        rng = np.random.default_rng(seed)
        labels = rng.choice(len(self.weights), size=n, p=self.weights)
        x = self.means[labels] + self.stds[labels, None] * rng.standard_normal((n, self.dim))
        return (x, labels) if return_labels else x

    def sample_torch(self, n, generator):
        """n samples [n, dim] float32 drawn with a torch.Generator (training path)."""
        u = torch.rand(n, generator=generator)
        comp = torch.searchsorted(self._t_cumw, u, right=True)
        eps = torch.randn(n, self.dim, generator=generator)
        return self._t_means[comp] + self._t_stds[comp, None] * eps

    # ---- layout ------------------------------------------------------------------------------
    def bounds(self, pad=4.0):
        """A box holding essentially all the mass: per axis (lo, hi)."""
        lo = (self.means - pad * self.stds[:, None]).min(axis=0)
        hi = (self.means + pad * self.stds[:, None]).max(axis=0)
        return lo, hi


class SwissRoll:
    """Swiss roll of the WGAN-GP toy experiments: t = 1.5*pi*(1 + 2u), u ~ U(0, 1),
    x = (t cos t, t sin t) / 7.5 + N(0, (0.25/7.5)^2 I).

    Its density is the Gaussian blur of the curve, computed as an equal-weight mixture of
    ``n_curve`` Gaussians at u_j = (j + 1/2) / n_curve: the curve points are far closer together
    (~0.006) than the blur (0.033), so the error is negligible.
    """

    noise = 0.25 / 7.5

    def __init__(self, n_curve=2000):
        self.dim = 2
        u = (np.arange(n_curve) + 0.5) / n_curve
        self._mix = Mixture(self._curve(u), np.full(n_curve, self.noise), np.full(n_curve, 1.0 / n_curve))
        self.centers = None  # not a finite set of modes

    @staticmethod
    def _curve(u):
        t = 1.5 * np.pi * (1 + 2 * u)
        return np.stack([t * np.cos(t), t * np.sin(t)], axis=1) / 7.5

    def pdf(self, x):
        return self._mix.pdf(x)

    def cell_mass(self, edges):
        return self._mix.cell_mass(edges)

    def sample(self, n, seed=None):
        rng = np.random.default_rng(seed)
        return self._curve(rng.random(n)) + self.noise * rng.standard_normal((n, 2))

    def sample_torch(self, n, generator):
        t = 1.5 * math.pi * (1 + 2 * torch.rand(n, generator=generator))
        x = torch.stack([t * torch.cos(t), t * torch.sin(t)], dim=1) / 7.5
        return x + self.noise * torch.randn(n, 2, generator=generator)

    def bounds(self, pad=4.0):
        return self._mix.bounds(pad)


class EmpiricalData:
    """User points (drawn or uploaded). The density is a Gaussian KDE (scipy.stats.gaussian_kde,
    Scott's rule); sampling draws a point and adds the KDE's kernel noise, so samples follow the
    same density that the views and metrics use."""

    def __init__(self, points):
        p = np.asarray(points, dtype=np.float64)
        self.dim = 1 if p.ndim == 1 else p.shape[1]
        self.points = p.reshape(len(p), self.dim)
        if len(self.points) < 2 or not np.all(np.isfinite(self.points)):
            raise ValueError("EmpiricalData needs at least 2 finite points")
        spread = self.points.std(axis=0)
        if np.any(spread == 0):  # all points on one line / spot: KDE needs some spread
            self.points = self.points + 1e-3 * np.random.default_rng(0).standard_normal(self.points.shape)
        from scipy import stats

        self.kde = stats.gaussian_kde(self.points.T)
        self.chol = np.linalg.cholesky(np.atleast_2d(self.kde.covariance))
        self.centers = None
        self._t_points = torch.tensor(self.points, dtype=torch.float32)
        self._t_chol = torch.tensor(self.chol, dtype=torch.float32)

    def pdf(self, x):
        x = np.asarray(x, dtype=np.float64).reshape(-1, self.dim)
        return self.kde(x.T)

    def cdf(self, x):
        if self.dim != 1:
            raise ValueError("cdf is defined for 1-D data only")
        bw = self.chol[0, 0]
        x = np.asarray(x, dtype=np.float64)
        return special.ndtr((x[..., None] - self.points[:, 0]) / bw).mean(axis=-1)

    def ppf(self, u):
        """Quantile function in 1-D (bisection on the KDE's CDF)."""
        bw = self.chol[0, 0]
        return ppf_bisect(self.cdf, u, self.points[:, 0].min() - 40 * bw, self.points[:, 0].max() + 40 * bw)

    def cell_mass(self, edges):
        if self.dim == 1:
            return np.diff(self.cdf(np.asarray(edges)))
        ex, ey = (np.asarray(e) for e in edges)
        cx, cy = 0.5 * (ex[1:] + ex[:-1]), 0.5 * (ey[1:] + ey[:-1])
        xx, yy = np.meshgrid(cx, cy, indexing="ij")
        dens = self.pdf(np.stack([xx.ravel(), yy.ravel()], axis=1)).reshape(xx.shape)
        # midpoint rule: the KDE's kernel is a full-covariance Gaussian, so masses are not products
        return dens * np.diff(ex)[:, None] * np.diff(ey)[None, :]

    def sample(self, n, seed=None):
        rng = np.random.default_rng(seed)
        idx = rng.integers(len(self.points), size=n)
        return self.points[idx] + rng.standard_normal((n, self.dim)) @ self.chol.T

    def sample_torch(self, n, generator):
        idx = torch.randint(len(self._t_points), (n,), generator=generator)
        return self._t_points[idx] + torch.randn(n, self.dim, generator=generator) @ self._t_chol.T

    def bounds(self, pad=4.0):
        bw = np.sqrt(np.diag(np.atleast_2d(self.kde.covariance)))
        return self.points.min(axis=0) - pad * bw, self.points.max(axis=0) + pad * bw


# ---- named data sets (REFERENCES.md §4) ------------------------------------------------------
def _ring8():
    ang = 2 * np.pi * np.arange(8) / 8  # 8 distinct angles (not linspace(0, 2pi, 8), which repeats one)
    return Mixture(np.stack([2 * np.cos(ang), 2 * np.sin(ang)], axis=1), np.full(8, 0.02), np.full(8, 1 / 8))


def _grid25():
    c = np.array([(-4.0 + 2 * i, -4.0 + 2 * j) for i in range(5) for j in range(5)])
    return Mixture(c, np.full(25, 0.05), np.full(25, 1 / 25))


@dataclass(frozen=True)
class DataSet:
    dim: int          # 1 or 2
    make: Callable    # () -> the distribution


# The named data sets: this dict is the vocabulary of data.name (with "mixture" and "custom", below).
DATASETS = {
    "gauss1d": DataSet(1, lambda: Mixture([0.0], [1.0], [1.0])),
    "bimodal1d": DataSet(1, lambda: Mixture([-2.0, 2.0], [0.5, 0.5], [0.5, 0.5])),
    "trimodal1d": DataSet(1, lambda: Mixture([-3.0, 0.0, 3.0], [0.4, 0.4, 0.4], [1 / 3, 1 / 3, 1 / 3])),
    "imbalanced1d": DataSet(1, lambda: Mixture([-2.0, 2.0], [0.5, 0.5], [0.9, 0.1])),
    "ring8": DataSet(2, _ring8),
    "grid25": DataSet(2, _grid25),
    "swissroll": DataSet(2, SwissRoll),
}
KINDS = ("mixture", "custom")   # data.name values that read data.means/stds/weights or data.points


def make(cfg):
    """The distribution a DataConfig describes (validated by RunConfig.validate)."""
    if cfg.name == "mixture":
        return Mixture(cfg.means, cfg.stds, cfg.weights)
    if cfg.name == "custom":
        try:
            return EmpiricalData(cfg.points)
        except (ValueError, np.linalg.LinAlgError) as e:
            raise ConfigError(f"data.points: cannot build a density from these points ({e})") from None
    return DATASETS[cfg.name].make()
