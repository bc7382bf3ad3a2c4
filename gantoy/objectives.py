"""The objective registry: each GAN game by a short id (the vocabulary of configs, URLs and the CLI).

Every objective is written on the raw discriminator output a (a real number) as
    V(D, G) = E_P[real(a)] + E_Q[fake(a)]          (D maximises V; its loss is -V + penalty)
    G minimises E_Q[g(a)]
which covers the minimax GAN, the non-saturating GAN, LSGAN, WGAN(-GP) and the f-GAN family
(REFERENCES.md §2; Goodfellow et al. 2014; Mao et al. 2017; Arjovsky et al. 2017; Gulrajani et al.
2017; Nowozin et al. 2016, Tables 1-2). Each entry also knows how to show D as a curve, its
optimal discriminator as a function of (P, Q) in those display units, and which divergence its
optimal value equals.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Callable, Optional

import numpy as np
import torch
import torch.nn.functional as F

from gantoy.config import ConfigError

LOG2 = math.log(2.0)
LOG4 = math.log(4.0)


@dataclass(frozen=True)
class Objective:
    id: str                                   # registry key
    name: str                                 # human name
    real: Callable                            # real(a, params) -> per-sample term of V on data
    fake: Callable                            # fake(a, params) -> per-sample term of V on generated samples
    g: Callable                               # g(a, params) -> per-sample G loss (minimised)
    display: Callable                         # display(a, params) -> the D curve shown (tensor)
    display_label: str                        # what the D curve is: probability, critic, T(x)
    d_star: Optional[Callable]                # d_star(P, Q, params) -> optimal D in display units (numpy), or None
    divergence: str                           # what max_D V equals
    bound: Callable                           # bound(value, params) -> that divergence estimated from V
    latex: str                                # the value / losses in LaTeX
    note: str                                 # one-line teaching note
    defaults: dict                            # recommended train settings (optimizer, lr_d, lr_g, k, betas)
    params: dict = field(default_factory=dict)  # parameter defaults (types and ranges checked by check_params)
    options: dict = field(default_factory=dict)  # optional parameters: accepted and defaulted like params, but
    #                                             not spelled out in canonical configs or the sidebar (e.g. r1)
    f: Optional[Callable] = None              # f-GAN: the generator function f(u) (numpy), for D_f = sum Q f(P/Q)
    conj: Optional[Callable] = None           # f-GAN: the conjugate f*(t) (torch)
    activation: Optional[Callable] = None     # f-GAN: output activation g_f(v) (torch)
    conj_domain: tuple = (-math.inf, math.inf)  # f-GAN: dom f* as an open/closed interval (lo, hi)

    def p(self, params: dict) -> dict:
        """Parameters with defaults filled in."""
        out = {**self.options, **self.params}
        out.update(params or {})
        return out

    def check_params(self, params: dict):
        known = {**self.options, **self.params}
        for k, v in (params or {}).items():
            if k not in known:
                allowed = ", ".join(known) or "none"
                raise ConfigError(f"objective.params.{k}: unknown parameter for {self.id!r}; allowed: {allowed}")
            d = known[k]
            if isinstance(d, bool):
                if not isinstance(v, bool):
                    raise ConfigError(f"objective.params.{k}: expected true/false, got {v!r}")
            elif isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v):
                raise ConfigError(f"objective.params.{k}: expected a finite number, got {v!r}")
            lo, hi = _PARAM_RANGES.get(k, (-1e6, 1e6))
            if not isinstance(d, bool) and not (lo <= v <= hi):
                raise ConfigError(f"objective.params.{k}: must be in [{lo}, {hi}], got {v}")
        if self.id == "lsgan":
            q = self.p(params)
            if q["a"] == q["b"]:
                raise ConfigError("objective.params: lsgan needs a != b (the real and fake targets must differ)")


_PARAM_RANGES = {"clip": (1e-5, 10.0), "lam": (0.0, 1e4), "a": (-100, 100), "b": (-100, 100), "c": (-100, 100),
                 "r1": (0.0, 1e4)}


def _ratio(P, Q):
    P, Q = np.asarray(P, dtype=np.float64), np.asarray(Q, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        return P / Q


def _where_defined(P, Q, values):
    """Optimal D is undefined where P + Q = 0 (neither distribution is there): NaN, drawn as a gap."""
    P, Q = np.asarray(P), np.asarray(Q)
    return np.where((P + Q) > 0, values, np.nan)


REGISTRY: dict[str, Objective] = {}


def register(obj: Objective):
    REGISTRY[obj.id] = obj
    return obj


def names():
    return list(REGISTRY)


def get(obj_id: str) -> Objective:
    try:
        return REGISTRY[obj_id]
    except KeyError:
        raise ConfigError(f"objective.id: unknown objective {obj_id!r}; valid ids: {', '.join(REGISTRY)}") from None


# ---- GAN family ---------------------------------------------------------------------------------
def _gan_dstar(P, Q, prm):
    with np.errstate(divide="ignore", invalid="ignore"):
        return _where_defined(P, Q, np.asarray(P) / (np.asarray(P) + np.asarray(Q)))


_GAN_DEFAULTS = {"optimizer": "adam", "lr_d": 1e-3, "lr_g": 1e-3, "k": 1, "betas": [0.5, 0.999]}

register(Objective(
    id="gan", name="GAN (minimax)",
    real=lambda a, p: F.logsigmoid(a), fake=lambda a, p: F.logsigmoid(-a),
    g=lambda a, p: F.logsigmoid(-a),               # G descends log(1 - D(G(z))): saturates when D wins
    display=lambda a, p: torch.sigmoid(a), display_label="D(x) (probability of real)",
    d_star=_gan_dstar, divergence="2·JS(P‖Q) − log 4",
    bound=lambda v, p: (v + LOG4) / 2,
    latex=r"\min_G\max_D\; \mathbb{E}_{x\sim p_{data}}[\log D(x)] + \mathbb{E}_{z}[\log(1-D(G(z)))]",
    note="Goodfellow et al. 2014: D* = p/(p+q); at the optimum V = 2·JS − log 4. G's loss saturates when D is confident.",
    defaults=_GAN_DEFAULTS, options={"r1": 0.0}))

register(Objective(
    id="nsgan", name="GAN (non-saturating)",
    real=lambda a, p: F.logsigmoid(a), fake=lambda a, p: F.logsigmoid(-a),
    g=lambda a, p: -F.logsigmoid(a),               # the -log D trick: strong gradients early
    display=lambda a, p: torch.sigmoid(a), display_label="D(x) (probability of real)",
    d_star=_gan_dstar, divergence="2·JS(P‖Q) − log 4 (G follows KL(Q‖P) − 2·JS)",
    bound=lambda v, p: (v + LOG4) / 2,
    latex=r"\max_D\; \mathbb{E}_{p_{data}}[\log D] + \mathbb{E}_{z}[\log(1-D(G(z)))],\quad \min_G -\mathbb{E}_z[\log D(G(z))]",
    note="The −log D trick: with D = D*, G descends KL(Q‖P) − 2·JS (Arjovsky & Bottou 2017), which favours dropping modes.",
    defaults=_GAN_DEFAULTS, options={"r1": 0.0}))


# ---- least squares ------------------------------------------------------------------------------
def _ls_dstar(P, Q, prm):
    P, Q = np.asarray(P, dtype=np.float64), np.asarray(Q, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        return _where_defined(P, Q, (prm["b"] * P + prm["a"] * Q) / (P + Q))


register(Objective(
    id="lsgan", name="Least-squares GAN",
    real=lambda a, p: -0.5 * (a - p["b"]) ** 2, fake=lambda a, p: -0.5 * (a - p["a"]) ** 2,
    g=lambda a, p: 0.5 * (a - p["c"]) ** 2,
    display=lambda a, p: a, display_label="D(x) (raw score; real target b, fake target a)",
    d_star=_ls_dstar,
    divergence="triangular discrimination Δ(P,Q) = Σ(P−Q)²/(P+Q), via max V = −(b−a)²/2·Σ PQ/(P+Q)",
    bound=lambda v, p: 2 + 8 * v / (p["b"] - p["a"]) ** 2,
    latex=r"\min_D \tfrac12\mathbb{E}_{p_{data}}(D-b)^2 + \tfrac12\mathbb{E}_z(D(G(z))-a)^2,\quad \min_G \tfrac12\mathbb{E}_z(D(G(z))-c)^2",
    note="Mao et al. 2017: D* = (bP + aQ)/(P+Q); with b − c = 1, b − a = 2, G minimises a Pearson χ² divergence.",
    defaults={"optimizer": "adam", "lr_d": 1e-3, "lr_g": 1e-3, "k": 1, "betas": [0.5, 0.999]},
    params={"a": 0.0, "b": 1.0, "c": 1.0}))


# ---- Wasserstein --------------------------------------------------------------------------------
register(Objective(
    id="wgan", name="WGAN (weight clipping)",
    real=lambda a, p: a, fake=lambda a, p: -a, g=lambda a, p: -a,
    display=lambda a, p: a, display_label="critic f(x)",
    d_star=None, divergence="K·W1(P, Q) for a K-Lipschitz critic (K set by the clip c)",
    bound=lambda v, p: v,
    latex=r"\min_G\max_{\|w\|_\infty\le c}\; \mathbb{E}_{p_{data}}[f_w(x)] - \mathbb{E}_z[f_w(G(z))]",
    note="Arjovsky et al. 2017: weights clipped to [−c, c] after every critic step; the value estimates W1 up to a constant.",
    defaults={"optimizer": "rmsprop", "lr_d": 5e-4, "lr_g": 5e-4, "k": 5, "betas": [0.5, 0.999]},
    params={"clip": 0.01}))

register(Objective(
    id="wgan-gp", name="WGAN-GP (gradient penalty)",
    real=lambda a, p: a, fake=lambda a, p: -a, g=lambda a, p: -a,
    display=lambda a, p: a, display_label="critic f(x)",
    d_star=None, divergence="W1(P, Q) (Kantorovich–Rubinstein, penalised Lipschitz constraint)",
    bound=lambda v, p: v,
    latex=r"\max_f\; \mathbb{E}_{p_{data}}[f] - \mathbb{E}_z[f(G(z))] - \lambda\,\mathbb{E}_{\hat x}(\|\nabla f(\hat x)\|-1)^2",
    note="Gulrajani et al. 2017: penalty on interpolates x̂ = εx + (1−ε)x̃; one_sided penalises only ‖∇f‖ > 1.",
    # Toy sets: λ = 0.1 as in the authors' toy code (gan_toy.py). With the paper's λ = 10 the two-sided
    # penalty traps a 1-D critic in a line of slope ±1: bending it into the V-shaped Kantorovich
    # potential passes through slope 0, which costs λ (measured: bimodal1d stays at value 0.31, W1 1.9).
    defaults={"optimizer": "adam", "lr_d": 5e-4, "lr_g": 5e-4, "k": 5, "betas": [0.5, 0.9], "params": {"lam": 0.1}},
    params={"lam": 10.0, "one_sided": False}))


# ---- f-GAN (Nowozin et al. 2016, Tables 1-2; REFERENCES.md §2) ------------------------------------
def _lambertw_exp_np(y):
    """W(e^y) for real y (principal branch), by Newton's method on w + log w = y."""
    y = np.asarray(y, dtype=np.float64)
    w = np.logaddexp(0.0, y)  # softplus: ~e^y for y << 0, ~y for y >> 0
    for _ in range(50):
        w = w * (1 + y - np.log(w)) / (1 + w)
    return w


class _LambertWExp(torch.autograd.Function):
    """W(e^y) with d/dy W(e^y) = W / (1 + W); float64 Newton inside, scipy-checked in the tests."""

    @staticmethod
    def forward(ctx, y):
        w = torch.nn.functional.softplus(y.double())
        for _ in range(50):
            w = w * (1 + y.double() - torch.log(w)) / (1 + w)
        w = w.to(y.dtype)
        ctx.save_for_backward(w)
        return w

    @staticmethod
    def backward(ctx, grad):
        (w,) = ctx.saved_tensors
        return grad * w / (1 + w)


def _jeffrey_conj(t):
    w = _LambertWExp.apply(1 - t)
    return w + 1 / w + t - 2


def _xlogx(u):
    u = np.asarray(u, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(u > 0, u * np.log(np.where(u > 0, u, 1.0)), 0.0)


# name, human name, f (numpy), f* (torch), g_f (torch), f' = T* (numpy), dom f*, divergence text, note
_FGAN = [
    ("tv", "f-GAN: total variation",
     lambda u: 0.5 * np.abs(u - 1), lambda t: t, lambda v: 0.5 * torch.tanh(v),
     lambda u: 0.5 * np.sign(u - 1), (-0.5, 0.5), "TV(P, Q) = ½Σ|P − Q|",
     "The optimal critic is ±½ (sign of P − Q): a step function, no gradient inside a region; its defaults "
     "add an R1 penalty (objective.params.r1 = 10) without which it does not train ring8."),
    ("kl", "f-GAN: Kullback–Leibler",
     lambda u: _xlogx(u), lambda t: torch.exp(t - 1), lambda v: v,
     lambda u: 1 + np.log(u), (-math.inf, math.inf), "KL(P‖Q)",
     "Mode covering: Q is punished for missing mass of P."),
    ("rkl", "f-GAN: reverse KL",
     lambda u: -np.log(u), lambda t: -1 - torch.log(-t), lambda v: -torch.exp(-v),
     lambda u: -1 / u, (-math.inf, 0.0), "KL(Q‖P)",
     "Mode seeking: Q is punished for mass where P has none, so it may drop modes."),
    ("pearson", "f-GAN: Pearson χ²",
     lambda u: (u - 1) ** 2, lambda t: 0.25 * t * t + t, lambda v: v,
     lambda u: 2 * (u - 1), (-math.inf, math.inf), "Pearson χ²(P‖Q) = Σ(P − Q)²/Q",
     "The least-squares relative: a quadratic conjugate."),
    ("neyman", "f-GAN: Neyman χ²",
     lambda u: (1 - u) ** 2 / u, lambda t: 2 - 2 * torch.sqrt(1 - t), lambda v: 1 - torch.exp(v),
     lambda u: 1 - 1 / u**2, (-math.inf, 1.0), "Neyman χ²(P‖Q) = Σ(P − Q)²/P",
     "g_f(v) = 1 − e^v maps onto dom f* = (−∞, 1); some code uses 1 − e^(−v): same optimum."),
    ("hellinger", "f-GAN: squared Hellinger",
     lambda u: (np.sqrt(u) - 1) ** 2, lambda t: t / (1 - t), lambda v: 1 - torch.exp(v),
     lambda u: 1 - 1 / np.sqrt(u), (-math.inf, 1.0), "Σ(√P − √Q)² (= 2·H² with H² = ½Σ(√P − √Q)²)",
     "Nowozin's squared Hellinger has no ½: the optimum is twice the H² that gantoy's metrics report."),
    ("jeffrey", "f-GAN: Jeffrey",
     lambda u: (u - 1) * np.log(u), _jeffrey_conj, lambda v: v,
     lambda u: np.log(u) + 1 - 1 / u, (-math.inf, math.inf), "Jeffrey = KL(P‖Q) + KL(Q‖P)",
     "Symmetric KL; its conjugate needs the Lambert W function."),
    ("js", "f-GAN: Jensen–Shannon",
     lambda u: -(u + 1) * np.log((1 + u) / 2) + _xlogx(u), lambda t: -torch.log(2 - torch.exp(t)),
     lambda v: LOG2 + F.logsigmoid(v),
     lambda u: np.log(2 * u / (1 + u)), (-math.inf, LOG2), "2·JS(P‖Q) (the table's f is twice JS)",
     "Nowozin's f for JS gives 2·JS; divide by two to compare with the JS metric."),
    ("gan", "f-GAN: GAN",
     lambda u: _xlogx(u) - (u + 1) * np.log(u + 1), lambda t: -torch.log(1 - torch.exp(t)),
     lambda v: F.logsigmoid(v),
     lambda u: np.log(u / (u + 1)), (-math.inf, 0.0), "2·JS(P‖Q) − log 4",
     "The original GAN written as an f-divergence: D = e^T = sigmoid(a)."),
]

# Numerically stable E_Q[-f*(g_f(v))] written on v directly (no exp overflow / log of 0).
_STABLE_FAKE = {
    "rkl": lambda v: 1 - v,                         # -f*(-e^-v) = 1 + log(e^-v) = 1 - v
    "neyman": lambda v: 2 * torch.exp(0.5 * v) - 2,  # -(2 - 2 sqrt(e^v))
    "hellinger": lambda v: 1 - torch.exp(-v),        # -(1 - e^v)/e^v
    "js": lambda v: LOG2 + F.logsigmoid(-v),         # -(-log(2 - 2 sigmoid v)) = log 2 + log sigmoid(-v)
    "gan": lambda v: F.logsigmoid(-v),               # -(-log(1 - sigmoid v))
}


# Recommended settings for the toy sets where the common ones (Adam 1e-3, k = 1) fail, measured by
# tests/test_objective_smoke.py: KL's exponential conjugate needs a stronger critic (k = 3); TV's
# bounded critic (½ tanh) needs small steps, and even then does not train ring8 in 600 steps;
# Neyman oscillates on ring8 at 1e-3 (W1 1.73 at 200 steps, 2.11 at 600) and trains at 5e-4.
# f:tv: the ½·tanh critic saturates into a ±½ step with no gradient between near-disjoint supports, and on
# ring8 no learning rate, k or optimizer trained it (measured); an R1 penalty on the raw output (Mescheder et
# al. 2018, the same option the GAN family has) keeps the critic smooth: W1 1.94 -> 0.40 in 600 steps.
_FGAN_DEFAULTS = {"kl": {"k": 3}, "tv": {"params": {"r1": 10.0}}, "neyman": {"lr_d": 5e-4, "lr_g": 5e-4}}


def _make_fgan(key, name, f, conj, act, fprime, dom, div, note):
    def fake(a, p, conj=conj, act=act):
        return _STABLE_FAKE[key](a) if key in _STABLE_FAKE else -conj(act(a))

    def d_star(P, Q, prm, fprime=fprime):
        u = _ratio(P, Q)
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            t = fprime(u)
        return _where_defined(P, Q, np.where(np.asarray(Q) > 0, t, np.nan))

    return Objective(
        id=f"f:{key}", name=name,
        real=lambda a, p, act=act: act(a), fake=fake, g=fake,
        display=lambda a, p, act=act: act(a), display_label="T(x) = g_f(a)",
        d_star=d_star, divergence=div, bound=lambda v, p: v,
        latex=r"\min_G\max_T\; \mathbb{E}_{p_{data}}[g_f(a(x))] - \mathbb{E}_z[f^*(g_f(a(G(z))))]",
        note=note,
        defaults={"optimizer": "adam", "lr_d": 1e-3, "lr_g": 1e-3, "k": 1, "betas": [0.5, 0.999],
                  **_FGAN_DEFAULTS.get(key, {})},
        options={"r1": 0.0}, f=f, conj=conj, activation=act, conj_domain=dom)


for _row in _FGAN:
    register(_make_fgan(*_row))


def f_divergence(obj_id: str, P, Q) -> float:
    """D_f(P‖Q) = Σ Q f(P/Q) for an f-GAN id, on probability vectors (cells where Q = 0 < P count
    P · lim f(u)/u, which is +inf for the unbounded f's)."""
    o = get(obj_id)
    P, Q = np.asarray(P, dtype=np.float64), np.asarray(Q, dtype=np.float64)
    both = (Q > 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        inner = np.sum(Q[both] * o.f(P[both] / Q[both]))
    miss = (Q == 0) & (P > 0)
    if np.any(miss):
        slope = {"f:tv": 0.5, "f:js": LOG2, "f:gan": 0.0}.get(obj_id, math.inf)
        inner = inner + slope * P[miss].sum() if math.isfinite(slope) else math.inf
    return float(inner)
