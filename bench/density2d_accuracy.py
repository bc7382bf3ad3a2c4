"""Which 2-D p_g estimator and grid to use live: histogram vs binned KDE, at 128², 64² and 32² cells,
accuracy and time at N = N_LIVE.

    python bench/density2d_accuracy.py

For pairs (P = the data set, Q = a known mixture) whose exact divergences are known (Q reweights P's
modes, so the likelihood ratio is constant per mode and the cell-mass divergences are exact), draws
N_LIVE samples of Q, estimates p_g both ways on the live 128^2 grid, and prints the relative error
of JS, KL(Q||P), TV and H^2 against the truth, with the time per estimate. A broad pair of mixtures
(truth by fine-grid quadrature of the closed-form densities) shows the plug-in bias of fine grids.
"""
import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from gantoy import data as data_mod, density, metrics  # noqa: E402
from gantoy.config import DataConfig  # noqa: E402
from gantoy.measure.estimate2d import N_LIVE, grid_2d  # noqa: E402


def cases():
    ring = data_mod.make(DataConfig(name="ring8"))
    grid = data_mod.make(DataConfig(name="grid25"))
    w_half = np.array([0.25, 0, 0.25, 0, 0.25, 0, 0.25, 0])
    yield "ring8, Q on 4 of 8 modes", ring, data_mod.Mixture(ring.means, ring.stds, w_half), w_half
    P = data_mod.Mixture([[0.0, 0.0], [2.0, 1.0]], [0.6, 0.5], [0.5, 0.5])
    yield "broad mixtures (quadrature truth)", P, data_mod.Mixture([[0.3, 0.0], [1.5, 1.5]], [0.8, 0.5], [0.6, 0.4]), None
    for alpha in (5.0, 1.0):
        w = np.random.default_rng(0).dirichlet(np.full(25, alpha))
        yield f"grid25, Q Dirichlet({alpha:g}) weights", grid, data_mod.Mixture(grid.means, grid.stds, w), w


def main():
    for name, P, Q, wq in cases():
        if wq is not None:
            truth = metrics.divergences_masses(P.weights, wq)
        else:
            g = np.linspace(-6, 7, 1301)
            xx, yy = np.meshgrid(g, g, indexing="ij")
            pts = np.stack([xx.ravel(), yy.ravel()], 1)
            truth = metrics.divergences(P.pdf(pts), Q.pdf(pts), (g[1] - g[0]) ** 2)
        print(f"{name}: truth js={truth['js']:.4f} kl_qp={truth['kl_qp']:.4f} tv={truth['tv']:.4f} "
              f"h2={truth['hellinger2']:.4f}")
        for cells, est in ((128, "hist"), (64, "hist"), (32, "hist"), (32, "kde")):
            fn = density.ESTIMATORS_2D[est]
            ex, ey = grid_2d(P, cells)
            pm = P.cell_mass((ex, ey))
            Pv = np.append(pm.ravel(), max(0, 1 - pm.sum()))
            errs, times = [], []
            for seed in range(5):
                s = Q.sample(N_LIVE, seed=seed)
                t = time.perf_counter()
                qm, out = fn(s, ex, ey)
                d = metrics.divergences_masses(Pv, np.append(qm.ravel(), out))
                times.append(time.perf_counter() - t)
                errs.append([abs(d[k] - truth[k]) / max(truth[k], 1e-12) for k in ("js", "kl_qp", "tv", "hellinger2")])
            e = np.mean(errs, axis=0)
            print(f"   {est:4s} {cells:3d}²  rel. error js {e[0]:6.1%}  kl_qp {e[1]:6.1%}  tv {e[2]:6.1%}  h2 {e[3]:6.1%}   "
                  f"{1000 * np.mean(times):5.1f} ms")


if __name__ == "__main__":
    main()
