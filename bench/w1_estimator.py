"""The live 2-D W1 estimator against the two-sample one it replaced: noise floor and time.

    python bench/w1_estimator.py [--seeds 10]

Floor = W1 estimated between fresh samples of p_data and p_data itself (what "zero" reads as), mean ± sd
over seeds. "atoms": N_W1 samples against the W1_ATOMS k-means atoms of p_data (metrics2d.w1_atoms);
"two-sample": N_W1 samples against N_W1 other samples. Times: one thread, best of the seeds, same run.
"""
import argparse
import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from gantoy import data as data_mod, metrics, presets  # noqa: E402
from gantoy.measure.estimate2d import N_W1, W1_ATOMS, w1_atoms  # noqa: E402


def timed(fn):
    t = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - t


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seeds", type=int, default=10)
    args = ap.parse_args()
    print(f"N_W1 = {N_W1} generator samples; {W1_ATOMS} atoms")
    for name in ("ring8", "grid25", "swissroll"):
        d = data_mod.make(presets.get(name).data)
        (v, t_q) = timed(lambda: w1_atoms(d))
        one, two, t1, t2 = [], [], [], []
        for s in range(args.seeds):
            fake = d.sample(N_W1, seed=100 + s)
            w, t = timed(lambda: metrics.w1_to_atoms(fake, v["w1_atoms"], v["w1_weights"]))
            one.append(w), t1.append(t)
            w, t = timed(lambda: metrics.w1_samples_2d(fake, d.sample(N_W1, seed=200 + s)))
            two.append(w), t2.append(t)
        print(f"{name:10s} floor: atoms {np.mean(one):.3f} ± {np.std(one):.3f} in {1000 * min(t1):5.1f} ms; "
              f"two-sample {np.mean(two):.3f} ± {np.std(two):.3f} in {1000 * min(t2):5.1f} ms; "
              f"quantisation error {v['w1_quant_err']:.3f} (atoms built in {1000 * t_q:.0f} ms)")


if __name__ == "__main__":
    main()
