"""Time of Trainer.snapshot() including all metrics, with one training iteration for scale.

    python bench/metrics_speed.py [--rounds 20]

Goals (issue 4): <= 15 ms in 1-D (grid 1000, exact push-forward) and <= 60 ms in 2-D (N_LIVE samples,
32² divergence grid, 64² views, exact OT W1 from N_W1 generator samples to W1_ATOMS atoms of p_data).
One thread; after a warm-up call (which fills the per-trainer caches: grids, p_data, quantiles, noise
floors) the presets are measured in turns, --rounds times, so passing load on a shared machine hits all
alike; prints the best and the median.
"""
import argparse
import os
import sys
import time

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from gantoy import presets  # noqa: E402
from gantoy.measure.estimate2d import N_LIVE, N_W1, W1_ATOMS  # noqa: E402
from gantoy import Trainer  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=20)
    ap.add_argument("--presets", default="figure1,bimodal1d,ring8,grid25,swissroll",
                    help="spikes1d is figure1 as it was before its ELU generator and 64-wide D")
    args = ap.parse_args()
    torch.set_num_threads(1)
    names = tuple(args.presets.split(","))
    trainers = {}
    for name in names:
        tr = Trainer(presets.get(name))
        tr.step(5)
        tr.snapshot()  # warm-up: fills the per-trainer caches
        trainers[name] = tr
    snap, step = {n: [] for n in names}, {n: [] for n in names}
    # round-robin over the presets, so a burst of load from other work on the shared machine hits
    # every preset alike instead of one preset's whole measurement
    for _ in range(args.rounds):
        for name, tr in trainers.items():
            t = time.perf_counter()
            tr.snapshot()
            snap[name].append(1000 * (time.perf_counter() - t))
            t = time.perf_counter()
            tr.step(1)
            step[name].append(1000 * (time.perf_counter() - t))
    for name, tr in trainers.items():
        goal = 15 if tr.dim == 1 else 60
        extra = "" if tr.dim == 1 else f" (N = {N_LIVE}, W1 {N_W1} samples to {W1_ATOMS} atoms)"
        print(f"{name:10s} {tr.dim}-D snapshot best {min(snap[name]):5.1f} ms, median {np.median(snap[name]):5.1f} ms "
              f"(goal <= {goal}){extra}; one training iteration {min(step[name]):5.1f} ms")


if __name__ == "__main__":
    main()
