"""Fitting one Gaussian to a multimodal P: mode covering vs mode seeking (Nowozin et al. 2016, §4;
REFERENCES.md §2-3).

Two ways, shown side by side in the divergences explorer and reproduced by ``repro fgan-fit``:
``fit_gaussian`` minimises the divergence directly over (μ, σ) (Nelder–Mead on the explorer's
quadrature), ``train_fit`` trains an f-GAN whose generator is x = μ + σ·z, z ~ N(0, 1), against a small
MLP critic with the registry's f-GAN objective for that divergence.
"""
from __future__ import annotations

import math

import numpy as np
import torch
from scipy import optimize

from gantoy.core import objectives
from gantoy.core.guard import Status
from gantoy.theory.explorer import DIVERGENCES, Gauss, divergence
from gantoy.core.models import StackedMLP
from gantoy.core.optim import StackedOptimizer

FIT_DIVERGENCES = ["f:kl", "f:rkl", "js", "f:hellinger", "f:tv", "f:pearson", "f:neyman", "f:jeffrey", "w1"]
# f-GAN ids trainable for each divergence the fit minimises (JS through the f-table's 2·JS)
TRAIN_IDS = {"f:kl": "f:kl", "f:rkl": "f:rkl", "js": "f:js", "f:hellinger": "f:hellinger", "f:tv": "f:tv",
             "f:pearson": "f:pearson", "f:neyman": "f:neyman", "f:jeffrey": "f:jeffrey"}
START_SD = 0.25  # train_fit's G starts this many of P's stds wide (narrow and off-centre: no answer for free)


def _grid(p, n: int):
    """The quadrature cells (edges reaching a support's width beyond P's on each side), P's log-mass in them, and
    the narrowest and widest σ a fit may take (3 cells; twice P's support)."""
    lo, hi = p.support()
    width = hi - lo
    e = np.linspace(lo - width, hi + width, n + 1)
    return e, p.log_cell_mass(e), math.log(3 * (e[1] - e[0])), math.log(2 * width)


def value_at(p, div: str, mu: float, sigma: float, n: int = 2000) -> float:
    """``div``(P, N(μ, σ²)) on fit_gaussian's quadrature: the value a fit found another way (an f-GAN's) reaches,
    to set beside the direct fit's; ∞ where the divergence is infinite. σ is taken within the range the direct fit
    searches (3 quadrature cells to twice P's support, see _grid), where the quadrature resolves N(μ, σ²): a
    narrower or wider σ is valued at that range's nearer end."""
    e, lp, lo_s, hi_s = _grid(p, n)
    s = math.exp(min(max(math.log(sigma), lo_s), hi_s))
    v = divergence(div, lp, Gauss((float(mu),), (s,), (1.0,)).log_cell_mass(e), e)
    return float(v) if math.isfinite(v) else math.inf


def fit_gaussian(p, div: str, n: int = 2000, starts=None) -> dict:
    """The Gaussian N(μ, σ²) minimising ``div``(P, Q) over (μ, log σ), by Nelder–Mead from several
    starts (each mode of P and P's moments); the best is kept. Returns {"mu", "sigma", "value"}.

    Known answers: KL(P‖Q) is minimised by moment matching (μ, σ = P's mean and std); KL(Q‖P) by a
    Gaussian on one mode when the modes are well separated (mode seeking).
    """
    if div not in DIVERGENCES:
        raise ValueError(f"unknown divergence {div!r}; choose from {', '.join(DIVERGENCES)}")
    e, lp, min_log_s, max_log_s = _grid(p, n)

    def loss(th):
        s = math.exp(min(max(th[1], min_log_s), max_log_s))
        lq = Gauss((float(th[0]),), (s,), (1.0,)).log_cell_mass(e)
        v = divergence(div, lp, lq, e)
        return v if math.isfinite(v) else 1e300

    if starts is None:
        if isinstance(p, Gauss):
            m, s = p.moments()
            starts = [(m, s)] + [(mu, sd) for mu, sd in zip(p.means, p.stds)]
        else:
            starts = [(a + w / 2, w / 2) for a, w in zip(p.lefts, p.widths)]
    best = None
    for mu0, s0 in starts:
        r = optimize.minimize(loss, [mu0, math.log(s0)], method="Nelder-Mead",
                              options={"xatol": 1e-6, "fatol": 1e-10, "maxiter": 4000})
        if best is None or r.fun < best.fun:
            best = r
    sigma = math.exp(min(max(best.x[1], min_log_s), max_log_s))
    return {"mu": float(best.x[0]), "sigma": sigma, "value": float(best.fun)}


def train_fit(p, div: str, steps: int = 1500, seed: int = 0, batch: int = 256, lr: float = 2e-3,
              hidden: int = 64, k: int = 1, callback=None) -> dict:
    """Fit N(μ, σ²) to P by training an f-GAN (Nowozin et al. 2016) with the divergence's registry entry:
    G(z) = μ + e^s·z starts at (mean + std/4, START_SD·std) of P; the critic is a 1 → hidden → hidden → 1
    tanh MLP; per iteration k critic Adam steps, then one generator step (β = (0.5, 0.999)), fresh batches. Returns {"mu", "sigma",
    "trace": [(iteration, μ, σ), ...], "status"}; ``callback(i, steps)`` reports progress. A fit whose
    parameters go non-finite stops there, at the last finite (μ, σ), with a "diverged" status (core/guard.py)."""
    if div not in TRAIN_IDS:
        raise ValueError(f"no f-GAN for {div!r}; trainable: {', '.join(TRAIN_IDS)}")
    obj = objectives.get(TRAIN_IDS[div])
    prm = obj.p({})
    rng = np.random.default_rng(seed)
    gen = torch.Generator().manual_seed(seed)
    if isinstance(p, Gauss):
        m0, s0 = p.moments()
    else:
        xs = p.sample(10000, rng)
        m0, s0 = float(xs.mean()), float(xs.std())
    # start off-centre and narrow, so that no divergence gets its answer for free (KL's is the moments)
    mu = torch.tensor(m0 + 0.25 * s0, requires_grad=True)
    log_s = torch.tensor(math.log(START_SD * s0), requires_grad=True)
    d = StackedMLP([1, hidden, hidden, 1], "tanh", runs=1, in_affine=(torch.tensor([m0]), torch.tensor([s0])))
    d.init_run(0, gen)
    opt_d = StackedOptimizer(d.parameters(), "adam", lr, betas=(0.5, 0.999))
    opt_g = StackedOptimizer([mu, log_s], "adam", lr, betas=(0.5, 0.999))
    trace = [(0, mu.item(), math.exp(log_s.item()))]
    every = max(1, steps // 100)
    for i in range(1, steps + 1):
        for _ in range(k):
            real = torch.as_tensor(p.sample(batch, rng), dtype=torch.float32).view(1, -1, 1)
            with torch.no_grad():
                fake = mu + torch.exp(log_s) * torch.randn(1, batch, 1, generator=gen)
            v = obj.real(d(real), prm).mean() + obj.fake(d(fake), prm).mean()
            opt_d.zero_grad()
            (-v).backward()
            opt_d.step()
        z = torch.randn(1, batch, 1, generator=gen)
        loss_g = obj.g(d(mu + torch.exp(log_s) * z), prm).mean()
        opt_g.zero_grad()
        loss_g.backward()
        opt_g.step()
        if not (torch.isfinite(mu) and torch.isfinite(log_s)):
            return {"mu": trace[-1][1], "sigma": trace[-1][2], "trace": trace,
                    "status": Status("diverged", f"the {obj.id} fit diverged at iteration {i} (μ or σ became "
                                     "non-finite); the last finite fit is kept.", "G", (0,), i)}
        if i % every == 0 or i == steps:
            trace.append((i, mu.item(), math.exp(log_s.item())))
            if callback is not None:
                callback(i, steps)
    return {"mu": trace[-1][1], "sigma": trace[-1][2], "trace": trace, "status": Status()}
