"""Time of Trainer.snapshot() including all metrics, with one training iteration for scale.

    python bench/metrics_speed.py

Goals (issue 4): <= 15 ms in 1-D (grid 1000, exact push-forward) and <= 60 ms in 2-D (N_LIVE samples,
32² divergence grid, 64² views, exact OT W1 from N_W1 generator samples to W1_ATOMS atoms of p_data). One thread, best of 10 after a
warm-up call (which fills the per-trainer caches: grids, p_data, quantiles, noise floors).
"""
import os
import sys
import time

import torch

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from gantoy import presets  # noqa: E402
from gantoy.metrics2d import N_LIVE, N_W1, W1_ATOMS  # noqa: E402
from gantoy.train import Trainer  # noqa: E402


def best(fn, n=10):
    out = []
    for _ in range(n):
        t = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t)
    return 1000 * min(out)


def main():
    torch.set_num_threads(1)
    for name in ("figure1", "bimodal1d", "ring8", "grid25", "swissroll"):
        tr = Trainer(presets.get(name))
        tr.step(5)
        tr.snapshot()
        snap_ms = best(tr.snapshot)
        step_ms = best(lambda: tr.step(1))
        goal = 15 if tr.dim == 1 else 60
        extra = "" if tr.dim == 1 else f" (N = {N_LIVE}, W1 {N_W1} samples to {W1_ATOMS} atoms)"
        print(f"{name:10s} {tr.dim}-D snapshot {snap_ms:6.1f} ms (goal <= {goal}){extra}; "
              f"one training iteration {step_ms:5.1f} ms")


if __name__ == "__main__":
    main()
