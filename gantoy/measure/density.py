"""Generator densities p_g on grids.

1-D (exact push-forward, REFERENCES.md §5): G is evaluated at M + 1 noise quantiles
z_j = F_z^{-1}(j / M); between consecutive quantiles (each holding mass 1/M) G is taken as linear
in u, so each segment spreads its mass uniformly over [G(z_j), G(z_{j+1})]. For a ReLU/leaky-ReLU
network on uniform noise this is exact up to the kinks that fall inside a segment (it is the
change-of-variables formula Q(x) = Σ p_z(z)/|G'(z)| over all branches, integrated over each cell).
Where G stretches a segment over more than one grid cell (the tails, where the nodes are sparse) the segment is
split into parts about a cell wide, G between the nodes taken from a monotone cubic through them (PCHIP): else
p_g is a staircase there and D* = p/(p + q) zigzags (``_refined``). Normal noise: the two tails beyond the
outermost quantiles are mapped by G's linear extension (exact for ReLU nets, which are linear far out).
Non-monotone G is handled: segments may run either way. Default M = 8192; the error in any cell mass is at
most the mass of the segments containing a kink (O(1/M) each).

2-D: a histogram of N generator samples on the grid (counts / N, the default, unbiased per cell)
or a Gaussian KDE (scipy.stats.gaussian_kde, Scott's rule bandwidth n^(-1/6) times the sample
covariance), integrated by the midpoint rule. Both report the mass that fell outside the grid.
"""
from __future__ import annotations

import functools

import numpy as np
import torch
from scipy import special  # scipy.stats is imported where used: it is big and slow to import (bench/BENCHMARKS.md, "Numbers behind the code")

DEFAULT_M = 8192


def noise_quantiles(noise: str, m: int = DEFAULT_M):
    """Nodes z_j = F^{-1}(j/m), j = 0..m for uniform noise on [0, 1]; j = 1..m-1 for normal noise."""
    if noise == "uniform":
        return np.arange(m + 1, dtype=np.float64) / m
    if noise == "normal":
        return special.ndtri(np.arange(1, m, dtype=np.float64) / m)
    raise ValueError(f"unknown noise {noise!r}; allowed: uniform, normal")


def _ramp_cdf(a, b, mass, edges):
    """sum_j mass_j * clip((e - a_j) / (b_j - a_j), 0, 1) at every edge e, in O(n + E):
    each ramp is (ReLU(e - a) - ReLU(e - b)) / (b - a) and sum_k c_k ReLU(e - t_k) = e*C(e) - T(e)
    with C, T cumulative sums of c_k and c_k t_k over the t_k below e."""
    finite = np.isfinite(a) & np.isfinite(b)  # a diverged G: non-finite segments count as outside the grid
    a, b, mass = a[finite], b[finite], mass[finite]
    lo, hi = np.minimum(a, b), np.maximum(a, b)
    width = hi - lo
    flat = width <= 1e-12 * np.maximum(1.0, np.abs(lo))
    E = len(edges)
    out = np.zeros(E)
    if np.any(flat):  # point masses: a step at lo
        idx = np.searchsorted(edges, lo[flat], side="left")  # edges >= lo get the mass
        out += np.cumsum(np.bincount(idx, weights=mass[flat], minlength=E + 1)[:E])
    ok = ~flat
    if np.any(ok):
        s = mass[ok] / width[ok]
        t = np.concatenate([lo[ok], hi[ok]])
        c = np.concatenate([s, -s])
        idx = np.searchsorted(edges, t, side="left")  # edges e >= t (e == t contributes 0 anyway)
        C = np.cumsum(np.bincount(idx, weights=c, minlength=E + 1)[:E])
        T = np.cumsum(np.bincount(idx, weights=c * t, minlength=E + 1)[:E])
        out += edges * C - T
    return out


MAX_SPLIT = 64   # sub-segments at most per quantile segment (a far tail wider than 64 cells stays coarser there)


def _refined(xs, noise: str, m: int, edges):
    """The segments (starts, ends, masses) between G's values ``xs`` at the m-quantile nodes, each segment on the grid
    ``edges`` and wider than a cell split into equal-mass parts (one per cell it spans, MAX_SPLIT at most), with G at
    the parts' ends from a monotone cubic (PCHIP, scipy) through the nodes in z. Where G stretches a segment over
    several cells (p_g's tails, where the nodes are sparse) the linear-in-z ramp spreads its mass evenly and p_g is a
    staircase (figure1 at its end: steps ~16 cells wide at p_g ≈ 1e-3, so D* = p/(p + q) zigzagged by up to 0.1 in
    the tails); the cubic keeps G's curvature inside. Where G is linear in z the parts' ends are exact (PCHIP
    reproduces a line); the segments next to a kink of a piecewise-linear G stay approximate, as before (O(1/m) mass
    each)."""
    a, b = xs[:-1], xs[1:]
    mass = np.full(len(a), 1.0 / m)
    h = float(np.min(np.diff(edges))) if len(edges) > 1 else 0.0
    if not (np.all(np.isfinite(xs)) and h > 0):   # a diverged G: left to _ramp_cdf (outside the grid)
        return a, b, mass
    lo, hi = np.minimum(a, b), np.maximum(a, b)
    # only segments that reach the grid (a diverging G's far-off values stay whole: _ramp_cdf counts them outside)
    wide = np.flatnonzero((hi - lo > h) & (hi > edges[0]) & (lo < edges[-1]))
    if len(wide) == 0:
        return a, b, mass
    from scipy import interpolate

    first = 0 if noise == "uniform" else 1          # node j sits at the quantile j/m
    k = np.minimum(np.ceil((hi - lo)[wide] / h), MAX_SPLIT).astype(np.int64)   # capped before the cast
    seg = np.repeat(wide, k)                         # the segment of every sub-segment, in order
    part = np.arange(len(seg)) - np.repeat(np.cumsum(k) - k, k)   # 0..k-1 within its segment
    kk = np.repeat(k, k).astype(np.float64)
    u0 = (seg + first + part / kk) / m               # each sub-segment's start as a quantile
    z0 = u0 if noise == "uniform" else special.ndtri(u0)
    g = interpolate.PchipInterpolator(noise_quantiles(noise, m), xs)(z0)
    start = np.where(part == 0, a[seg], g)           # the nodes themselves exactly
    end = np.concatenate([start[1:], [0.0]])
    last = part == kk - 1
    end[last] = b[seg[last]]
    keep = np.ones(len(a), dtype=bool)
    keep[wide] = False
    return (np.concatenate([a[keep], start]), np.concatenate([b[keep], end]),
            np.concatenate([mass[keep], np.full(len(seg), 1.0) / (m * kk)]))


def pushforward_cdf(xs, noise: str, edges, tails=None):
    """CDF of p_g at the grid ``edges`` from G's values ``xs`` at ``noise_quantiles(noise, M)``.

    tails (normal noise only): (slope_left, slope_right) of G's linear extension in z beyond the
    outermost nodes; None treats the two tail masses 1/M as point masses at the end values.
    """
    xs = np.asarray(xs, dtype=np.float64)
    edges = np.asarray(edges, dtype=np.float64)
    m = len(xs) - 1 if noise == "uniform" else len(xs) + 1
    cdf = _ramp_cdf(*_refined(xs, noise, m, edges), edges)
    if noise == "uniform":
        return cdf
    z1, zm = special.ndtri(1.0 / m), special.ndtri((m - 1.0) / m)
    for x0, z0, slope, left in ((xs[0], z1, None if tails is None else tails[0], True),
                                (xs[-1], zm, None if tails is None else tails[1], False)):
        if slope is None or abs(slope) < 1e-12:
            cdf += (edges >= x0) / m
            continue
        zc = z0 + (edges - x0) / slope  # the z where the linear extension reaches e
        if left:   # z < z0: mass Phi(z0) = 1/m
            cdf += special.ndtr(np.minimum(zc, z0)) if slope > 0 else np.maximum(0.0, 1.0 / m - special.ndtr(np.minimum(zc, z0)))
        else:      # z > z0: mass 1/m
            if slope > 0:
                cdf += np.maximum(0.0, special.ndtr(np.maximum(zc, z0)) - special.ndtr(z0))
            else:
                cdf += np.maximum(0.0, 1.0 / m - (special.ndtr(np.maximum(zc, z0)) - special.ndtr(z0)))
    return cdf


def _eval_g(g, z):
    with torch.no_grad():
        zt = torch.from_numpy(np.array(z, dtype=np.float32)).reshape(-1, 1)  # a copy: z may be read-only (cached)
        return g(zt).reshape(-1).double().numpy()


_TAIL_DZ = 1e-3  # step for G's slope at the outermost normal quantiles (the linear tail extension)


@functools.lru_cache(maxsize=8)
def pushforward_inputs(noise: str, m: int = DEFAULT_M) -> np.ndarray:
    """The z at which ``pushforward_from_values`` needs G: the quantile nodes, and for normal noise two
    points a step beyond the outermost nodes (G's tail slopes). Cached and read-only."""
    z = noise_quantiles(noise, m)
    if noise == "normal":
        z = np.concatenate([z, [z[0] - _TAIL_DZ, z[-1] + _TAIL_DZ]])
    z.flags.writeable = False
    return z


def pushforward_from_values(values, noise: str, edges):
    """(cell masses [len(edges) - 1], mass left of the grid, mass right of the grid, G at the nodes) from
    G's ``values`` at ``pushforward_inputs(noise, m)`` (so a caller can evaluate G once for several uses)."""
    values = np.asarray(values, dtype=np.float64)
    tails = None
    if noise == "normal":
        xs = values[:-2]
        tails = ((xs[0] - values[-2]) / _TAIL_DZ, (values[-1] - xs[-1]) / _TAIL_DZ)
    else:
        xs = values
    cdf = np.clip(pushforward_cdf(xs, noise, edges, tails), 0.0, 1.0)
    masses = np.maximum(np.diff(cdf), 0.0)
    return masses, float(cdf[0]), float(max(0.0, 1.0 - cdf[-1])), xs


def pushforward_masses(g, noise: str, edges, m: int = DEFAULT_M):
    """(cell masses [len(edges) - 1], mass left of the grid, mass right of the grid, G at the nodes) of G(z)."""
    return pushforward_from_values(_eval_g(g, pushforward_inputs(noise, m)), noise, edges)


def pushforward_1d(g, z, x, m: int = DEFAULT_M):
    """Density of G(z) on the uniform grid x (cell centres): cell mass / cell width.

    g: a torch callable R -> R (batched: [n, 1] -> [n, 1]); z: the noise spec, "uniform" (U(0,1))
    or "normal" (N(0,1)); x: uniform 1-D grid of cell centres.
    """
    edges = edges_from_centres(x)
    masses, _, _, _ = pushforward_masses(g, z, edges, m)
    return masses / (edges[1] - edges[0])


def edges_from_centres(x):
    x = np.asarray(x, dtype=np.float64)
    dx = x[1] - x[0]
    return np.concatenate([x - dx / 2, [x[-1] + dx / 2]])


# ---- 2-D ----------------------------------------------------------------------------------------
def hist2d_masses(samples, ex, ey):
    """(cell masses [nx, ny], mass outside the grid) of a histogram of samples [N, 2]."""
    s = np.asarray(samples, dtype=np.float64)
    h, _, _ = np.histogram2d(s[:, 0], s[:, 1], bins=[ex, ey])
    n = max(len(s), 1)
    m = h / n
    return m, float(max(0.0, 1.0 - m.sum()))


def kde2d_masses(samples, ex, ey):
    """(cell masses, mass outside) of a Gaussian KDE (Scott's rule) of samples [N, 2], midpoint rule."""
    from scipy import stats

    s = np.asarray(samples, dtype=np.float64)
    kde = stats.gaussian_kde(s.T)
    cx, cy = 0.5 * (ex[1:] + ex[:-1]), 0.5 * (ey[1:] + ey[:-1])
    xx, yy = np.meshgrid(cx, cy, indexing="ij")
    dens = kde(np.stack([xx.ravel(), yy.ravel()])).reshape(xx.shape)
    m = dens * np.diff(ex)[:, None] * np.diff(ey)[None, :]
    return m, float(max(0.0, 1.0 - m.sum()))


def kde2d_binned_masses(samples, ex, ey):
    """(cell masses, mass outside) of a binned Gaussian KDE: the histogram convolved with a Gaussian
    of Scott's bandwidth h = std * N^(-1/6) per axis (scipy.ndimage.gaussian_filter, in cells).
    Mass smoothed past the grid's edge is counted as outside. O(cells), unlike gaussian_kde's
    O(N * cells); it smooths narrow modes (ring8: h ~ 0.3 for sigma 0.02)."""
    from scipy import ndimage

    s = np.asarray(samples, dtype=np.float64)
    h, _ = hist2d_masses(s, ex, ey)
    bw = s.std(axis=0) * max(len(s), 2) ** (-1.0 / 6.0)
    sig = (bw[0] / (ex[1] - ex[0]), bw[1] / (ey[1] - ey[0]))
    m = ndimage.gaussian_filter(h, sigma=sig, mode="constant", truncate=4.0)
    return m, float(max(0.0, 1.0 - m.sum()))


ESTIMATORS_2D = {"hist": hist2d_masses, "kde": kde2d_binned_masses}
