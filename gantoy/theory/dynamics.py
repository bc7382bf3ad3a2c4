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
        """(θ̇, ψ̇) as tensors. Partial derivatives are taken through zero offsets e₁, e₂ (d/de₁ L(θ + e₁, ψ)
        is ∂L/∂θ at a fixed ψ even when ψ itself depends on θ, as in an alternating step), with the graph
        kept, so the field can be differentiated again (``jacobian``, ``step_map_jacobian``)."""
        e1 = torch.zeros_like(th, requires_grad=True)
        e2 = torch.zeros_like(ps, requires_grad=True)
        g_loss, value = self._losses(th + e1, ps + e2)
        (dth,) = torch.autograd.grad(g_loss, e1, create_graph=True)
        (dps,) = torch.autograd.grad(value, e2, create_graph=True)
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

    def step_map_jacobian(self, theta: float, psi: float, method: str = "simultaneous", lr: float = 0.1,
                          momentum: float = 0.0) -> np.ndarray:
        """The Jacobian of one discrete update at a point, by autograd (clipping left out): the state is
        (θ, ψ, v_θ, v_ψ) with the heavy-ball velocities v' = βv + field, p' = p + h·v' — a 4x4 matrix, or the
        2x2 block of (θ, ψ) when β = 0. Simultaneous: both from the same point (I + h·J without momentum);
        alternating: the D step, then the G step at the new ψ. The iterates converge locally iff every
        eigenvalue lies inside the unit circle (Mescheder, Nowozin & Geiger 2017, §3; Gidel et al. 2019)."""
        if method not in METHODS:
            raise ValueError(f"method: {method!r} is not one of {', '.join(METHODS)}")

        def step(z):
            th, ps, vth, vps = z[0], z[1], z[2], z[3]
            if method == "simultaneous":
                dth, dps = self._field_t(th, ps)
                vth, vps = momentum * vth + dth, momentum * vps + dps
                return torch.stack([th + lr * vth, ps + lr * vps, vth, vps])
            vps = momentum * vps + self._field_t(th, ps)[1]
            ps = ps + lr * vps
            vth = momentum * vth + self._field_t(th, ps)[0]
            return torch.stack([th + lr * vth, ps, vth, vps])

        z = torch.tensor([float(theta), float(psi), 0.0, 0.0], dtype=torch.float64)
        J = torch.autograd.functional.jacobian(step, z).numpy()
        return J if momentum else J[:2, :2]

    def spectral_radius(self, method: str = "simultaneous", lr: float = 0.1, momentum: float = 0.0) -> float:
        """max |μ| over the eigenvalues of the update at the equilibrium (0, 0): < 1 converges locally."""
        return float(np.abs(np.linalg.eigvals(self.step_map_jacobian(0.0, 0.0, method, lr, momentum))).max())

    def _clipped(self, ps: float) -> float:
        return float(np.clip(ps, -self.clip, self.clip)) if self.clip is not None else ps


def reading(game: DiracGAN, method: str, lr: float, momentum: float = 0.0) -> str:
    """One sentence on what the eigenvalues of the update at the equilibrium say about the iterates."""
    rho = game.spectral_radius(method, lr, momentum)
    if rho > 1 + 1e-9:
        what, sign = "the iterates spiral out", ">"
    elif rho > 1 - 1e-9:
        what, sign = "the iterates circle on a bounded orbit, neither in nor out", "="
    else:
        what, sign = "the iterates spiral in to the equilibrium", "<"
    mom = f" with momentum β = {momentum:g}" if momentum else ""
    return f"{method} steps of {lr:g}{mom}: max |μ| = {rho:.4f} {sign} 1 at the equilibrium — {what}."


# lesson id -> (title, setup): the Dynamics lab's ready-made lessons; runs: (update rule, momentum) pairs
LESSONS = {
    "orbit": ("Why GANs orbit", dict(objective="gan", r1=0.0, lr=0.2, steps=500, start=(1.0, 1.0),
                                     runs=(("simultaneous", 0.0), ("alternating", 0.0)))),
    "r1": ("R1 makes it converge", dict(objective="gan", r1=0.3, lr=0.2, steps=500, start=(1.0, 1.0),
                                        runs=(("simultaneous", 0.0), ("alternating", 0.0)))),
    "wgan": ("WGAN: clipping does not help", dict(objective="wgan", r1=0.0, lr=0.2, steps=500, start=(1.0, 1.0),
                                                  runs=(("simultaneous", 0.0), ("alternating", 0.0)))),
    "momentum": ("Negative momentum", dict(objective="gan", r1=0.0, lr=0.2, steps=1000, start=(1.0, 1.0),
                                           runs=(("alternating", 0.0), ("alternating", -0.5)))),
}
WGAN_CLIP = 1.0   # the Dirac-GAN notebook's clip for WGAN (Mescheder et al. 2018)


def game_for(objective: str, r1: float = 0.0) -> DiracGAN:
    """The lab's game for a registry id: R1 only where the objective has that option, WGAN's clip at 1."""
    obj = objectives.get(objective)
    params = {obj.clip: WGAN_CLIP} if obj.clip else {}
    if obj.id == "wgan-gp":
        params["lam"] = 0.7     # the notebook's λ
    return DiracGAN(objective, r1=r1 if "r1" in obj.options else 0.0, params=params)
