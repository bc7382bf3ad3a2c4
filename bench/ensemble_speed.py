"""Ensembles: 8 runs in one Trainer vs 8 single runs one after another vs the plain PyTorch loop.

    python bench/ensemble_speed.py [--steps 600] [--repeats 3]

What the compare and mode-collapse labs rely on. Same width (32), depth (2), batch (256), Adam,
1-D Gaussian data, one thread. Aggregate run-steps/s (runs x iterations / second) for:
* the plain loop (bench/train_speed.plain_loop: nn.Sequential, torch.optim.Adam, BCE, k = 1);
* 8 single Trainer runs, sequentially (seeds 0-7, nsgan, k = 1);
* one ensemble of those 8 runs (train.runs = 8);
* one heterogeneous ensemble as the compare lab builds it: gan, nsgan, lsgan, f:kl, f:js, f:hellinger,
  nsgan with a 3x learning rate, and nsgan with k = 2 (the runs with k = 1 sit out its second D step).
Ratios to the plain loop are printed; best of --repeats, interleaved. Goal: ensemble >= 3.5x the plain loop.
"""
import argparse
import os
import sys
import time

import torch

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from bench.train_speed import B, H, plain_loop  # noqa: E402
from gantoy.config import DataConfig, ModelConfig, ObjectiveConfig, RunConfig, TrainConfig  # noqa: E402
from gantoy import Trainer  # noqa: E402

R = 8


def _cfg(oid="nsgan", seed=0, runs=1, **train):
    t = dict(batch_size=B, k=1, optimizer="adam", lr_d=1e-3, lr_g=1e-3, seed=seed, runs=runs, steps=10**6)
    t.update(train)
    return RunConfig(
        data=DataConfig(name="mixture", means=[2.0], stds=[0.5], weights=[1.0]),
        model=ModelConfig(hidden=H, depth=2, activation="leaky_relu", z_dim=1, noise="normal"),
        objective=ObjectiveConfig(id=oid), train=TrainConfig(**t)).validate()


def _time(tr, steps):
    tr.step(10)  # warm-up
    t = time.perf_counter()
    tr.step(steps)
    return time.perf_counter() - t


def sequential(steps):
    total = sum(_time(Trainer(_cfg(seed=s)), steps) for s in range(R))
    return R * steps / total


def ensemble(steps):
    return R * steps / _time(Trainer(_cfg(runs=R)), steps)


def heterogeneous(steps):
    cfgs = [_cfg(o) for o in ("gan", "nsgan", "lsgan", "f:kl", "f:js", "f:hellinger")]
    cfgs += [_cfg(lr_d=3e-3, lr_g=3e-3), _cfg(k=2)]
    return R * steps / _time(Trainer.from_configs(cfgs), steps)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--steps", type=int, default=600)
    ap.add_argument("--repeats", type=int, default=3)
    a = ap.parse_args()
    torch.set_num_threads(1)
    best = {"plain": 0.0, "seq": 0.0, "ens": 0.0, "het": 0.0}
    for _ in range(a.repeats):
        best["plain"] = max(best["plain"], plain_loop(a.steps * 2))
        best["seq"] = max(best["seq"], sequential(a.steps // 2))
        best["ens"] = max(best["ens"], ensemble(a.steps))
        best["het"] = max(best["het"], heterogeneous(a.steps))
    p = best["plain"]
    print(f"plain PyTorch loop (1 run)              : {p:8.0f} run-steps/s")
    print(f"8 single Trainer runs, one after another: {best['seq']:8.0f} run-steps/s   ratio {best['seq'] / p:.2f}")
    print(f"one ensemble of 8 runs (seeds)          : {best['ens']:8.0f} run-steps/s   ratio {best['ens'] / p:.2f}"
          " (goal >= 3.5)")
    print(f"one heterogeneous ensemble of 8 runs    : {best['het']:8.0f} run-steps/s   ratio {best['het'] / p:.2f}")


if __name__ == "__main__":
    main()
