"""Snapshot: everything a view needs about one run at one moment, as plain numpy arrays, and its metric row.

``take(trainer, run)`` reads a trainer only through its public methods (generator, discriminator,
objective, noise, sample, packed_value, losses, counters); what it reuses between frames is cached per
data set in measure/views.py.

1-D (exact): p_data and p_g are cell masses on a 1000-cell grid divided by the cell width; p_g is the
exact push-forward of the noise (density.py, M = 8192 quantiles); two extra "tail" cells hold the mass
outside the grid, so divergences see all of it. KL(p_data‖p_g) is +inf whenever G's support misses
part of p_data's — always true for a bounded generator on uniform noise, and reported as such.
W1 is ∫|F_P⁻¹(u) − F_Q⁻¹(u)|du from the two quantile functions (no grid). V(D, G) is computed by
quadrature: Σ P_cell real(a(x)) + the trapezoid rule over G's quantiles for E_Q fake(a(G(z))).
The noise floors of these estimators are 0 (they are deterministic; P against itself gives exactly 0).

2-D (estimated): see estimate2d.py.
"""
from __future__ import annotations

import dataclasses

import functools
import math
from dataclasses import dataclass

import numpy as np
import torch
from scipy import special

from gantoy.measure import density, metrics
from gantoy.measure.estimate2d import N_LIVE, VIEW_2D, VIEW_SEED, data_key, estimate
from gantoy.measure.views import N_VIEW, views_1d, views_2d

N_ARROWS = 33           # z -> x arrows in the Figure 1 view
N_VALUE = 1000          # 2-D: samples per side for V(D, G)


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
    d_prob: bool = False      # `d` is a probability (D(x) in [0, 1]; ½ means "cannot tell")
    d_updates: int = 0        # discriminator updates so far
    g_updates: int = 0        # generator updates so far
    own_d_updates: int = -1   # this run's own D updates, where an ensemble's runs have their own k (-1: d_updates)
    mode_counts: object = None  # mixtures: near-mode samples per mode (of N_VIEW), for marking covered modes
    min_count: object = 0     # the samples each mode needs to count as covered (one per mode: by its weight)


def take(trainer, run: int = 0, averaged: bool | None = None) -> Snapshot:
    """The snapshot of run ``run``. ``averaged``: draw the weight-averaged generator (train.ema) or the live
    one. Default (None): live in 1-D, where the view draws D next to D* and V(D, G) — all three are about the
    generator D is trained against, and D* of the average would be a curve D cannot (and should not) reach;
    the average in 2-D, where the views are the samples and densities and D* is not drawn."""
    if averaged is None:
        averaged = trainer.dim != 1
    return (_take_1d if trainer.dim == 1 else _take_2d)(trainer, run, averaged)


def _take_1d(trainer, run, averaged):
    v = views_1d(data_key(trainer.cfg.data))
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
    div = metrics.divergences_masses(v["P"], Q)
    obj, prm = trainer.objective(run)
    fin = np.isfinite(xs)
    with torch.no_grad():
        a_all = trainer.discriminator(run)(np.concatenate([v["x"], np.where(fin, xs, 0.0)]))  # grid and G's nodes
        a_grid = a_all[: len(v["x"])]
        d_disp = obj.display(a_grid, prm).double().numpy()
        # V(D, G) by quadrature: E_P over cells, E_Q by the trapezoid rule over G's quantile nodes
        e_p = float(np.dot(v["pm"], obj.real(a_grid, prm).double().numpy()) / max(v["pm"].sum(), 1e-300))
        fq = np.where(fin, obj.fake(a_all[len(v["x"]):], prm).double().numpy(), np.nan)
        e_q = float(0.5 * (fq[:-1] + fq[1:]).mean()) if noise == "uniform" else float(np.mean(fq))
    value = trainer.packed_value(run, v["real"], fake) if trainer.pack > 1 else e_p + e_q
    mids = 0.5 * (xs[:-1] + xs[1:]) if noise == "uniform" else xs
    # P's quantiles at the same equally spaced u as Q's points (exact nodes when the counts agree)
    p_at = np.interp((np.arange(len(mids)) + 0.5) / len(mids), v["u_mid"], v["p_quant"])
    m = {"js": div["js"], "kl_data_g": div["kl_pq"], "kl_g_data": div["kl_qp"], "tv": div["tv"],
         "hellinger2": div["hellinger2"], "w1": metrics.w1_quantiles(p_at, np.where(np.isfinite(mids), mids, np.inf)),
         "mass_outside": ql + qr}
    data = trainer.data
    if getattr(data, "centers", None) is not None:
        ms = metrics.mode_stats(fake, data.centers, data.stds, min_count=metrics.min_count_for(data.weights),
                                weights=data.weights)
        m.update({"modes": ms["modes"], "modes_pub": ms["modes_pub"], "hq": ms["hq"], "mode_kl": ms["mode_kl"],
                  "mode_counts": ms["counts"]})
    floors = {k: 0.0 for k in ("js", "kl_data_g", "kl_g_data", "tv", "hellinger2", "w1", "d_star_err")}
    return _finish(trainer, run, obj, prm, m, value, d_disp, v["pm"], qm, floors, (v["P"], Q),
                   x=v["x"], p_data=v["pm"] / v["dx"], p_g=qm / v["dx"], real=v["real"], fake=fake,
                   z=np.array(za), gz=gz, dim=1)


def _take_2d(trainer, run, averaged):
    v = views_2d(data_key(trainer.cfg.data))
    fake = trainer.sample(N_LIVE, run=run, seed=VIEW_SEED, averaged=averaged)
    m, qm_div = estimate(trainer.data, fake, v)
    obj, prm = trainer.objective(run)
    real = v["real"]
    packed = trainer.pack > 1
    with torch.no_grad():
        # one D pass: the view grid, then (unpacked D) N_VALUE real and N_VALUE fake samples for V(D, G)
        n_grid = len(v["pts"])
        a_all = trainer.discriminator(run)(v["pts"] if packed else
                                           np.concatenate([v["pts"], real[:N_VALUE], fake[:N_VALUE]]))
        d_disp = obj.display(a_all[:n_grid], prm).double().numpy().reshape(VIEW_2D, VIEW_2D)
        value = trainer.packed_value(run, real, fake) if packed else float(
            obj.real(a_all[n_grid:n_grid + N_VALUE], prm).mean() + obj.fake(a_all[n_grid + N_VALUE:], prm).mean())
    pv, qv = v["pm_view"], density.hist2d_masses(fake, v["vx"], v["vy"])[0]
    masses = (v["P"], np.append(qm_div.ravel(), m["mass_outside"]))
    return _finish(trainer, run, obj, prm, m, value, d_disp, pv, qv, dict(v["floors"]), masses,
                   x=(v["cx"], v["cy"]), p_data=pv / v["cell_view"], p_g=qv / v["cell_view"], real=real,
                   fake=fake[:N_VIEW], z=None, gz=None, dim=2)


def _finish(trainer, run, obj, prm, m, value, d_disp, pm, qm, floors, masses, **arrays) -> Snapshot:
    """What 1-D and 2-D share: D* on the view grid (on the pack's diagonal with PacGAN), d_star_err (mean
    |D − D*| weighted by (p_data + p_g)/2, in density-ratio units: d_star_error), for a probability display d_flat (mean |D − ½| under p_data: ½ is
    "cannot tell"), the value, its bound and what it is compared with (v_star: max_D V on the divergence
    cells' masses ``masses``, or for a critic the W1 it estimates), the Snapshot."""
    d_star = packed_d_star(obj, pm, qm, prm, trainer.pack)
    m["d_star_err"] = d_star_error(obj, prm, d_disp, pm, qm, trainer.pack)
    counts = m.pop("mode_counts", None)
    if obj.probability:
        m["d_flat"] = float(np.sum(np.abs(d_disp - 0.5) * pm) / max(float(np.sum(pm)), 1e-300))
    m["value"] = value
    m["bound"] = float(obj.bound(value, prm))
    m["v_star"] = float(obj.optimum(*masses, prm)) if obj.optimum is not None else m["w1"]
    return Snapshot(d=d_disp, d_star=d_star, iteration=trainer.iteration, losses=trainer.losses(run), metrics=m,
                    floors=floors, run=run, objective=obj.id, d_label=d_label(obj, trainer.pack),
                    d_prob=obj.probability, d_updates=trainer.d_updates, g_updates=trainer.g_updates,
                    own_d_updates=trainer.run_d_updates[run],
                    mode_counts=counts, min_count=metrics.min_count_for(trainer.data.weights) if counts is not None else 0,
                    **arrays)


@functools.lru_cache(maxsize=2)
def _arrow_noise(noise: str) -> np.ndarray:
    """The z of the Figure 1 view's arrows z -> G(z): evenly spaced in the noise's quantile (read-only)."""
    za = np.linspace(0.0, 1.0, N_ARROWS) if noise == "uniform" else special.ndtri(np.linspace(0.02, 0.98, N_ARROWS))
    za.flags.writeable = False
    return za


def d_star_error(obj, prm, d, pm, qm, pack: int = 1) -> float:
    """d_star_err: mean |r(D) − r(D*)| under (p_data + p_g)/2 on the view grid, r the density ratio a D implies
    (objectives.Objective.d_error; |D − D*| for a probability D); with packing on the pack's diagonal, where the
    packed masses are p^m and q^m. NaN for a critic (no D*)."""
    return obj.d_error(d, pm ** pack, qm ** pack, prm) if pack > 1 else obj.d_error(d, pm, qm, prm)


def packed_d_star(obj, p, q, prm, pack: int):
    """The optimal D on the grid; with PacGAN packing, on the diagonal pack (x, ..., x), where the
    packed densities are p(x)^m and q(x)^m (Lin et al. 2018), e.g. GAN: p^m / (p^m + q^m)."""
    if obj.d_star is None:
        return None
    return obj.d_star(p ** pack, q ** pack, prm) if pack > 1 else obj.d_star(p, q, prm)


def d_label(obj, pack: int) -> str:
    return obj.display_label if pack == 1 else f"{obj.display_label} on the pack (x, …, x) of {pack}"


# ---- the metric row: one per recorded moment, the one layout of every metrics CSV -------------------
ROW_COLUMNS = ["iteration", "run", "d_updates", "g_updates", "loss_d", "loss_g", "js", "kl_data_g", "kl_g_data",
               "tv", "hellinger2", "w1", "value", "bound", "v_star", "d_star_err", "mass_outside"]
EXTRA_COLUMNS = ["d_flat", "modes", "modes_pub", "hq", "mode_kl"]   # probability displays; mixtures with known modes


def metric_row(snap: Snapshot) -> dict:
    """The metric row of a snapshot: counters, losses and the scalar metrics, in ROW_COLUMNS order."""
    # d_updates: the run's own (an ensemble's runs with a smaller k sit some D steps out), as the counter line says
    own = snap.d_updates if snap.own_d_updates < 0 else snap.own_d_updates
    row = {"iteration": snap.iteration, "run": snap.run, "d_updates": own, "g_updates": snap.g_updates,
           "loss_d": snap.losses.get("d", math.nan), "loss_g": snap.losses.get("g", math.nan)}
    for k in ROW_COLUMNS[6:] + [k for k in EXTRA_COLUMNS if k in snap.metrics]:
        row[k] = float(snap.metrics.get(k, math.nan))
    return row


# ---- the view frame: what an animation of one moment needs ------------------------------------------
FRAME_POINTS = 500      # samples kept per frame (real and generated) for the 2-D views


def frame(snap: Snapshot) -> dict:
    """The arrays a view of one moment needs, as float32 (what History records for exports).
    Size: 1-D ~ 5 x 1000 grid values + 2 x 33 arrows ~ 21 KB; 2-D ~ 3 x 64² grid values + 2 x 500
    points ~ 53 KB."""
    f32 = (lambda a: None if a is None else np.asarray(a, dtype=np.float32))
    return {
        "iteration": snap.iteration, "d_updates": snap.d_updates, "g_updates": snap.g_updates, "dim": snap.dim,
        "own_d_updates": snap.own_d_updates,
        "objective": snap.objective, "d_label": snap.d_label, "d_prob": snap.d_prob,
        "x": f32(snap.x) if snap.dim == 1 else tuple(f32(a) for a in snap.x),
        "p_data": f32(snap.p_data), "p_g": f32(snap.p_g), "d": f32(snap.d), "d_star": f32(snap.d_star),
        "real": f32(snap.real[:FRAME_POINTS]), "fake": f32(snap.fake[:FRAME_POINTS]),
        "z": f32(snap.z), "gz": f32(snap.gz), "metrics": dict(snap.metrics), "floors": dict(snap.floors),
        "mode_counts": snap.mode_counts, "min_count": snap.min_count,
    }


def from_frame(f: dict) -> Snapshot:
    """A recorded frame as a Snapshot again (the timeline redraws a moment from it: the figures and the
    metric column read the same fields; the losses were not recorded)."""
    names = {fl.name for fl in dataclasses.fields(Snapshot)}
    return Snapshot(**{k: v for k, v in f.items() if k in names}, losses={}, run=0)


def frame_nbytes(f: dict) -> int:
    return sum(v.nbytes if isinstance(v, np.ndarray) else sum(a.nbytes for a in v) if isinstance(v, tuple) else 0
               for v in f.values())


# ---- an ensemble's frame: every run of one moment ---------------------------------------------------
SHARED = ("x", "p_data", "real")   # the data's arrays: one data set and one view grid for every run


def ensemble_frame(snaps: list) -> dict:
    """Run 0's frame, as ``frame`` makes it (what reads a single run's frame reads run 0's), with the other runs'
    frames under "runs" (exports draw every run: render/animation). Their data arrays are run 0's own objects:
    stored once (2-D: ~20 of ~74 KB a run)."""
    f0 = frame(snaps[0])
    shared = {k: f0[k] for k in SHARED}
    return {**f0, "runs": [{**frame(s), **shared} for s in snaps[1:]]}


def from_ensemble_frame(f: dict) -> list:
    """Every run's Snapshot of a moment recorded by ``ensemble_frame``."""
    return [dataclasses.replace(from_frame(g), run=r) for r, g in enumerate([f, *f.get("runs", [])])]


def ensemble_frame_nbytes(f: dict) -> int:
    """The memory of an ensemble frame (the shared data arrays counted once)."""
    return frame_nbytes(f) + sum(frame_nbytes({k: v for k, v in g.items() if k not in SHARED})
                                 for g in f.get("runs", []))
