"""Distances between p_data (P) and p_g (Q), in nats (REFERENCES.md §3, §5).

Grid divergences work on cell masses: the densities times the cell measure. Sums over cells are the
divergences of the discretised distributions, lower bounds of the continuous ones (data-processing
inequality) that converge as the grid refines. Conventions: 0·log 0 = 0; KL(P‖Q) = +inf where
Q = 0 < P (reported as inf, never clipped); JS, TV and H² are always finite;
H² = ½ Σ (√P − √Q)² (the convention with the ½, so 0 ≤ H² ≤ 1).
"""
from __future__ import annotations

import math

import numpy as np
from scipy import special


def divergences_masses(pm, qm) -> dict:
    """JS, KL both ways, TV and H² between two probability vectors (any shape, each summing to ~1)."""
    pm = np.asarray(pm, dtype=np.float64).ravel()
    qm = np.asarray(qm, dtype=np.float64).ravel()
    # KL(P‖M) = Σ P log 2 + Σ P log(P / (P + Q)): no halving, so denormal cell masses cannot
    # underflow M = (P + Q)/2 to zero and turn JS infinite
    s = pm + qm
    js = 0.5 * (math.log(2) * (pm.sum() + qm.sum()) + special.rel_entr(pm, s).sum() + special.rel_entr(qm, s).sum())
    return {
        "js": float(min(math.log(2), max(0.0, js))),
        "kl_pq": _kl(pm, qm),
        "kl_qp": _kl(qm, pm),
        "tv": float(0.5 * np.abs(pm - qm).sum()),
        "hellinger2": float(0.5 * np.sum((np.sqrt(pm) - np.sqrt(qm)) ** 2)),
    }


def _kl(a, b) -> float:
    """Σ a log(a/b) with 0 log 0 = 0 and +inf where b = 0 < a (scipy.special.rel_entr)."""
    v = float(special.rel_entr(a, b).sum())
    return math.inf if v == math.inf else v  # NaN (bad input) stays NaN


def divergences(p, q, dx) -> dict:
    """Divergences between two densities on one uniform grid (1-D or 2-D arrays), cell measure dx.

    -> {"js", "kl_pq", "kl_qp", "tv", "hellinger2"} (floats, nats; inf where infinite).
    Accurate to the grid's quadrature error (midpoint rule) when p, q are point densities.
    """
    return divergences_masses(np.asarray(p) * dx, np.asarray(q) * dx)


def w1_1d(p, q, x) -> float:
    """W1 between two densities on the 1-D grid x via their CDFs: Σ |F_P − F_Q| Δx
    (the masses p·dx, q·dx placed at the grid points; equals scipy.stats.wasserstein_distance
    with those weights)."""
    x = np.asarray(x, dtype=np.float64)
    dx = np.diff(x)
    pm = np.asarray(p, dtype=np.float64) * np.gradient(x)
    qm = np.asarray(q, dtype=np.float64) * np.gradient(x)
    fp = np.cumsum(pm) / pm.sum()
    fq = np.cumsum(qm) / qm.sum()
    return float(np.sum(np.abs(fp - fq)[:-1] * dx))


def w1_quantiles(qp, qq) -> float:
    """W1 = ∫_0^1 |F_P^{-1}(u) − F_Q^{-1}(u)| du from the two quantile functions sampled at the same
    equally spaced u (midpoint rule): the 1-D snapshot's W1, free of any x-grid."""
    return float(np.mean(np.abs(np.sort(np.asarray(qp)) - np.sort(np.asarray(qq)))))


def w1_samples_2d(a, b, n=None) -> float:
    """Exact W1 (Euclidean ground cost) between two equal-weight sample sets, POT's network simplex
    (ot.emd2). A sample estimate: biased upward by O(n^(-1/2)) in 2-D — the noise floor shows how much."""
    a, b = np.asarray(a), np.asarray(b)
    if n is not None:
        a, b = a[:n], b[:n]
    return w1_to_atoms(a, b, np.ones(len(b)))  # equal weights on both sides


def w1_to_atoms(samples, atoms, weights) -> float:
    """Exact W1 (Euclidean ground cost, ot.emd2) between equal-weight ``samples`` [n, d] and weighted
    ``atoms`` [k, d] (``weights`` summing to 1): one sample side, the other a fixed summary of a known
    distribution (``quantize``)."""
    import ot

    a = np.asarray(samples, dtype=np.float64)
    b = np.asarray(atoms, dtype=np.float64)
    w = np.asarray(weights, dtype=np.float64)
    M = ot.dist(a, b, metric="euclidean")
    return float(ot.emd2(np.full(len(a), 1 / len(a)), w / w.sum(), M, numItermax=10**7))


def quantize(points, k: int, seed: int = 0, iters: int = 10):
    """(atoms [k', d], weights [k'], error): k-means (scipy.cluster.vq.kmeans2, Lloyd's algorithm from k
    random points) of ``points``; the weights are the shares of points nearest each atom (empty atoms
    dropped), and ``error`` = the mean distance from a point to its atom, an upper bound on W1(points,
    atoms) (it is the cost of one transport plan: each point to its own atom)."""
    from scipy.cluster.vq import kmeans2

    p = np.asarray(points, dtype=np.float64)
    atoms, label = kmeans2(p, k, iter=iters, minit="points", seed=seed)
    counts = np.bincount(label, minlength=len(atoms))
    keep = counts > 0
    error = float(np.linalg.norm(p - atoms[label], axis=1).mean())
    return atoms[keep], counts[keep] / len(p), error


def sliced_w1(a, b, n_projections: int = 64, seed: int = 0) -> float:
    """Sliced W1 (POT ot.sliced_wasserstein_distance, p = 1): the mean over random directions of the
    1-D W1 of the projections. Cheap for many samples, but a different quantity: SW1 <= W1, and for a
    translation by t in 2-D, SW1 = t * E|cos theta| = (2/pi) t (about 0.64 of W1)."""
    import ot

    return float(ot.sliced_wasserstein_distance(np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64),
                                                n_projections=n_projections, p=1, seed=seed))


N_EVAL = 2500            # generator samples for mode statistics (the literature's evaluation size, REFERENCES.md §4)
MIN_COUNT_FRAC = 0.1     # a mode is covered with >= 10% of its expected share of high-quality samples


def min_count_for(weights, n: int = N_EVAL):
    """High-quality samples (of n) a mode needs to count as covered: 10 % of its expected share of the n,
    at least 1 (REFERENCES.md §5). ``weights``: the modes' mixture weights (an array: one count per mode), or
    their number k for equal weights (one number). PacGAN's code and VEEGAN count a mode with a single sample,
    which a generator spraying samples everywhere meets by accident (2500 uniform samples over the plot's
    square "cover" about half of ring8's modes), so that rule is reported beside this one (``modes_pub``)."""
    if np.ndim(weights) == 0:
        return max(1, int(MIN_COUNT_FRAC * n / int(weights)))
    w = np.asarray(weights, dtype=np.float64)
    return np.maximum(1, (MIN_COUNT_FRAC * n * w / w.sum() + 1e-9).astype(int))


def mode_stats(samples, centers, std, min_count: int = 1, weights=None) -> dict:
    """Mode coverage of a mixture (VEEGAN; PacGAN; REFERENCES.md §5).

    A sample is high quality if it lies within 3 std of its nearest centre; ``hq`` = fraction of
    high-quality samples; a mode is covered when at least ``min_count`` (a number, or one per mode:
    ``min_count_for(weights)``) high-quality samples are nearest to it (``modes``), and under the published
    rule with at least one (``modes_pub``); ``mode_kl`` = KL(histogram of high-quality samples over modes ‖
    true mode weights) (``weights``, uniform by default): finite in this direction even when modes are missing.
    std: one number or one per centre (distances are in units of the nearest mode's std).
    """
    s = np.asarray(samples, dtype=np.float64)
    c = np.asarray(centers, dtype=np.float64)
    if s.ndim == 1:
        s = s[:, None]
    if c.ndim == 1:
        c = c[:, None]
    k = len(c)
    sd = np.broadcast_to(np.asarray(std, dtype=np.float64), (k,))
    finite = np.all(np.isfinite(s), axis=1)
    s = s[finite]
    if len(s) == 0:
        return {"modes": 0, "modes_pub": 0, "hq": 0.0, "mode_kl": math.inf, "counts": np.zeros(k, dtype=int)}
    d2 = ((s[:, None, :] - c[None, :, :]) ** 2).sum(-1) / sd[None, :] ** 2
    near = d2.argmin(1)
    hq_mask = d2[np.arange(len(s)), near] <= 9.0
    counts = np.bincount(near[hq_mask], minlength=k)
    n_hq = int(hq_mask.sum())
    hq = n_hq / len(finite)
    if n_hq == 0:
        mode_kl = math.inf
    else:
        h = counts / n_hq
        w = np.full(k, 1.0 / k) if weights is None else np.asarray(weights, dtype=np.float64)
        mode_kl = float(special.rel_entr(h, w).sum())
    return {"modes": int((counts >= min_count).sum()), "modes_pub": int((counts >= 1).sum()), "hq": float(hq),
            "mode_kl": mode_kl, "counts": counts}
