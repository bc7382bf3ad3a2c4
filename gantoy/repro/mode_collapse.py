"""Mode collapse on ring8 and grid25, five configurations over ten seeds (VEEGAN, Unrolled GAN, PacGAN setups)."""
from __future__ import annotations

import numpy as np

from gantoy import distribute
from gantoy.core import data
from gantoy.lessons import collapse, presets
from gantoy.measure import metrics
from gantoy.repro import Result, md_table, savefig

TITLE = "Mode collapse on ring8 and grid25 (Metz et al. 2017; Srivastava et al. 2017; Lin et al. 2018)"
DOC = """
**Papers.** Unrolled GAN, VEEGAN and PacGAN count, over 10 runs, how many modes of a ring of 8 and a grid of
25 Gaussians a generator covers and what fraction of its samples is "high quality" (within 3σ of a
mode), from 2500 samples. The minimax/non-saturating GAN drops modes; unrolling D, packing samples at D's
input (PacGAN) and the Wasserstein critic cover more. Their networks are larger (PacGAN: G 400 ReLU units,
D 200 maxout) and train far longer (400 epochs of 100 000 samples).

**Ours.** gantoy's `ring8` (radius 2, σ 0.02) and `grid25` (σ 0.05) lessons, configurations `gan`, `nsgan`,
`wgan-gp` (λ 0.1, k = 5), `unrolled` (5 unrolled D steps) and `pacgan` (m = 2) as in docs/COLLAPSE.md, seeds
0–9 trained in blocks of 5 seeds (one ensemble each; gantoy/distribute.py); 2500 samples per seed; a mode counts as covered with at least
10 % of its expected share of high-quality samples (PacGAN's code uses 1; see REFERENCES.md §5).
**Smaller and shorter than the lessons, to fit 10 minutes on 2 cores:** networks 64 units wide instead of 128
(ring8: 2 hidden layers, grid25: 3), batch 128 instead of 256, ring8 3000 iterations as its preset,
grid25 2000 instead of 4000; the twenty seed blocks run on two worker processes, one thread each. docs/COLLAPSE.md has the same five configurations at the lessons' full size (with its recipe 14 min 39 s for ring8 and 27 min 8 s for grid25 here).
Galleries: the final samples of every seed.

**What the 10-minute version shows, and does not.** On ring8 it agrees with the full-size study: WGAN-GP
covers every mode on every seed (8.0 ± 0.0), unrolled D 7.5 ± 0.8, and the minimax, non-saturating and
PacGAN2 GANs drop modes on some seeds (5.6–6.7 on average, single seeds from 0 to 8: ten seeds do not
separate those three — see COLLAPSE.md). On grid25, 2000 iterations of 64-unit networks are **too short**:
every configuration is still undertrained (2–15 % high-quality samples, at most 11 of 25 modes on any seed),
so that table says how far each gets in the budget, not which one avoids collapse; at the lessons' size
with the presets' constant rates (COLLAPSE.md: 4000 iterations, 128 units) gan, nsgan, wgan-gp and pacgan cover
13–20 of the 25 modes on average (unrolled 2.7).

This reproduction keeps the presets' constant learning rates. The published picture — remedies on every mode
with most samples near one — needs the recipe of COLLAPSE.md (4000 iterations, cosine decay, an average of G's
weights, lr 3e-3, unrolled D's D 5e-4), the default of `gantoy collapse` on ring8 and grid25, at the lessons' size: on ring8 WGAN-GP,
unrolled D and PacGAN2 cover 8.0 of 8 modes on every seed at 90–94 % high quality (14 min 39 s); on grid25 WGAN-GP
covers 25 of 25 on every seed at 91.0 % while PacGAN2 (14.3) and unrolled D (11.4) do not (27 min 8 s). Too long
for this 10-minute check; the commands and tables are in COLLAPSE.md.
"""


def gallery(ax_grid, res, centers):
    for ax, s in zip(ax_grid, res.samples):
        ax.scatter(s[:, 0], s[:, 1], s=0.5, c="#1a9e3a")
        ax.scatter(centers[:, 0], centers[:, 1], s=8, c="#111111", marker="x")
        ax.set_xticks([])
        ax.set_yticks([])
        lim = np.abs(centers).max() * 1.4
        ax.set_xlim(-lim, lim)
        ax.set_ylim(-lim, lim)


# the repro's size: smaller networks and batches than the lessons (see DOC), the lessons' schedules otherwise
SIZE = {"ring8": ({"model.hidden": 64, "train.batch_size": 128}, 3000),
        "grid25": ({"model.hidden": 64, "train.batch_size": 128}, 2000)}
# cost of an iteration relative to gan's (measured, one thread: D steps, unrolling, penalties): the
# longest studies are dispatched first so the two workers finish together
COST = {"unrolled": 6.0, "wgan-gp": 5.0, "pacgan": 1.2, "nsgan": 1.0, "gan": 1.0}


def run(out: str, quick: bool) -> Result:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from tqdm import tqdm

    sets = ["ring8"] if quick else ["ring8", "grid25"]
    configs = ["gan", "wgan-gp"] if quick else list(collapse.CONFIGS)
    seeds = 2 if quick else 10
    # tasks: (data set, configuration) x seed blocks (gantoy/distribute.py), the longest dispatched first so
    # the two workers finish together
    studies = [(name, c) for name in sets for c in configs]
    studies.sort(key=lambda j: -COST[j[1]] * (50 if quick else SIZE[j[0]][1]))
    tasks, keys = [], []
    for name, c in studies:
        cfg = presets.get(name).with_sets({} if quick else SIZE[name][0])
        for s0, n in distribute.seed_blocks(cfg.train.seed, seeds):
            tasks.append((cfg.to_json(), *collapse.CONFIGS[c], s0, n, 50 if quick else SIZE[name][1]))
            keys.append((name, c))
    workers = 1 if quick else max(1, min(2, distribute.cores()))
    with tqdm(total=len(tasks), desc="seed blocks", unit="block") as bar:
        done = distribute.run(collapse.run_block, tasks, workers=workers, progress=lambda i, n: bar.update(i - bar.n))
    results = {k: collapse.merge([r for kk, r in zip(keys, done) if kk == k]) for k in studies}
    parts, checks = [], {}
    for name in sets:
        cfg = presets.get(name)
        d = data.make(cfg.data)
        exact = metrics.mode_stats(d.sample(2500, seed=0), d.centers, d.stds, min_count=metrics.min_count_for(d.weights, 2500))
        checks[f"{name}: exact samples cover every mode with hq ≈ 1 − e^(−4.5) = 0.989"] = (
            exact["modes"] == len(d.centers) and abs(exact["hq"] - 0.989) < 0.01, f"{exact['modes']} modes, hq {exact['hq']:.3f}")
        res_list = [results[(name, c)] for c in configs]
        rows = [collapse.display_row(r.summary()) for r in res_list]
        fig, axes = plt.subplots(len(res_list), seeds, figsize=(1.3 * seeds, 1.4 * len(res_list)), squeeze=False)
        for res, ax_row in zip(res_list, axes):
            gallery(ax_row, res, np.asarray(d.centers))
            ax_row[0].set_ylabel(res.label, fontsize=8)
        fig.suptitle(f"{name}: final samples, seeds 0–{seeds - 1} (columns)", fontsize=9)
        fig.tight_layout()
        png = savefig(fig, out, f"gallery-{name}.png")
        plt.close(fig)
        c0 = res_list[0].cfg
        size = (f"{c0.model.depth} hidden layers of {c0.model.hidden} units, batch {c0.train.batch_size}, "
                f"{res_list[0].summary()['iterations']} iterations")
        parts.append(f"### {name}\n\n{size}.\n\n" + md_table(rows, list(rows[0])) + f"\n![{name} galleries]({png})\n")
        ok = all(0 <= f["modes"] <= len(d.centers) for res in res_list for f in res.final)
        checks[f"{name}: every run evaluated ({len(res_list)} configurations × {seeds} seeds)"] = (
            ok and all(not res.status for res in res_list), "ok" if ok else "a run failed")
    return Result("\n".join(parts), checks)
