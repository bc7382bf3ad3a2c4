"""2-D snapshots: p_g from generator samples on a grid, divergences, W1, mode coverage, noise floors.

Estimators (REFERENCES.md §5):
* Grids over the data's box (4 std padding, +10%): divergences on 32 x 32 cells, the views (p_data,
  p_g, D, D*) and d_star_err on 64 x 64. With N = 10 000 samples a histogram on a finer grid is
  dominated by plug-in bias (few samples per occupied cell); a coarser one by the data-processing
  lower bound (shapes finer than a cell are merged). Measured (bench/density2d_accuracy.py): at 128²
  JS was 68% too high on a broad mixture, at 32² within 2%; weight differences between modes (mode
  collapse) are exact at any resolution, shape differences inside a ring8 mode (σ 0.02 < cell 0.16)
  are underestimated. p_data as exact cell masses (products of normal-CDF differences;
  midpoint-rule KDE for custom points). One extra cell holds the mass outside the grid.
* p_g: a histogram of N_LIVE generator samples (the default; ``density.kde2d_masses`` is the KDE option).
  A histogram of N samples is noisy: the noise floors in ``snapshot.floors`` (the same estimator with
  N fresh samples of p_data against p_data) say what "zero" looks like.
* W1: exact optimal transport (POT ``ot.emd2``) between N_W1 generator samples and a fixed summary of
  p_data: W1_ATOMS weighted atoms, the k-means centroids of W1_DATA data samples (``metrics.quantize``).
  One noisy side instead of two. Measured by bench/w1_estimator.py (10 seeds): the floor is lower than
  with 500 fresh data samples against 500 generator samples (ring8 0.11 vs 0.14, grid25 0.28 vs 0.36,
  swissroll 0.10 vs 0.12) at under a quarter of the time (bench/BENCHMARKS.md, "W1 estimator"). The summary costs a
  quantisation bias of at most ``w1_quant_err`` (mean distance of the W1_DATA points to their atoms:
  ring8 0.008, grid25 0.036, swissroll 0.042), which the floors include (they use the same atoms).
* Mode coverage on N_VIEW samples (metrics.mode_stats).
Floors are cached per (data set, grid, N) by a pure function of those.
"""
from __future__ import annotations

import functools
import json

import numpy as np

from gantoy.core import data as data_mod
from gantoy.core.config import DataConfig
from gantoy.measure import density, metrics
from gantoy.measure.metrics import N_EVAL, min_count_for

VIEW_SEED = 1234        # fixed noise and data samples for what is shown, so frames do not flicker

GRID_2D = 32            # cells per axis for the divergences (see the module docstring)
VIEW_2D = 64            # cells per axis for p_data, p_g, D, D* and d_star_err (the heatmaps)
N_LIVE = 10000          # generator samples for the histogram p_g
N_W1 = 500              # generator samples for exact OT W1
W1_ATOMS = 128          # atoms summarising p_data for W1 (k-means centroids)
W1_DATA = 10000         # data samples the atoms summarise
N_VALUE = 1000          # samples per side for V(D, G)


def grid_2d(dist, n: int = GRID_2D):
    """Cell edges (ex, ey) of an n x n grid over the data's box."""
    lo, hi = dist.bounds(pad=4.0)
    pad = 0.1 * (hi - lo)
    lo, hi = lo - pad, hi + pad
    return np.linspace(lo[0], hi[0], n + 1), np.linspace(lo[1], hi[1], n + 1)


def base_views(dist, data_json: str | None = None) -> dict:
    """The grids and p_data masses every 2-D estimate of ``dist`` uses (live snapshots and floors alike):
    the 64² view grid, the 32² divergence grid pooled from it, and p_data's atoms for W1 (cached per data
    set when ``data_json``, the data config as JSON, is given: a reset then does not rebuild them)."""
    vx, vy = grid_2d(dist, VIEW_2D)
    pm_view = np.maximum(dist.cell_mass((vx, vy)), 0.0)
    f = VIEW_2D // GRID_2D
    pm = pool(pm_view, f)
    return {"ex": vx[::f], "ey": vy[::f], "vx": vx, "vy": vy, "pm": pm, "pm_view": pm_view,
            "P": np.append(pm.ravel(), max(0.0, 1 - pm.sum())),
            **(w1_atoms(dist) if data_json is None else dict(_w1_atoms_cached(data_json)))}


def dist_of(data_json: str):
    """The distribution of a data config given as JSON (the key of every per-data-set cache)."""
    return data_mod.make(DataConfig(**json.loads(data_json)))


def data_key(data_cfg) -> str:
    """The JSON key of a data config for the per-data-set caches."""
    return json.dumps(data_cfg.__dict__, sort_keys=True)


@functools.lru_cache(maxsize=32)
def _w1_atoms_cached(data_json: str) -> dict:
    """w1_atoms of a data config (JSON), shared by every session: the arrays are made read-only."""
    out = w1_atoms(dist_of(data_json))
    for a in out.values():
        if isinstance(a, np.ndarray):
            a.flags.writeable = False
    return out


def w1_atoms(dist) -> dict:
    """The fixed p_data side of the W1 estimate (see the module docstring); once per data set."""
    atoms, weights, err = metrics.quantize(dist.sample(W1_DATA, seed=VIEW_SEED + 1), W1_ATOMS, seed=0)
    return {"w1_atoms": atoms, "w1_weights": weights, "w1_quant_err": err}


def pool(m, f):
    """Sum f x f blocks of a 2-D array of cell masses."""
    n0, n1 = m.shape
    return m.reshape(n0 // f, f, n1 // f, f).sum(axis=(1, 3))


def estimate(dist, fake, v, n_w1=N_W1):
    """The 2-D estimators applied to samples ``fake`` (used for p_g and, with fresh data, for floors)."""
    qm, out = density.hist2d_masses(fake, v["ex"], v["ey"])
    Q = np.append(qm.ravel(), out)
    div = metrics.divergences_masses(v["P"], Q)
    w1 = metrics.w1_to_atoms(fake[:n_w1], v["w1_atoms"], v["w1_weights"])
    m = {"js": div["js"], "kl_data_g": div["kl_pq"], "kl_g_data": div["kl_qp"], "tv": div["tv"],
         "hellinger2": div["hellinger2"], "w1": w1, "mass_outside": out}
    if getattr(dist, "centers", None) is not None:
        ms = metrics.mode_stats(fake[:N_EVAL], dist.centers, dist.stds, min_count=min_count_for(dist.weights),
                                weights=dist.weights)
        m.update({"modes": ms["modes"], "modes_pub": ms["modes_pub"], "hq": ms["hq"], "mode_kl": ms["mode_kl"],
                  "mode_counts": ms["counts"]})
    return m, qm


def floors_2d(data_json: str, n: int = N_LIVE, seed: int = 98765) -> dict:
    """Noise floors: each estimator with n fresh samples of p_data against p_data (pure, cached). A fresh
    dict each call: the cache is shared by every browser session, so no caller may hold the cached one."""
    return dict(_floors_2d(data_json, n, seed))


@functools.lru_cache(maxsize=32)
def _floors_2d(data_json: str, n: int, seed: int) -> dict:
    dist = dist_of(data_json)
    m, _ = estimate(dist, dist.sample(n, seed=seed), base_views(dist, data_json))
    m.pop("mass_outside", None)
    m.pop("mode_counts", None)
    return m
