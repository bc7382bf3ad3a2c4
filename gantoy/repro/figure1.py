"""Figure 1 of Goodfellow et al. (2014), panels (a)-(d), from one actual run."""
from __future__ import annotations

import numpy as np

from gantoy.lessons import presets
from gantoy.measure import optimum
from gantoy.measure.snapshot import frame
from gantoy.measure.trainer import Trainer
from gantoy.render import animation
from gantoy.repro import Result, md_table, savefig

TITLE = "Figure 1: p_g slides onto p_data while D flattens to ½ (Goodfellow et al. 2014)"
DOC = """
**Paper.** Figure 1 (a schematic, not a run): (a) near convergence, D partially accurate; (b) in the inner
loop D converges to D* = p_data/(p_data + p_g); (c) after an update of G, the gradient of D has guided G(z)
towards regions more likely to be data; (d) after several steps p_g = p_data and D = ½. Black dotted
p_data, green p_g, blue dashed D; arrows x = G(z) from the uniform z line to the x line.

**Ours.** The `figure1` lesson (p_data = N(2, 0.5²) as in the lab; z ~ N(0, 1) drawn through its quantile
u = Φ(z), which is uniform, so the lower line is the paper's) trained with Algorithm 1, seed 0:
(a) after 150 iterations of ordinary training; (b) then D alone trained to its optimum exactly, as the lab's
"Train D to optimum" button does (L-BFGS on V(D, G) computed by quadrature on the exact densities, G fixed:
measure/optimum.py), until its weighted distance to D* is within 0.01; (c) then a few G steps; (d) the preset's
full 2000 iterations. The sampled inner loop of Algorithm 1 (D steps on minibatches) from the same state (a) is
reported beside (b): it approaches D* too, in hundreds of minibatch steps (it stops at d_star_err 0.01 or 3000
steps). The generator is the lesson's smooth one (ELU units), so p_g and D* are smooth curves as in the paper. Each
panel is the exported frame of that moment (D* thin grey) with the exact JS of that moment. The panels show the live
generator, which D is trained against (as the lab does), not the preset's weight average (train.ema = 0.99).
"""


def run(out: str, quick: bool) -> Result:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from tqdm import tqdm

    cfg = presets.get("figure1")
    tr = Trainer(cfg)
    a_at, g_steps = 150, 5
    end = 400 if quick else cfg.train.steps
    snaps, notes = [], []
    with tqdm(total=4, desc="figure1", leave=False) as bar:
        tr.step(a_at)
        snaps.append(tr.snapshot(averaged=False))
        notes.append(f"(a) after {a_at} iterations")
        bar.update()
        state = tr._state()      # the sampled inner loop from (a), for comparison; then back to (a)
        n = tr.step_d_to_optimum(tol=0.01, max_steps=1000 if quick else 3000, averaged=False)
        sampled = tr.snapshot(averaged=False).metrics["d_star_err"]
        tr._load(state)
        solver = optimum.solve(tr)
        snaps.append(tr.snapshot(averaged=False))
        notes.append(f"(b) + D to its optimum ({solver.iteration} L-BFGS steps)")
        bar.update()
        tr.step_g(g_steps)
        snaps.append(tr.snapshot(averaged=False))
        notes.append(f"(c) + {g_steps} G steps")
        bar.update()
        tr.step(end - tr.iteration)
        snaps.append(tr.snapshot(averaged=False))
        notes.append(f"(d) iteration {tr.iteration}")
        bar.update()
    frames = [frame(s) for s in snaps]
    imgs = animation.render_frames(frames, size=(640, 400), noise=cfg.model.noise)
    fig, axes = plt.subplots(1, 4, figsize=(20, 3.9))
    for ax, img, s, note in zip(axes, imgs, snaps, notes):
        ax.imshow(img)
        ax.set_axis_off()
        ax.set_title(f"{note}\nJS = {s.metrics['js']:.4f} nats, d_star_err = {s.metrics['d_star_err']:.3f}", fontsize=10)
    fig.tight_layout()
    png = savefig(fig, out, "figure1.png")
    plt.close(fig)
    rows = []
    for note, s in zip(notes, snaps):
        d = np.asarray(s.d, dtype=np.float64)
        w = (np.asarray(s.p_data) + np.asarray(s.p_g)) / 2
        rows.append({"panel": note, "JS (nats)": f"{s.metrics['js']:.4f}", "W1": f"{s.metrics['w1']:.4f}",
                     "d_star_err": f"{s.metrics['d_star_err']:.4f}",
                     "mean abs(D − ½) under (p_data + p_g)/2": f"{float(np.sum(np.abs(d - 0.5) * w) / np.sum(w)):.4f}"})
    d_final = float(rows[-1]["mean abs(D − ½) under (p_data + p_g)/2"])
    js = [s.metrics["js"] for s in snaps]
    checks = {
        "(b) D trained to its optimum reaches D* (d_star_err ≤ 0.01)": (
            snaps[1].metrics["d_star_err"] <= optimum.TOL,
            f"{snaps[0].metrics['d_star_err']:.4f} → {snaps[1].metrics['d_star_err']:.4f} in {solver.seconds:.2f} s"),
        "(b) the sampled inner loop from (a) brings D closer to D* too (d_star_err down by at least 20 %)": (
            sampled <= 0.8 * snaps[0].metrics["d_star_err"],
            f"{snaps[0].metrics['d_star_err']:.4f} → {sampled:.4f} in {n} D steps"),
        "(c) the G steps lower JS": (js[2] < js[1], f"{js[1]:.4f} → {js[2]:.4f}"),
    }
    if not quick:
        checks["(d) equilibrium: JS < 0.01 and D within 0.05 of ½"] = (js[3] < 0.01 and d_final < 0.05, f"JS {js[3]:.4f}, |D − ½| {d_final:.4f}")
    summary = f"![Figure 1 panels (a)-(d)]({png})\n\n" + md_table(rows, list(rows[0]))
    return Result(summary, checks)
