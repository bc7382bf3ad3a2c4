"""Discriminator penalties, by id: what an objective's ``penalties`` name (core/objectives.py).

Each penalty is a per-run term added to D's loss, weighed by one objective parameter and off when that
parameter is 0. ``fn(critic, real, fake, eps, prm)``: ``critic`` evaluates D's raw output for the runs
being penalised (x [R', B, d] -> [R', B, 1]); ``real`` and ``fake`` are their batches; ``eps`` [R', B, 1] are
uniform draws (only for penalties that interpolate, ``needs_eps``); returns the penalty per run [R'].
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import torch


def gradient_penalty(critic, real, fake, eps, prm):
    """WGAN-GP (Gulrajani et al. 2017, eq. 3): λ·E_x̂(‖∇f(x̂)‖ − 1)² on interpolates x̂ = εx + (1 − ε)x̃;
    ``one_sided`` penalises only ‖∇f‖ > 1 (their appendix)."""
    xh = (eps * real + (1 - eps) * fake).requires_grad_(True)
    (grad,) = torch.autograd.grad(critic(xh).sum(), xh, create_graph=True)
    gn = grad.norm(dim=2)
    gap = torch.relu(gn - 1) if prm["one_sided"] else gn - 1
    return prm["lam"] * (gap**2).mean(1)


def r1_penalty(critic, real, fake, eps, prm):
    """R1 (Mescheder et al. 2018, eq. 9): (γ/2)·E_data‖∇_x a(x)‖² on D's raw output a."""
    xr = real.detach().requires_grad_(True)
    (grad,) = torch.autograd.grad(critic(xr).sum(), xr, create_graph=True)
    return 0.5 * prm["r1"] * (grad**2).sum(2).mean(1)


@dataclass(frozen=True)
class Penalty:
    id: str              # registry key
    param: str           # the objective parameter that weighs it (0 = off)
    needs_eps: bool      # draws one uniform ε per sample (interpolates)
    fn: Callable         # fn(critic, real, fake, eps, prm) -> [R'] (see the module docstring)


PENALTIES = {
    "gp": Penalty("gp", "lam", True, gradient_penalty),
    "r1": Penalty("r1", "r1", False, r1_penalty),
}
