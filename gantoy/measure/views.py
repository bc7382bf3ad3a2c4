"""What a snapshot of a data set reuses from frame to frame: grids, p_data on them, the shown data samples,
the 2-D noise floors. Pure functions of the data config (its JSON is the cache key), cached once per process
and shared by every session and trainer: every array is read-only, and callers copy what they change.
"""
from __future__ import annotations

import functools

import numpy as np

from gantoy.measure import density
from gantoy.measure.estimate2d import VIEW_2D, VIEW_SEED, base_views, dist_of, floors_2d
from gantoy.measure.metrics import N_EVAL

GRID_1D = 1000          # cells of the 1-D grid
N_VIEW = N_EVAL         # real / fake samples shown (the literature's evaluation size, REFERENCES.md §4)


def _read_only(d: dict) -> dict:
    for a in d.values():
        if isinstance(a, np.ndarray):
            a.flags.writeable = False
    return d


@functools.lru_cache(maxsize=32)
def views_1d(data_json: str) -> dict:
    """The 1-D grid (GRID_1D cells over the data's range ± 4σ and G's start at 0, widened by 15 % of the
    data's range each side), p_data's exact cell masses ``pm`` and, with the two tail cells, ``P``; p_data's
    quantiles at the push-forward's nodes (for W1); the shown data samples."""
    dist = dist_of(data_json)
    lo, hi = dist.bounds(pad=4.0)
    lo, hi = float(lo[0]), float(hi[0])
    pad = 0.15 * (hi - lo)
    if lo > 0 or hi < 0:
        # G starts near 0 (its output is not shifted to the data: models.make_pair), so the grid reaches 0 too and
        # p_g's slide onto p_data far from 0 is on the chart (it sat in a tail cell, off the picture) — unless that
        # widens the grid more than 6 times (one Gaussian then keeps ~16 cells per σ; data placed farther: the
        # data's own resolution comes first, and the chart says how much of p_g lies off it)
        wlo, whi = min(lo, 0.0), max(hi, 0.0)
        if whi - wlo <= 6 * (hi - lo):
            lo, hi = wlo, whi
    lo, hi = lo - pad, hi + pad
    edges = np.linspace(lo, hi, GRID_1D + 1)
    pm = np.maximum(dist.cell_mass(edges), 0.0)
    cdf_lo, cdf_hi = dist.cdf(np.array([lo, hi]))
    u_mid = (np.arange(density.DEFAULT_M) + 0.5) / density.DEFAULT_M
    return _read_only({
        "edges": edges, "x": 0.5 * (edges[1:] + edges[:-1]), "dx": edges[1] - edges[0], "pm": pm,
        "P": np.concatenate([[cdf_lo], pm, [max(0.0, 1 - cdf_hi)]]),
        "u_mid": u_mid, "p_quant": dist.ppf(u_mid), "real": dist.sample(N_VIEW, seed=VIEW_SEED)})


@functools.lru_cache(maxsize=32)
def views_2d(data_json: str) -> dict:
    """base_views (the 64² view grid, the 32² divergence grid, p_data's masses and W1 atoms) plus the view
    grid's cell centres and points, the shown data samples and the noise floors."""
    dist = dist_of(data_json)
    v = dict(base_views(dist, data_json))
    vx, vy = v["vx"], v["vy"]
    cx, cy = 0.5 * (vx[1:] + vx[:-1]), 0.5 * (vy[1:] + vy[:-1])
    xx, yy = np.meshgrid(cx, cy, indexing="ij")
    v.update({"cx": cx, "cy": cy, "cell_view": (vx[1] - vx[0]) * (vy[1] - vy[0]),
              "pts": np.stack([xx.ravel(), yy.ravel()], axis=1), "real": dist.sample(N_VIEW, seed=VIEW_SEED)})
    assert len(cx) == VIEW_2D
    out = _read_only(v)
    out["floors"] = floors_2d(data_json)   # a dict: callers get a copy (Snapshot.floors)
    return out
