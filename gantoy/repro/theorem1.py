"""Theorem 1 of Goodfellow et al. (2014): with D optimal, V(D, G) = −log 4 + 2·JS(p_data‖p_g)."""
from __future__ import annotations

import math

import numpy as np

from gantoy.lessons import presets
from gantoy.measure.trainer import Trainer
from gantoy.repro import Result, md_table, savefig

TITLE = "Theorem 1: the value at the optimal D is −log 4 + 2·JS (Goodfellow et al. 2014)"
DOC = """
**Paper.** Proposition 1: for fixed G the optimal discriminator is D* = p_data/(p_data + p_g); Theorem 1:
C(G) = max_D V(D, G) = −log 4 + 2·JS(p_data‖p_g), with its minimum −log 4 exactly at p_g = p_data.

**Ours.** The `figure1` lesson (1-D, exact p_g by push-forward of the noise quantiles). At checkpoints of
one training run we save the trainer, train D alone (the inner loop of Algorithm 1) until its weighted
distance to D* is below 0.002 or 6000 D steps, compute V(D, G) by quadrature on the 1000-point grid
(∫ p_data log D + ∫ p_g log(1 − D)) and compare it with −log 4 + 2·JS computed from the densities; then
restore the trainer and continue. p_g is the live generator's (the one D is trained against; the lab's
1-D views draw it too), not the weight average (train.ema). The theorem is about the optimum, so V ≤ C(G): the gap is D's
remaining suboptimality.
"""


def value_by_quadrature(snap) -> float:
    x = np.asarray(snap.x, dtype=np.float64)
    dx = x[1] - x[0]
    d = np.clip(np.asarray(snap.d, dtype=np.float64), 1e-300, 1 - 1e-16)
    return float(np.sum(snap.p_data * np.log(d) + snap.p_g * np.log1p(-d)) * dx)


def run(out: str, quick: bool) -> Result:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from tqdm import tqdm

    cfg = presets.get("figure1")
    tr = Trainer(cfg)
    checkpoints = [200] if quick else [0, 25, 50, 100, 200, 400, 800, 1200, 2000]
    tol, max_steps = (0.005, 1000) if quick else (0.002, 6000)
    rows = []
    for it in tqdm(checkpoints, desc="theorem1", leave=False):
        tr.step(it - tr.iteration)
        tr.save_checkpoint()
        n = tr.step_d_to_optimum(tol=tol, max_steps=max_steps, chunk=200, averaged=False)
        s = tr.snapshot(averaged=False)
        v = value_by_quadrature(s)
        c = -math.log(4) + 2 * s.metrics["js"]
        rows.append({"iteration": it, "D steps": n, "d_star_err": s.metrics["d_star_err"], "V": v, "C(G)": c,
                     "V − C(G)": v - c})
        tr.restore_checkpoint()
    err = max(abs(r["V − C(G)"]) for r in rows)
    fig, ax = plt.subplots(figsize=(7, 4))
    its = [r["iteration"] for r in rows]
    ax.plot(its, [r["C(G)"] for r in rows], "-", color="#111111", label="−log 4 + 2·JS (from the densities)")
    ax.plot(its, [r["V"] for r in rows], "o", color="#1f4fd1", label="V(D, G), D trained to optimum")
    ax.axhline(-math.log(4), color="#9a9a9a", ls="--", label="−log 4")
    ax.set_xlabel("iteration")
    ax.legend(fontsize=8)
    fig.tight_layout()
    png = savefig(fig, out, "theorem1.png")
    plt.close(fig)
    table = [{k: (f"{v:.5f}" if isinstance(v, float) else v) for k, v in r.items()} for r in rows]
    summary = f"![V against C(G)]({png})\n\n" + md_table(table, list(table[0])) + f"\nMax |V − C(G)|: {err:.2e}.\n"
    return Result(summary, {
        "|V(D*, G) − (−log 4 + 2·JS)| ≤ 1e-2 at every checkpoint": (err <= 1e-2, f"{err:.2e}"),
        "V never exceeds C(G) by more than quadrature error (V ≤ C + 1e-6)": (
            all(r["V − C(G)"] <= 1e-6 for r in rows), f"max V − C = {max(r['V − C(G)'] for r in rows):.2e}"),
    })
