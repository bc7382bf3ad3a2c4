"""How long "Spectrum now" takes for the 1-D lessons' networks (theory/spectrum.py), at the start and mid-lesson,
with the number of parameters and whether every eigenvalue (exact) or the largest by Arnoldi was computed; and,
measured in the same run, one vector–Jacobian product, the unit the Arnoldi iteration is made of. Goal: <= 1 s
(pressable in class). Record the output in bench/BENCHMARKS.md ("Spectrum").

    python bench/spectrum.py [--lessons figure1,spikes1d,bimodal1d,trimodal1d,imbalanced1d] [--at 0,200]
"""
import argparse
import os
import sys
import time

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from gantoy import Trainer, presets  # noqa: E402
from gantoy.theory import spectrum as SP  # noqa: E402


def vjp_seconds(tr, reps=10):
    gf = SP.GameField(tr)
    theta = gf.theta.clone().requires_grad_(True)
    f = gf.field(theta)
    v = torch.randn_like(f)
    t0 = time.perf_counter()
    for _ in range(reps):
        torch.autograd.grad(f, theta, grad_outputs=v, retain_graph=True)
    return (time.perf_counter() - t0) / reps


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--lessons", default="figure1,spikes1d,bimodal1d,trimodal1d,imbalanced1d")
    ap.add_argument("--at", default="0,200")
    a = ap.parse_args()
    torch.set_num_threads(1)
    print(f"{'lesson':14s} {'it':>5s} {'params':>7s} {'method':>8s} {'seconds':>8s} {'vjp ms':>7s} "
          f"{'max |λ|':>9s} {'max Re λ':>9s}")
    for name in a.lessons.split(","):
        for it in map(int, a.at.split(",")):
            tr = Trainer(presets.get(name))
            tr.step(it)
            SP.spectrum(tr, k=4)                     # warm: first-call costs (quadrature nodes, views cache)
            times, res = [], None
            for _ in range(3):
                res = SP.spectrum(tr)
                times.append(res["seconds"])
            ev = res["eigenvalues"]
            print(f"{name:14s} {it:5d} {res['n']:7d} {'exact' if res['exact'] else 'Arnoldi':>8s} "
                  f"{np.median(times):8.2f} {1e3 * vjp_seconds(tr):7.1f} {np.abs(ev).max():9.3g} "
                  f"{ev.real.max():9.3g}", flush=True)


if __name__ == "__main__":
    main()
