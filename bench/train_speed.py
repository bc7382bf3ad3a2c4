"""Trainer speed vs a plain PyTorch GAN loop written the usual way, measured in one process.

    python bench/train_speed.py [--steps 1500] [--repeats 3]

Same width (32), depth (2), batch (256), k = 1, Adam, 1-D Gaussian data, one thread per process
pass. Prints steps/s for: the plain loop (nn.Sequential, two torch.optim.Adam), the Trainer with
R = 1, and the Trainer with R = 8 (aggregate run-steps/s), and the ratios. Best of --repeats,
interleaved, so that machine noise hits all three alike.
"""
import argparse
import os
import sys
import time

import torch
from torch import nn

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from gantoy.config import DataConfig, ModelConfig, ObjectiveConfig, RunConfig, TrainConfig  # noqa: E402
from gantoy import Trainer  # noqa: E402

H, B = 32, 256


def plain_loop(steps):
    torch.manual_seed(0)
    G = nn.Sequential(nn.Linear(1, H), nn.LeakyReLU(0.2), nn.Linear(H, H), nn.LeakyReLU(0.2), nn.Linear(H, 1))
    D = nn.Sequential(nn.Linear(1, H), nn.LeakyReLU(0.2), nn.Linear(H, H), nn.LeakyReLU(0.2), nn.Linear(H, 1))
    og = torch.optim.Adam(G.parameters(), lr=1e-3, betas=(0.5, 0.999))
    od = torch.optim.Adam(D.parameters(), lr=1e-3, betas=(0.5, 0.999))
    bce = nn.BCEWithLogitsLoss()
    ones, zeros = torch.ones(B, 1), torch.zeros(B, 1)
    t = time.perf_counter()
    for _ in range(steps):
        x = 2.0 + 0.5 * torch.randn(B, 1)
        z = torch.randn(B, 1)
        fake = G(z).detach()
        ld = bce(D(x), ones) + bce(D(fake), zeros)
        od.zero_grad(); ld.backward(); od.step()
        z = torch.randn(B, 1)
        lg = bce(D(G(z)), ones)
        og.zero_grad(); lg.backward(); og.step()
    return steps / (time.perf_counter() - t)


def trainer_loop(steps, runs):
    cfg = RunConfig(
        data=DataConfig(name="mixture", means=[2.0], stds=[0.5], weights=[1.0]),
        model=ModelConfig(hidden=H, depth=2, activation="leaky_relu", z_dim=1, noise="normal"),
        objective=ObjectiveConfig(id="nsgan"),
        train=TrainConfig(batch_size=B, k=1, optimizer="adam", lr_d=1e-3, lr_g=1e-3, runs=runs, steps=steps))
    tr = Trainer(cfg)
    tr.step(20)  # warm-up
    t = time.perf_counter()
    tr.step(steps)
    return runs * steps / (time.perf_counter() - t)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--steps", type=int, default=1500)
    ap.add_argument("--repeats", type=int, default=3)
    a = ap.parse_args()
    torch.set_num_threads(1)
    best = {"plain": 0.0, "R1": 0.0, "R8": 0.0}
    for _ in range(a.repeats):
        best["plain"] = max(best["plain"], plain_loop(a.steps))
        best["R1"] = max(best["R1"], trainer_loop(a.steps, 1))
        best["R8"] = max(best["R8"], trainer_loop(a.steps // 4, 8))
    print(f"plain PyTorch loop      : {best['plain']:8.0f} steps/s")
    print(f"Trainer, R = 1          : {best['R1']:8.0f} steps/s   ratio {best['R1'] / best['plain']:.2f} (goal >= 1.0)")
    print(f"Trainer, R = 8 ensemble : {best['R8']:8.0f} run-steps/s   ratio {best['R8'] / best['plain']:.2f} (goal >= 3.5)")


if __name__ == "__main__":
    main()
