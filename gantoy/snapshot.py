"""Snapshot: everything a view needs about one run at one moment, as plain numpy arrays.

1-D (exact): p_data and p_g are cell masses on a 1000-cell grid divided by the cell width; p_g is the
exact push-forward of the noise (density.py, M = 8192 quantiles); two extra "tail" cells hold the mass
outside the grid, so divergences see all of it. KL(p_data‖p_g) is +inf whenever G's support misses
part of p_data's — always true for a bounded generator on uniform noise, and reported as such.
W1 is ∫|F_P⁻¹(u) − F_Q⁻¹(u)|du from the two quantile functions (no grid). V(D, G) is computed by
quadrature: Σ P_cell real(a(x)) + the trapezoid rule over G's quantiles for E_Q fake(a(G(z))).
The noise floors of these estimators are 0 (they are deterministic; P against itself gives exactly 0).

2-D (estimated): see metrics2d.py.
"""
from __future__ import annotations

import functools
import math
from dataclasses import dataclass, field

import numpy as np
import torch
from scipy import special

from gantoy import density, metrics

GRID_1D = 1000          # cells of the 1-D grid
N_VIEW = 2500           # real / fake samples shown (the literature's evaluation size, REFERENCES.md §4)
N_ARROWS = 33           # z -> x arrows in the Figure 1 view
VIEW_SEED = 1234        # fixed noise for shown samples, so frames do not flicker


@dataclass
class Snapshot:
    x: object                 # 1-D grid points [n]; in 2-D the pair (xs [nx], ys [ny]) of cell centres
    p_data: np.ndarray        # data density on the grid (cell-averaged)
    p_g: np.ndarray           # generator density on the grid (cell-averaged)
    d: np.ndarray             # D on the grid in display units (probability / critic / T(x))
    d_star: object            # optimal D on the grid (display units; NaN where undefined) or None
    real: np.ndarray          # data samples [n, dim]
    fake: np.ndarray          # generator samples [n, dim]
    z: np.ndarray             # 1-D: noise values for the z -> x arrows (None in 2-D)
    gz: np.ndarray            # 1-D: G(z) at those noise values (None in 2-D)
    iteration: int            # completed Algorithm-1 iterations
    losses: dict              # last D and G loss of this run
    metrics: dict             # see DESIGN.md "Metrics"
    floors: dict              # each metric's noise floor (P against itself, same estimator)
    run: int = 0              # which run of the ensemble
    dim: int = 1              # data dimension
    objective: str = "gan"    # objective id of this run
    d_label: str = ""         # what `d` shows
    d_updates: int = 0        # discriminator updates so far
    g_updates: int = 0        # generator updates so far
    extra: dict = field(default_factory=dict)  # view-specific arrays (2-D: grid masses, gradient arrows)


def _grid_1d(trainer):
    v = trainer._views.get("grid1d")
    if v is None:
        lo, hi = trainer.data.bounds(pad=4.0)
        lo, hi = float(lo[0]), float(hi[0])
        pad = 0.15 * (hi - lo)
        lo, hi = lo - pad, hi + pad
        edges = np.linspace(lo, hi, GRID_1D + 1)
        x = 0.5 * (edges[1:] + edges[:-1])
        dx = edges[1] - edges[0]
        pm = np.maximum(trainer.data.cell_mass(edges), 0.0)
        cdf_lo, cdf_hi = trainer.data.cdf(np.array([lo, hi]))
        P = np.concatenate([[cdf_lo], pm, [max(0.0, 1 - cdf_hi)]])
        m = density.DEFAULT_M
        u_mid = (np.arange(m) + 0.5) / m
        v = {"edges": edges, "x": x, "dx": dx, "P": P, "pm": pm,
             "u_mid": u_mid, "p_quant": trainer.data.ppf(u_mid),
             "real": trainer.data.sample(N_VIEW, seed=VIEW_SEED)}
        trainer._views["grid1d"] = v
    return v


def take(trainer, run: int = 0, averaged: bool | None = None) -> Snapshot:
    """The snapshot of run ``run``. ``averaged``: draw the weight-averaged generator (train.ema) or the live
    one. Default (None): live in 1-D, where the view draws D next to D* and V(D, G) — all three are about the
    generator D is trained against, and D* of the average would be a curve D cannot (and should not) reach;
    the average in 2-D, where the views are the samples and densities and D* is not drawn."""
    if averaged is None:
        averaged = trainer.dim != 1
    if trainer.dim == 1:
        return _take_1d(trainer, run, averaged)
    from gantoy.metrics2d import take_2d

    return take_2d(trainer, run, averaged)


def _take_1d(trainer, run, averaged):
    v = _grid_1d(trainer)
    g = trainer.generator(run, averaged)
    noise = trainer.cfg.model.noise
    # one G pass for everything the view needs: the push-forward nodes, the shown samples, the arrows
    z_nodes = density.pushforward_inputs(noise)
    z_view = trainer.noise(N_VIEW, seed=VIEW_SEED).double().numpy().reshape(-1)
    za = _arrow_noise(noise)
    with torch.no_grad():
        gz_all = g(np.concatenate([z_nodes, z_view, za])).reshape(-1).double().numpy()
    n0, n1 = len(z_nodes), len(z_nodes) + N_VIEW
    qm, ql, qr, xs = density.pushforward_from_values(gz_all[:n0], noise, v["edges"])
    fake, gz = gz_all[n0:n1].reshape(-1, 1), gz_all[n1:]
    Q = np.concatenate([[ql], qm, [qr]])
    P = v["P"]
    div = metrics.divergences_masses(P, Q)
    obj, prm = trainer.objective(run)
    dfun = trainer.discriminator(run)
    fin = np.isfinite(xs)
    with torch.no_grad():
        a_all = dfun(np.concatenate([v["x"], np.where(fin, xs, 0.0)]))  # one D pass: the grid and G's nodes
        a_grid = a_all[: len(v["x"])]
        d_disp = obj.display(a_grid, prm).double().numpy()
        # V(D, G) by quadrature: E_P over cells, E_Q by the trapezoid rule over G's quantile nodes
        e_p = float(np.dot(v["pm"], obj.real(a_grid, prm).double().numpy()) / max(v["pm"].sum(), 1e-300))
        fq = obj.fake(a_all[len(v["x"]):], prm).double().numpy()
        fq = np.where(fin, fq, np.nan)
        e_q = float(0.5 * (fq[:-1] + fq[1:]).mean()) if noise == "uniform" else float(np.mean(fq))
    value = e_p + e_q
    if trainer.pack > 1:
        value = trainer.packed_value(run, v["real"], fake)
    d_star = packed_d_star(obj, v["pm"], qm, prm, trainer.pack)
    if d_star is not None:
        ok = np.isfinite(d_star)
        d_star_err = float(np.sum(np.abs(d_disp - d_star)[ok] * 0.5 * (v["pm"] + qm)[ok]))
    else:
        d_star_err = math.nan
    mids = 0.5 * (xs[:-1] + xs[1:]) if noise == "uniform" else xs
    # P's quantiles at the same equally spaced u as Q's points (exact nodes when the counts agree)
    p_at = np.interp((np.arange(len(mids)) + 0.5) / len(mids), v["u_mid"], v["p_quant"])
    w1 = metrics.w1_quantiles(p_at, np.where(np.isfinite(mids), mids, np.inf))
    m = {
        "js": div["js"], "kl_data_g": div["kl_pq"], "kl_g_data": div["kl_qp"], "tv": div["tv"],
        "hellinger2": div["hellinger2"], "w1": w1, "value": value, "bound": float(obj.bound(value, prm)),
        "d_star_err": d_star_err, "mass_outside": ql + qr,
    }
    centers = getattr(trainer.data, "centers", None)
    if centers is not None:
        ms = metrics.mode_stats(fake, centers, trainer.data.stds, min_count=_min_count(trainer),
                                weights=trainer.data.weights)
        m.update({"modes": ms["modes"], "hq": ms["hq"], "mode_kl": ms["mode_kl"]})
    floors = {k: 0.0 for k in ("js", "kl_data_g", "kl_g_data", "tv", "hellinger2", "w1", "d_star_err")}
    return Snapshot(
        x=v["x"], p_data=v["pm"] / v["dx"], p_g=qm / v["dx"], d=d_disp, d_star=d_star,
        real=v["real"], fake=fake, z=np.array(za), gz=gz, iteration=trainer.iteration, losses=trainer.losses(run),
        metrics=m, floors=floors, run=run, dim=1, objective=obj.id, d_label=d_label(obj, trainer.pack),
        d_updates=trainer.d_updates, g_updates=trainer.g_updates)


@functools.lru_cache(maxsize=2)
def _arrow_noise(noise: str) -> np.ndarray:
    """The z of the Figure 1 view's arrows z -> G(z): evenly spaced in the noise's quantile (read-only)."""
    za = np.linspace(0.0, 1.0, N_ARROWS) if noise == "uniform" else special.ndtri(np.linspace(0.02, 0.98, N_ARROWS))
    za.flags.writeable = False
    return za


def packed_d_star(obj, p, q, prm, pack: int):
    """The optimal D on the grid; with PacGAN packing, on the diagonal pack (x, ..., x), where the
    packed densities are p(x)^m and q(x)^m (Lin et al. 2018), e.g. GAN: p^m / (p^m + q^m)."""
    if obj.d_star is None:
        return None
    return obj.d_star(p ** pack, q ** pack, prm) if pack > 1 else obj.d_star(p, q, prm)


def d_label(obj, pack: int) -> str:
    return obj.display_label if pack == 1 else f"{obj.display_label} on the pack (x, …, x) of {pack}"


MIN_COUNT_FRAC = 0.1   # a mode is covered with >= 10% of its expected share of high-quality samples


def min_count_for(k: int, n: int = N_VIEW) -> int:
    """Modes count as covered with at least this many high-quality samples of n (REFERENCES.md §5:
    PacGAN's code uses 1, which a generator spraying samples everywhere meets by accident — ~2 per
    grid25 mode from 2500 uniform samples; we use 10% of the expected per-mode count, at least 1)."""
    return max(1, int(MIN_COUNT_FRAC * n / k))


def _min_count(trainer) -> int:
    return min_count_for(len(trainer.data.centers))
