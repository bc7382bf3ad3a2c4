"""The GAN game as a dynamical system in parameter space, starting with the Dirac-GAN.

Dirac-GAN (Mescheder, Geiger & Nowozin 2018, "Which training methods for GANs do actually converge?", §2;
REFERENCES.md §6): p_data = δ₀, p_θ = δ_θ, and a linear discriminator whose output scores fakes,
D_ψ(x) = ψx. In the registry's convention (a raw output a that is large on *real* data) that is a(x) = −ψx,
so the value is V(θ, ψ) = real(a(0)) + fake(a(θ)) = real(0) + fake(−ψθ), which for the GAN is the paper's
L(θ, ψ) = f(ψθ) + f(0) with f(t) = −log(1 + e^{−t}). The losses, penalties (R1, the WGAN-GP gradient
penalty) and weight clipping are the registry's (core/objectives.py, core/penalties.py): no copy of an
objective lives here. The field is computed by autograd in float64.

At the equilibrium (0, 0) the Jacobian of the GAN's field has eigenvalues ±i·f′(0) = ±i/2: simultaneous
gradient steps of size h multiply the distance to it by |1 + h·λ| = √(1 + h²/4) > 1 (an outward spiral);
with R1 of weight γ the eigenvalues are the roots of λ² + γλ + f′(0)² = 0 (Mescheder et al. 2018, §3-4).
"""
from __future__ import annotations

import numpy as np
import torch

from gantoy.core import objectives

METHODS = ("simultaneous", "alternating")


class DiracGAN:
    """The Dirac-GAN for a registry objective (``objective``: an id whose losses are defined on a scalar
    output: gan, nsgan, lsgan, wgan, wgan-gp, the f-GANs). ``params``: the objective's parameters (e.g.
    {"lam": 0.7} for wgan-gp, {"clip": 1.0} for wgan); ``r1``: the R1 weight γ (objectives with the r1
    option)."""

    def __init__(self, objective: str = "gan", r1: float = 0.0, params: dict | None = None):
        self.obj = objectives.get(objective)
        prm = dict(params or {})
        if r1:
            prm["r1"] = float(r1)
        self.obj.check_params(prm)
        self.prm = self.obj.p(prm)
        self.penalties = self.obj.active_penalties(self.prm)
        self.clip = self.prm[self.obj.clip] if self.obj.clip else None

    def _losses(self, th, ps):
        """(G's loss, D's penalised value), summed over points (each term depends on its own point only)."""
        a_fake = -ps * th
        value = self.obj.real(torch.zeros_like(th), self.prm) + self.obj.fake(a_fake, self.prm)
        g_loss = self.obj.g(a_fake, self.prm)
        if self.penalties:
            n = th.numel()
            real, fake = torch.zeros(n, 1, 1, dtype=th.dtype), th.reshape(n, 1, 1)
            eps = torch.full((n, 1, 1), 0.5, dtype=th.dtype)   # D's gradient in x is constant: any ε
            psr = ps.reshape(n, 1, 1)
            for pen in self.penalties:
                value = value - pen.fn(lambda x: -psr * x, real, fake, eps, self.prm).reshape(th.shape)
        return g_loss.sum(), value.sum()

    def _field_t(self, th, ps):
        # inputs that already carry a graph (jacobian) keep it, so the field can be differentiated again
        th = th if th.requires_grad else th.detach().clone().requires_grad_(True)
        ps = ps if ps.requires_grad else ps.detach().clone().requires_grad_(True)
        g_loss, value = self._losses(th, ps)
        (dth,) = torch.autograd.grad(g_loss, th, create_graph=True)
        (dps,) = torch.autograd.grad(value, ps, create_graph=True)
        return -dth, dps

    def field(self, theta, psi):
        """The continuous-time field (θ̇, ψ̇) = (−∂_θ G-loss, +∂_ψ penalised V) at any points (arrays ok)."""
        th = torch.as_tensor(np.asarray(theta, dtype=np.float64))
        ps = torch.as_tensor(np.asarray(psi, dtype=np.float64))
        th, ps = torch.broadcast_tensors(th, ps)
        dth, dps = self._field_t(th, ps)
        return dth.detach().numpy(), dps.detach().numpy()

    def jacobian(self, theta: float, psi: float) -> np.ndarray:
        """The 2x2 Jacobian of ``field`` at (θ, ψ), by autograd."""
        def f(v):
            dth, dps = self._field_t(v[0], v[1])
            return torch.stack([dth, dps])

        v = torch.tensor([float(theta), float(psi)], dtype=torch.float64)
        return torch.autograd.functional.jacobian(f, v).numpy()

    def simulate(self, start=(1.0, 1.0), method: str = "simultaneous", lr: float = 0.1, steps: int = 1000,
                 momentum: float = 0.0) -> np.ndarray:
        """Discrete training from ``start``: ``steps`` gradient steps of size ``lr`` on both players,
        "simultaneous" (both from the same point) or "alternating" (D first, then G against the new D, as
        Algorithm 1 of Goodfellow et al. 2014 does with k = 1), with heavy-ball ``momentum`` (negative values:
        Gidel et al. 2019). Weight clipping (WGAN) clips ψ after every D step. Returns [steps + 1, 2]."""
        if method not in METHODS:
            raise ValueError(f"method: {method!r} is not one of {', '.join(METHODS)}")
        th, ps = float(start[0]), float(start[1])
        vth = vps = 0.0
        out = np.empty((int(steps) + 1, 2))
        out[0] = th, ps
        for i in range(1, int(steps) + 1):
            if method == "simultaneous":
                dth, dps = (float(v) for v in self.field(th, ps))
            else:
                dps = float(self.field(th, ps)[1])
                vps = momentum * vps + dps
                ps = self._clipped(ps + lr * vps)
                dth = float(self.field(th, ps)[0])
                vth = momentum * vth + dth
                th = th + lr * vth
                out[i] = th, ps
                continue
            vth, vps = momentum * vth + dth, momentum * vps + dps
            th, ps = th + lr * vth, self._clipped(ps + lr * vps)
            out[i] = th, ps
        return out

    def _clipped(self, ps: float) -> float:
        return float(np.clip(ps, -self.clip, self.clip)) if self.clip is not None else ps
