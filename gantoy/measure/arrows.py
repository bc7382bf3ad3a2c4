"""Extra arrays for the 2-D views, computed from a Trainer (engine side; viz.py only draws them)."""
from __future__ import annotations

import numpy as np
import torch


def manifold(trainer, run: int = 0, n_lines: int = 15, n_points: int = 80, extent: float = 2.5):
    """The generator's image of a square grid of noise values: a list of polylines [n_points, 2].
    Uses the first two noise coordinates (others 0); uniform noise spans [0, 1], normal [-extent, extent]."""
    zd = trainer.cfg.model.z_dim
    lo, hi = (0.0, 1.0) if trainer.cfg.model.noise == "uniform" else (-extent, extent)
    ticks = np.linspace(lo, hi, n_lines)
    t = np.linspace(lo, hi, n_points)
    g = trainer.generator(run)
    lines = []
    for fixed in ticks:
        for axis in (0, 1) if zd >= 2 else (0,):
            z = np.zeros((n_points, zd)) + (0.5 if trainer.cfg.model.noise == "uniform" else 0.0)
            z[:, axis] = t
            if zd >= 2:
                z[:, 1 - axis] = fixed
            with torch.no_grad():
                lines.append(g(z).double().numpy())
    return lines


def gradient_arrows(trainer, points, run: int = 0, length: float = 0.25):
    """The direction the generator's loss pushes generated samples ``points`` [n, 2] (the ones the view
    draws): -∇_x g(a(x)), scaled so that the longest arrow has ``length`` (data units). Returns (points, vectors)."""
    obj, prm = trainer.objective(run)
    x = torch.tensor(np.asarray(points, dtype=np.float32))
    x.requires_grad_(True)
    a = trainer.discriminator(run)(x)
    (grad,) = torch.autograd.grad(obj.g(a, prm).sum(), x)
    v = -grad.numpy().astype(np.float64)
    norm = np.linalg.norm(v, axis=1).max()
    if not np.isfinite(norm) or norm == 0:
        return x.detach().numpy(), np.zeros_like(v)
    return x.detach().numpy(), v * (length / norm)
