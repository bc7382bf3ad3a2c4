"""Dirac-GAN (Mescheder, Geiger & Nowozin 2018, "Which training methods for GANs actually converge?",
§2 and Figure 1/3; REFERENCES.md §6): p_data = δ₀, p_θ = δ_θ, D_ψ(x) = ψx."""
from __future__ import annotations

import math

import numpy as np

from gantoy.repro import Result, md_table, savefig
from gantoy.theory.dynamics import DiracGAN

TITLE = "Dirac-GAN: which training methods converge (Mescheder et al. 2018)"
DOC = """
**Paper.** The simplest GAN: data δ₀, generator δ_θ, linear discriminator D_ψ(x) = ψx, value
L(θ, ψ) = f(ψθ) + f(0) with f(t) = −log(1 + e^{−t}). The unique equilibrium is (0, 0); the Jacobian of the
gradient field there has eigenvalues ±i·f′(0) = ±0.5i, so simultaneous gradient descent spirals outward.
Their notebook: step 0.2 from (1, 1), 500 steps; WGAN with ψ clipped to [−1, 1]; WGAN-GP with λ 0.7, target 1;
R1 = (γ/2)‖∇_x D‖² with γ 0.3 and 1. Unregularised GAN and WGAN(-GP) do not converge; R1 does.

**Ours.** `gantoy.theory.dynamics.DiracGAN`: the vector fields of the registry's own objectives and penalties
(autograd, float64), simultaneous steps of 0.2 from (1, 1) for 500 steps: `gan` v = (−ψf′(ψθ), θf′(ψθ));
`nsgan` (G maximises f(−ψθ)) v = (−ψf′(−ψθ), θf′(ψθ)); `wgan` f(t) = t with ψ clipped to [−1, 1]; `wgan-gp`
D maximises ψθ − λ(|ψ| − 1)²; `r1` D maximises f(ψθ) − (γ/2)ψ². The same R1 is a training option of
gantoy's GAN objectives (`objective.params.r1`).
"""

H, STEPS, START = 0.2, 500, (1.0, 1.0)
# (label, objective, parameters): the paper's notebook settings
METHODS = [("gan", "gan", {}), ("nsgan", "nsgan", {}), ("wgan", "wgan", {"clip": 1.0}),
           ("wgan-gp (λ = 0.7)", "wgan-gp", {"lam": 0.7}), ("r1 (γ = 0.3)", "gan", {"r1": 0.3}),
           ("r1 (γ = 1.0)", "gan", {"r1": 1.0})]


def game(objective: str, params: dict) -> DiracGAN:
    return DiracGAN(objective, params=params)


def run(out: str, quick: bool) -> Result:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from tqdm import tqdm

    rows, trajs = [], {}
    for lbl, oid, prm in tqdm(METHODS, desc="dirac-gan", leave=False):
        tr = game(oid, prm).simulate(START, "simultaneous", lr=H, steps=STEPS)
        trajs[lbl] = tr
        tail = np.linalg.norm(tr[-50:], axis=1)
        rows.append({"method": lbl, "final θ": f"{tr[-1, 0]:+.4f}", "final ψ": f"{tr[-1, 1]:+.4f}",
                     "distance to (0, 0) at 500": f"{np.linalg.norm(tr[-1]):.2e}",
                     "max over last 50 steps": f"{tail.max():.2e}",
                     "converges": "yes" if tail.max() < 1e-2 else "no"})
    fig, axes = plt.subplots(2, 3, figsize=(13, 8.4))
    g = np.linspace(-2, 2, 17)
    TH, PS = np.meshgrid(g, g)
    for ax, (lbl, oid, prm) in zip(axes.ravel(), METHODS):
        u, v = game(oid, prm).field(TH, PS)
        ax.quiver(TH, PS, u, v, color="#9a9a9a", angles="xy")
        tr = trajs[lbl]
        ax.plot(tr[:, 0], tr[:, 1], color="#1f4fd1", lw=1.3)
        ax.plot(*START, "o", color="#111111")
        ax.plot(0, 0, "*", color="#d62728", ms=12)
        ax.set_xlim(-2, 2)
        ax.set_ylim(-2, 2)
        ax.set_title(lbl)
        ax.set_xlabel("θ")
        ax.set_ylabel("ψ")
    fig.suptitle("Dirac-GAN: gradient field and 500 simultaneous steps of 0.2 from (1, 1)")
    fig.tight_layout()
    png = savefig(fig, out, "dirac-gan.png")
    plt.close(fig)
    gan = np.linalg.norm(trajs["gan"][-1])
    r1 = max(np.linalg.norm(trajs["r1 (γ = 0.3)"][-1]), np.linalg.norm(trajs["r1 (γ = 1.0)"][-1]))
    ev = float(np.abs(np.linalg.eigvals(game("gan", {}).jacobian(0.0, 0.0))).max())  # f′(0) = ½
    summary = (f"![Dirac-GAN vector fields]({png})\n\n" + md_table(rows, list(rows[0])) +
               f"\nThe linearised GAN step multiplies the distance to (0, 0) by √(1 + (0.2·{ev:.4g})²) = "
               f"{math.sqrt(1 + (H * ev) ** 2):.4f} per step: an outward spiral, as the paper derives.\n")
    return Result(summary, {
        "unregularised GAN does not converge (distance after 500 steps ≥ 0.5)": (gan >= 0.5, f"{gan:.3f}"),
        "R1 (γ = 0.3 and 1) converges (distance < 1e-2)": (r1 < 1e-2, f"{r1:.2e}"),
    })
