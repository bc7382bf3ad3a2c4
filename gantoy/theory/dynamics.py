"""The GAN game as a dynamical system in parameter space: small games whose vector field, Jacobian and update
rules can be computed exactly, and what each update does near the equilibrium.

A game has generator parameters g and discriminator parameters d; G descends its loss, D ascends the value:
the field is F(g, d) = (−∂_g L_G, +∂_d V), computed by autograd in float64 from the objective registry's own
losses and penalties (core/objectives.py, core/penalties.py) — no copy of an objective lives here.

* ``DiracGAN`` (Mescheder, Geiger & Nowozin 2018, "Which training methods for GANs do actually converge?",
  §2; REFERENCES.md §6): p_data = δ₀, p_θ = δ_θ and a linear discriminator scoring fakes, D_ψ(x) = ψx — in the
  registry's convention (a raw output large on *real* data) a(x) = −ψx, so V(θ, ψ) = real(0) + fake(−ψθ), the
  paper's L(θ, ψ) = f(ψθ) + f(0) with f(t) = −log(1 + e^{−t}) for the GAN. At the equilibrium (0, 0) its
  Jacobian has eigenvalues ±i·f′(0) = ±i/2; with R1 of weight γ the roots of λ² + γλ + f′(0)² = 0 (§3-4).
* ``GaussianGame``: p_data = N(m, s²), G(z) = μ + e^ρ z (a location-scale generator) against a quadratic
  discriminator a(x) = α x² + β x + c, expectations by Gauss–Hermite quadrature: five parameters, an
  equilibrium (μ, ρ) = (m, log s), α = β = c = 0 for the GAN, where its Jacobian is exact by autograd.

Update rules (``simulate``, ``step_map_jacobian``): simultaneous and alternating gradient steps (Algorithm 1 of
Goodfellow et al. 2014 with k = 1: D first), heavy-ball momentum, negative momentum (Gidel et al. 2019),
optimistic GD (Daskalakis et al. 2018: x + h(2F(x_t) − F(x_{t−1}))), extragradient (Korpelevich 1976; Gidel et al.
2019: x + hF(x + hF(x))); regularisers: R1 (Mescheder et al. 2018), WGAN's weight clipping, instance noise σ
(Sønderby et al. 2017; Mescheder et al. 2018 §3.3: D sees x + ε, ε ~ N(0, σ²)), consensus optimisation
(ConOpt, Mescheder, Nowozin & Geiger 2017: the field minus γ·∇½‖F‖²).
"""
from __future__ import annotations

import math

import numpy as np
import torch

from gantoy.core import objectives

METHODS = ("simultaneous", "alternating", "optimistic", "extragradient")
DIVERGED = 1e6    # |parameter| beyond which a simulated run is called diverged and stopped


def _hermite(n: int):
    """Probabilists' Gauss–Hermite nodes and weights (Σ w f(x) = E f(Z), Z ~ N(0, 1)) as float64 tensors."""
    x, w = np.polynomial.hermite_e.hermegauss(n)
    return torch.tensor(x), torch.tensor(w / math.sqrt(2 * math.pi))


def _check_method(method: str, momentum: float):
    if method not in METHODS:
        raise ValueError(f"method: {method!r} is not one of {', '.join(METHODS)}")
    if momentum and method not in ("simultaneous", "alternating"):
        raise ValueError(f"momentum: {method} steps take none (heavy-ball momentum is for simultaneous and "
                         "alternating steps)")


class Game:
    """A two-player game on a parameter vector x = (g [n_g], d [n_d]); subclasses give ``losses``."""

    n_g = 1
    n_d = 1
    clip = None        # |d| clipped to this after every D step (WGAN), or None

    def __init__(self, consensus: float = 0.0):
        self.consensus = float(consensus)   # ConOpt's γ (0 = off)

    def losses(self, g, d):  # pragma: no cover - abstract
        """(G's loss, D's penalised value), each [...] for parameters g [..., n_g], d [..., n_d]."""
        raise NotImplementedError

    # ---- the field ------------------------------------------------------------------------------
    def _plain(self, x, graph: bool = True, part: str = ""):
        """F(x) for x [..., n]: partial derivatives through zero offsets (d/de L(g + e, d) is ∂L/∂g at a fixed
        d even when d itself depends on g, as in an alternating step), with the graph kept when ``graph``.
        ``part`` "g" or "d": only that player's half (the other is 0), one backward pass instead of two."""
        e = torch.zeros_like(x, requires_grad=True)
        y = x + e
        g_loss, value = self.losses(y[..., :self.n_g], y[..., self.n_g:])
        zero = torch.zeros_like(x)
        dg = zero if part == "d" else torch.autograd.grad(g_loss.sum(), e, create_graph=graph, retain_graph=True)[0]
        dv = zero if part == "g" else torch.autograd.grad(value.sum(), e, create_graph=graph)[0]
        return torch.cat([-dg[..., :self.n_g], dv[..., self.n_g:]], -1)

    def field_t(self, x, graph: bool = True, part: str = ""):
        """The field the updates follow: F, or with ConOpt F − γ∇(½‖F‖²). ``graph=False`` (simulation: no
        derivative of F is taken) does not keep the graph; ``part``: see _plain (not with ConOpt, whose
        correction couples the halves)."""
        if not self.consensus:
            return self._plain(x, graph, part)
        f = self._plain(x, True)
        e = torch.zeros_like(x, requires_grad=True)
        f2 = self._plain(x + e)
        (grad,) = torch.autograd.grad(0.5 * (f2 ** 2).sum(), e, create_graph=True)
        return f - self.consensus * grad

    def vector_field(self, x) -> np.ndarray:
        """F at points x [..., n] (numpy in, numpy out)."""
        return self.field_t(torch.as_tensor(np.asarray(x, dtype=np.float64))).detach().numpy()

    def jacobian_at(self, x) -> np.ndarray:
        """The [n, n] Jacobian of the field at x, by autograd."""
        v = torch.as_tensor(np.asarray(x, dtype=np.float64))
        return torch.autograd.functional.jacobian(self.field_t, v).numpy()

    # ---- discrete updates -----------------------------------------------------------------------
    def _clip(self, x):
        if self.clip is None:
            return x
        return torch.cat([x[..., :self.n_g], x[..., self.n_g:].clamp(-self.clip, self.clip)], -1)

    def _update(self, x, v, prev, method, lr, momentum, graph=True):
        """One update from state (x, velocity v, previous field prev): (x', v', field used); ``graph``: keep
        the graph (for the update's Jacobian)."""
        ng = self.n_g
        if method == "simultaneous":
            f = self.field_t(x, graph)
            v = momentum * v + f
            return self._clip(x + lr * v), v, f
        if method == "alternating":   # D first (Algorithm 1, k = 1), then G against the new D
            fd = self.field_t(x, graph, "d")[..., ng:]
            vd = momentum * v[..., ng:] + fd
            x = self._clip(torch.cat([x[..., :ng], x[..., ng:] + lr * vd], -1))
            fg = self.field_t(x, graph, "g")[..., :ng]
            vg = momentum * v[..., :ng] + fg
            return torch.cat([x[..., :ng] + lr * vg, x[..., ng:]], -1), torch.cat([vg, vd], -1), None
        if method == "optimistic":
            f = self.field_t(x, graph)
            return self._clip(x + lr * (2 * f - prev)), v, f
        if method == "extragradient":
            half = self._clip(x + lr * self.field_t(x, graph))
            return self._clip(x + lr * self.field_t(half, graph)), v, None
        raise ValueError(f"method: {method!r} is not one of {', '.join(METHODS)}")

    def simulate_x(self, start, method: str = "simultaneous", lr: float = 0.1, steps: int = 1000,
                   momentum: float = 0.0) -> np.ndarray:
        """Discrete training from ``start`` [n]: ``steps`` updates of size ``lr``; returns [steps + 1, n], or
        fewer rows when the iterates diverge (leave |x| <= DIVERGED or stop being finite): the rows before."""
        _check_method(method, momentum)
        x = torch.as_tensor(np.asarray(start, dtype=np.float64)).clone()
        v = torch.zeros_like(x)
        prev = self.field_t(x, False).detach()   # optimistic GD starts as a plain step
        out = np.empty((int(steps) + 1, len(x)))
        out[0] = x.numpy()
        for i in range(1, int(steps) + 1):
            x, v, f = self._update(x, v, prev, method, lr, momentum, graph=False)
            x, v = x.detach(), v.detach()
            prev = f.detach() if f is not None else prev
            if not bool(torch.isfinite(x).all()) or float(x.abs().max()) > DIVERGED:
                return out[:i]
            out[i] = x.numpy()
        return out

    def step_map_jacobian_at(self, x, method: str = "simultaneous", lr: float = 0.1,
                             momentum: float = 0.0) -> np.ndarray:
        """The Jacobian of one update at a fixed point x (clipping left out), over the update's whole state:
        (x) for simultaneous, alternating and extragradient steps; (x, velocity) with momentum; (x, previous
        field) for optimistic GD. Iterates near x converge iff every eigenvalue lies inside the unit circle
        (Mescheder, Nowozin & Geiger 2017, §3)."""
        _check_method(method, momentum)
        n = len(np.asarray(x))
        clip, self.clip = self.clip, None
        try:
            if method == "optimistic":
                def step(z):
                    f = self.field_t(z[:n])
                    return torch.cat([z[:n] + lr * (2 * f - z[n:]), f])
                z = torch.cat([torch.as_tensor(np.asarray(x, dtype=np.float64)), self.field_t(
                    torch.as_tensor(np.asarray(x, dtype=np.float64))).detach()])
            else:
                def step(z):
                    x1, v1, _ = self._update(z[:n], z[n:], None, method, lr, momentum)
                    return torch.cat([x1, v1])
                z = torch.cat([torch.as_tensor(np.asarray(x, dtype=np.float64)), torch.zeros(n, dtype=torch.float64)])
            J = torch.autograd.functional.jacobian(step, z).numpy()
        finally:
            self.clip = clip
        return J if (momentum or method == "optimistic") else J[:n, :n]

    def update_eigenvalues_at(self, x, method: str = "simultaneous", lr: float = 0.1, momentum: float = 0.0):
        """The eigenvalues μ of one update at x, or None where the field has no Jacobian there (a penalty with a
        kink, as WGAN-GP's |ψ| at ψ = 0 in the Dirac-GAN)."""
        J = self.step_map_jacobian_at(x, method, lr, momentum)
        return np.linalg.eigvals(J) if np.all(np.isfinite(J)) else None

    def spectral_radius_at(self, x, method: str = "simultaneous", lr: float = 0.1, momentum: float = 0.0) -> float:
        """max |μ| over the update's eigenvalues at x; nan where the field has no Jacobian there."""
        ev = self.update_eigenvalues_at(x, method, lr, momentum)
        return float(np.abs(ev).max()) if ev is not None else float("nan")


class DiracGAN(Game):
    """The Dirac-GAN for a registry objective (``objective``: an id whose losses are defined on a scalar
    output: gan, nsgan, lsgan, hinge, wgan, wgan-gp, the f-GANs). ``params``: the objective's parameters (e.g.
    {"lam": 0.7} for wgan-gp, {"clip": 1.0} for wgan); ``r1``: the R1 weight γ (objectives with the r1
    option); ``noise``: the instance-noise σ; ``consensus``: ConOpt's γ."""

    def __init__(self, objective: str = "gan", r1: float = 0.0, params: dict | None = None, noise: float = 0.0,
                 consensus: float = 0.0):
        super().__init__(consensus)
        self.obj = objectives.get(objective)
        prm = dict(params or {})
        if r1:
            prm["r1"] = float(r1)
        self.obj.check_params(prm)
        self.prm = self.obj.p(prm)
        self.penalties = self.obj.active_penalties(self.prm)
        self.clip = self.prm[self.obj.clip] if self.obj.clip else None
        self.noise = float(noise)
        self._eps, self._w = _hermite(24) if noise else (torch.zeros(1, dtype=torch.float64), torch.ones(1, dtype=torch.float64))

    def losses(self, g, d):
        th, ps = g[..., 0], d[..., 0]
        eps = self.noise * self._eps           # D sees x + ε (one quadrature node per ε)
        a_real = -ps[..., None] * eps
        a_fake = -ps[..., None] * (th[..., None] + eps)
        value = (self._w * (self.obj.real(a_real, self.prm) + self.obj.fake(a_fake, self.prm))).sum(-1)
        g_loss = (self._w * self.obj.g(a_fake, self.prm)).sum(-1)
        if self.penalties:
            n = th.numel()
            real, fake = torch.zeros(n, 1, 1, dtype=th.dtype), th.reshape(n, 1, 1)
            eps0 = torch.full((n, 1, 1), 0.5, dtype=th.dtype)   # D's gradient in x is constant: any ε
            psr = ps.reshape(n, 1, 1)
            for pen in self.penalties:
                value = value - pen.fn(lambda x: -psr * x, real, fake, eps0, self.prm).reshape(th.shape)
        return g_loss, value

    # the (θ, ψ) API of DESIGN.md
    def field(self, theta, psi):
        """The continuous-time field (θ̇, ψ̇) = (−∂_θ G-loss, +∂_ψ penalised V) at any points (arrays ok)."""
        th, ps = np.broadcast_arrays(np.asarray(theta, dtype=np.float64), np.asarray(psi, dtype=np.float64))
        f = self.vector_field(np.stack([th, ps], -1))
        return f[..., 0], f[..., 1]

    def jacobian(self, theta: float, psi: float) -> np.ndarray:
        """The 2x2 Jacobian of ``field`` at (θ, ψ), by autograd."""
        return self.jacobian_at([float(theta), float(psi)])

    def simulate(self, start=(1.0, 1.0), method: str = "simultaneous", lr: float = 0.1, steps: int = 1000,
                 momentum: float = 0.0) -> np.ndarray:
        """Discrete training from ``start`` (see ``Game``'s update rules); returns [steps + 1, 2] of (θ, ψ)."""
        return self.simulate_x(start, method, lr, steps, momentum)

    def step_map_jacobian(self, theta: float, psi: float, method: str = "simultaneous", lr: float = 0.1,
                          momentum: float = 0.0) -> np.ndarray:
        return self.step_map_jacobian_at([float(theta), float(psi)], method, lr, momentum)

    def spectral_radius(self, method: str = "simultaneous", lr: float = 0.1, momentum: float = 0.0) -> float:
        """max |μ| over the eigenvalues of the update at the equilibrium (0, 0): < 1 converges locally."""
        return self.spectral_radius_at([0.0, 0.0], method, lr, momentum)


class GaussianGame(Game):
    """p_data = N(m, s²) against G(z) = μ + e^ρ z and a quadratic discriminator a(x) = α x² + β x + c, with a
    registry objective's losses (the GAN by default); expectations by Gauss–Hermite quadrature (``nodes``).
    Parameters x = (μ, ρ, α, β, c); the equilibrium for the GAN is (m, log s, 0, 0, 0) (D ≡ ½)."""

    n_g, n_d = 2, 3
    names = ("μ", "ρ = log σ", "α", "β", "c")

    def __init__(self, m: float = 2.0, s: float = 0.5, objective: str = "gan", r1: float = 0.0, nodes: int = 40,
                 consensus: float = 0.0):
        super().__init__(consensus)
        self.m, self.s = float(m), float(s)
        self.obj = objectives.get(objective)
        prm = {"r1": float(r1)} if r1 else {}
        self.obj.check_params(prm)
        self.prm = self.obj.p(prm)
        self.r1 = float(r1)
        self._z, self._w = _hermite(nodes)

    @property
    def equilibrium(self) -> np.ndarray:
        return np.array([self.m, math.log(self.s), 0.0, 0.0, 0.0])

    def losses(self, g, d):
        mu, rho = g[..., :1], g[..., 1:2]
        al, be, c = d[..., :1], d[..., 1:2], d[..., 2:3]
        xr = self.m + self.s * self._z                     # data nodes
        xf = mu + torch.exp(rho) * self._z                # generated nodes
        a = lambda x: al * x * x + be * x + c
        value = (self._w * (self.obj.real(a(xr), self.prm) + self.obj.fake(a(xf), self.prm))).sum(-1)
        if self.r1:   # R1: (γ/2) E_data |a'(x)|² = (γ/2) E (2αx + β)²
            value = value - 0.5 * self.r1 * (self._w * (2 * al * xr + be) ** 2).sum(-1)
        g_loss = (self._w * self.obj.g(a(xf), self.prm)).sum(-1)
        return g_loss, value

    def js_landscape(self, mus, sigmas) -> np.ndarray:
        """JS(N(μ, σ²) ‖ p_data) in nats on the grid mus × sigmas (quadrature, measure.metrics), [len(sigmas), len(mus)]."""
        from gantoy.measure import metrics

        x = np.linspace(min(self.m - 8 * self.s, float(np.min(mus)) - 4 * float(np.max(sigmas))),
                        max(self.m + 8 * self.s, float(np.max(mus)) + 4 * float(np.max(sigmas))), 4001)
        dx = x[1] - x[0]
        p = np.exp(-0.5 * ((x - self.m) / self.s) ** 2) / (self.s * math.sqrt(2 * math.pi))
        out = np.empty((len(sigmas), len(mus)))
        for i, sg in enumerate(sigmas):
            for j, mu in enumerate(mus):
                q = np.exp(-0.5 * ((x - mu) / sg) ** 2) / (sg * math.sqrt(2 * math.pi))
                out[i, j] = metrics.divergences(p, q, dx)["js"]
        return out


def reading(game: Game, method: str, lr: float, momentum: float = 0.0, at=None) -> str:
    """One sentence on what the eigenvalues of the update at the equilibrium say about the iterates: their
    largest modulus says in or out, and the eigenvalues of that modulus (the ones that dominate how the path
    ends: the slowest to die out, or the fastest to grow) say how — complex ones turn the iterates (a spiral),
    real negative ones flip them across the equilibrium every step (a zig-zag), real positive ones bring them in
    (or send them out) without circling."""
    at = [0.0, 0.0] if at is None else at
    ev = game.update_eigenvalues_at(at, method, lr, momentum)
    if ev is None:
        return (f"{method} steps of {lr:g}: the field has no Jacobian at the equilibrium (a penalty with a kink there, "
                "as WGAN-GP's |ψ| at ψ = 0), so no linear verdict — the trajectory shows what happens.")
    rho = float(np.abs(ev).max())
    slow = ev[np.abs(ev) > rho - 1e-9]
    if np.any(np.abs(slow.imag) > 1e-9):
        how = "spiral"
    elif np.any(slow.real < 0):
        how = "zig-zag"
    else:
        how = "straight"
    if rho > 1 + 1e-9:
        sign = ">"
        what = {"spiral": "the iterates spiral out", "zig-zag": "the iterates zig-zag outwards, jumping across "
                "the equilibrium each step", "straight": "the iterates leave the equilibrium without circling it "
                "(real eigenvalues)"}[how]
    elif rho > 1 - 1e-9:
        sign = "="
        what = ("the iterates circle on a bounded orbit, neither in nor out" if how == "spiral" else
                "along one direction the iterates neither approach nor leave the equilibrium")
    else:
        sign = "<"
        what = {"spiral": "the iterates spiral in to the equilibrium", "zig-zag": "the iterates zig-zag in to "
                "the equilibrium, jumping across it each step", "straight": "the iterates come in to the "
                "equilibrium without circling it (real eigenvalues)"}[how]
    mom = f" with momentum β = {momentum:g}" if momentum else ""
    return f"{method} steps of {lr:g}{mom}: max |μ| = {rho:.4f} {sign} 1 at the equilibrium — {what}."


# lesson id -> (title, setup): the Dynamics lab's ready-made lessons; runs: (update rule, momentum) pairs
LESSONS = {
    # small steps: both rules circle the equilibrium, so the circling is the field's, not the step's
    "orbit": ("Why GANs orbit", dict(objective="gan", r1=0.0, lr=0.05, steps=1200, start=(1.0, 1.0),
                                     runs=(("simultaneous", 0.0), ("alternating", 0.0)))),
    "simalt": ("Simultaneous vs alternating", dict(objective="gan", r1=0.0, lr=0.2, steps=500, start=(1.0, 1.0),
                                                   runs=(("simultaneous", 0.0), ("alternating", 0.0)))),
    "r1": ("R1 makes it converge", dict(objective="gan", r1=0.3, lr=0.2, steps=500, start=(1.0, 1.0),
                                        runs=(("simultaneous", 0.0), ("alternating", 0.0)))),
    "wgan": ("WGAN: clipping does not help", dict(objective="wgan", r1=0.0, lr=0.2, steps=500, start=(1.0, 1.0),
                                                  runs=(("simultaneous", 0.0), ("alternating", 0.0)))),
    "momentum": ("Negative momentum", dict(objective="gan", r1=0.0, lr=0.2, steps=1000, start=(1.0, 1.0),
                                           runs=(("alternating", 0.0), ("alternating", -0.5)))),
    "optimistic": ("Optimistic and extragradient steps", dict(objective="gan", r1=0.0, lr=0.2, steps=1000,
                                                              start=(1.0, 1.0),
                                                              runs=(("optimistic", 0.0), ("extragradient", 0.0)))),
}
WGAN_CLIP = 1.0   # the Dirac-GAN notebook's clip for WGAN (Mescheder et al. 2018)


def game_for(objective: str, r1: float = 0.0, noise: float = 0.0, consensus: float = 0.0,
             clip: float = WGAN_CLIP) -> DiracGAN:
    """The lab's game for a registry id: R1 only where the objective has that option, WGAN's clip (1 in the
    paper's notebook) where it clips."""
    obj = objectives.get(objective)
    params = {obj.clip: float(clip)} if obj.clip else {}
    if obj.id == "wgan-gp":
        params["lam"] = 0.7     # the notebook's λ
    return DiracGAN(objective, r1=r1 if "r1" in obj.options else 0.0, params=params, noise=noise,
                    consensus=consensus)
