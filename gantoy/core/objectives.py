"""The objective registry: each GAN game by a short id (the vocabulary of configs, URLs and the CLI).

Every objective is written on the raw discriminator output a (a real number) as
    V(D, G) = E_P[real(a)] + E_Q[fake(a)]          (D maximises V; its loss is -V + penalties)
    G minimises E_Q[g(a)]
which covers the minimax GAN, the non-saturating GAN, LSGAN, the hinge loss, WGAN(-GP) and the f-GAN family
(REFERENCES.md §2; Goodfellow et al. 2014; Mao et al. 2017; Lim & Ye 2017; Arjovsky et al. 2017;
Gulrajani et al. 2017; Nowozin et al. 2016, Tables 1-2).

An entry is everything the rest of the code asks about its game: the losses, how to show D (and whether
that is a probability), the optimal D as a function of (P, Q) where one exists and which divergence the
optimal value equals, its penalties and weight clipping, whether G's loss can be unrolled through D's
steps, its recommended training settings, and for f-GANs the f-table row (f, f*, g_f). Adding an objective
is one ``register(...)`` here plus its optimum test (docs/ARCHITECTURE.md, "Add an objective").
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Callable, Optional

import numpy as np
import torch
import torch.nn.functional as F

from gantoy.core import fgan
from gantoy.core.errors import ConfigError
from gantoy.core.penalties import PENALTIES

LOG2, LOG4 = fgan.LOG2, fgan.LOG4


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
    defaults: dict                            # recommended train settings (optimizer, lr_d, lr_g, k, betas[, params])
    params: dict = field(default_factory=dict)   # parameter defaults (types and ranges checked by check_params)
    options: dict = field(default_factory=dict)  # optional parameters: accepted and defaulted like params, but
    #                                             not spelled out in canonical configs or the sidebar (e.g. r1)
    probability: bool = False                 # the display is D(x) = P(real) in [0, 1] (axes 0..1, the ½ line)
    penalties: tuple = ()                     # D penalties (ids of core.penalties.PENALTIES), each on when its param > 0
    clip: Optional[str] = None                # the parameter that clips D's weights to [-c, c] after each D step
    unrollable: bool = True                   # G's loss may be unrolled through D's steps (train.unroll)
    check: Optional[Callable] = None          # check(params) -> raises ConfigError for combinations ranges miss
    optimum: Optional[Callable] = None        # optimum(P, Q, params) -> max_D V on cell masses (V at D*), or None
    optimum_label: str = ""                   # what V is compared with: "C(G) = −log 4 + 2·JS", "W1", ...
    ratio: Optional[Callable] = None          # ratio(T, params) -> the P/(P + Q) a display value T implies (numpy)
    ratio_star: Optional[Callable] = None     # ratio_star(P, Q, params) -> what the optimal D implies (default P/(P+Q))
    row: Optional[fgan.FRow] = None           # f-GAN: the f-table row (f, f*, g_f, f', stable terms)

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
        if self.check is not None:
            self.check(self.p(params))

    def d_error(self, d, P, Q, params) -> float:
        """How far D (display values ``d`` on cells of masses P, Q) is from D*: the mean |r(D) − r(D*)| under
        (P + Q)/2, where r is the density ratio P/(P + Q) a D implies (``ratio``). For a probability D that is
        |D − D*| itself; for a critic T = f'(P/Q) it stays bounded where D* is not (f:kl, Pearson: T* → ∞ where
        Q → 0), and for the hinge and TV, whose optimum is a side (±1, ±½), it measures that side. NaN when the
        objective has no D*."""
        if self.d_star is None or self.ratio is None:
            return math.nan
        P, Q = np.asarray(P, dtype=np.float64), np.asarray(Q, dtype=np.float64)
        with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
            star = self.ratio_star(P, Q, params) if self.ratio_star is not None else P / (P + Q)
            r = self.ratio(np.asarray(d, dtype=np.float64), params)   # (a critic far out: a ratio of 0 or 1)
        ok = np.isfinite(star) & (P + Q > 0)
        return float(np.sum(np.abs(r - star)[ok] * 0.5 * (P + Q)[ok]))

    def equilibrium_value(self, params: dict) -> float | None:
        """max_D V when p_g = p_data (−log 4 for the GAN, 0 for an f-divergence, 0 for a critic's W1)."""
        if self.optimum is None:
            return 0.0
        u = np.full(4, 0.25)
        return float(self.optimum(u, u, self.p(params)))

    def active_penalties(self, params: dict) -> list:
        """The penalties this objective applies with ``params`` (filled in): those whose weight is > 0."""
        return [PENALTIES[k] for k in self.penalties if params.get(PENALTIES[k].param, 0) > 0]


_PARAM_RANGES = {"clip": (1e-5, 10.0), "lam": (0.0, 1e4), "a": (-100, 100), "b": (-100, 100), "c": (-100, 100),
                 "r1": (0.0, 1e4)}


def _where_defined(P, Q, values):
    """Optimal D is undefined where P + Q = 0 (neither distribution is there): NaN, drawn as a gap."""
    P, Q = np.asarray(P), np.asarray(Q)
    return np.where((P + Q) > 0, values, np.nan)


def _masses_sum(term):
    """An optimum from a per-cell term on log masses (core/fgan.py): Σ_c term(log P_c, log Q_c)."""
    def optimum(P, Q, prm):
        with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
            return float(np.sum(term(np.log(np.asarray(P, dtype=np.float64)), np.log(np.asarray(Q, dtype=np.float64)))))
    return optimum


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
_GAN_D = dict(real=lambda a, p: F.logsigmoid(a), fake=lambda a, p: F.logsigmoid(-a),
              display=lambda a, p: torch.sigmoid(a), display_label="D(x) (probability of real)", probability=True,
              d_star=_gan_dstar, bound=lambda v, p: (v + LOG4) / 2, defaults=_GAN_DEFAULTS, options={"r1": 0.0},
              penalties=("r1",), optimum=_masses_sum(fgan.TERMS["gan"]), optimum_label="C(G) = −log 4 + 2·JS",
              ratio=lambda t, p: t)

register(Objective(
    id="gan", name="GAN (minimax)",
    g=lambda a, p: F.logsigmoid(-a),               # G descends log(1 - D(G(z))): saturates when D wins
    divergence="2·JS(P‖Q) − log 4",
    latex=r"\min_G\max_D\; \mathbb{E}_{x\sim p_{data}}[\log D(x)] + \mathbb{E}_{z}[\log(1-D(G(z)))]",
    note="Goodfellow et al. 2014: D* = p/(p+q); at the optimum V = 2·JS − log 4. G's loss saturates when D is confident.",
    **_GAN_D))

register(Objective(
    id="nsgan", name="GAN (non-saturating)",
    g=lambda a, p: -F.logsigmoid(a),               # the -log D trick: strong gradients early
    divergence="2·JS(P‖Q) − log 4 (G follows KL(Q‖P) − 2·JS)",
    latex=r"\max_D\; \mathbb{E}_{p_{data}}[\log D] + \mathbb{E}_{z}[\log(1-D(G(z)))],\quad \min_G -\mathbb{E}_z[\log D(G(z))]",
    note="The −log D trick: with D = D*, G descends KL(Q‖P) − 2·JS (Arjovsky & Bottou 2017), which favours dropping modes.",
    **_GAN_D))


# ---- least squares ------------------------------------------------------------------------------
def _ls_dstar(P, Q, prm):
    P, Q = np.asarray(P, dtype=np.float64), np.asarray(Q, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        return _where_defined(P, Q, (prm["b"] * P + prm["a"] * Q) / (P + Q))


def _side(P, Q, prm):
    """The optimum of a side-valued critic (hinge ±1, TV ±½) as a ratio: 1 where P outweighs Q, 0 where Q does;
    undefined (NaN) where they are equal (any value is optimal there)."""
    P, Q = np.asarray(P, dtype=np.float64), np.asarray(Q, dtype=np.float64)
    return np.where(P > Q, 1.0, np.where(P < Q, 0.0, np.nan))


def _pq_over_sum(P, Q):
    P, Q = np.asarray(P, dtype=np.float64), np.asarray(Q, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(P + Q > 0, P * Q / (P + Q), 0.0)


def _ls_check(prm):
    if prm["a"] == prm["b"]:
        raise ConfigError("objective.params: lsgan needs a != b (the real and fake targets must differ)")


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
    params={"a": 0.0, "b": 1.0, "c": 1.0}, check=_ls_check,
    ratio=lambda t, p: np.clip((t - p["a"]) / (p["b"] - p["a"]), 0.0, 1.0),   # D* = (bP + aQ)/(P + Q)
    optimum=lambda P, Q, p: float(-0.5 * (p["b"] - p["a"]) ** 2 * np.sum(_pq_over_sum(P, Q))),
    optimum_label="max_D V = −(b − a)²/2 · Σ PQ/(P + Q)"))


# ---- hinge --------------------------------------------------------------------------------------
def _hinge_dstar(P, Q, prm):
    """±1 where one distribution has more mass; where P = Q every a in [−1, 1] is optimal (NaN: a gap)."""
    P, Q = np.asarray(P, dtype=np.float64), np.asarray(Q, dtype=np.float64)
    return _where_defined(P, Q, np.where(P > Q, 1.0, np.where(P < Q, -1.0, np.nan)))


register(Objective(
    id="hinge", name="Hinge loss (geometric GAN)",
    real=lambda a, p: -F.relu(1 - a), fake=lambda a, p: -F.relu(1 + a), g=lambda a, p: -a,
    display=lambda a, p: a, display_label="D(x) (raw score; the margins are ±1)",
    d_star=_hinge_dstar, divergence="2·TV(P, Q) − 2", bound=lambda v, p: (v + 2) / 2,
    latex=r"\min_D \mathbb{E}_{p_{data}}[\max(0, 1 - D)] + \mathbb{E}_z[\max(0, 1 + D(G(z)))],\quad \min_G -\mathbb{E}_z[D(G(z))]",
    note="Lim & Ye 2017; Miyato et al. 2018 (SN-GAN): D* = sign(p − q) within the margins ±1; at the optimum "
         "V = 2·TV − 2, so G follows total variation.",
    defaults=_GAN_DEFAULTS, options={"r1": 0.0}, penalties=("r1",),
    optimum=lambda P, Q, p: float(-2 * np.sum(np.minimum(P, Q))), optimum_label="2·TV − 2",
    ratio=lambda t, p: (np.clip(t, -1.0, 1.0) + 1) / 2, ratio_star=_side))


# ---- Wasserstein --------------------------------------------------------------------------------
_CRITIC = dict(real=lambda a, p: a, fake=lambda a, p: -a, g=lambda a, p: -a, display=lambda a, p: a,
               display_label="critic f(x)", d_star=None, bound=lambda v, p: v, unrollable=False,
               optimum_label="W1 (V of the best 1-Lipschitz critic)")

register(Objective(
    id="wgan", name="WGAN (weight clipping)",
    divergence="K·W1(P, Q) for a K-Lipschitz critic (K set by the clip c)",
    latex=r"\min_G\max_{\|w\|_\infty\le c}\; \mathbb{E}_{p_{data}}[f_w(x)] - \mathbb{E}_z[f_w(G(z))]",
    note="Arjovsky et al. 2017: weights clipped to [−c, c] after every critic step; the value estimates W1 up to a constant. "
         "Here RMSProp at lr 5e-4 (the paper: 5e-5, ten times slower), c = 0.01, 5 critic steps.",
    # Differs from the paper on purpose: its lr is 5e-5 (Algorithm 1; also the authors' toy code, gan_toy.py),
    # 10× slower than these lessons can wait; RMSProp, c = 0.01 and 5 critic steps are the paper's. Its extra
    # 100 critic steps for the first 25 G steps (the authors' main.py, not in Algorithm 1) are not done.
    defaults={"optimizer": "rmsprop", "lr_d": 5e-4, "lr_g": 5e-4, "k": 5, "betas": [0.5, 0.999]},
    params={"clip": 0.01}, clip="clip", **_CRITIC))

register(Objective(
    id="wgan-gp", name="WGAN-GP (gradient penalty)",
    divergence="W1(P, Q) (Kantorovich–Rubinstein, penalised Lipschitz constraint)",
    latex=r"\max_f\; \mathbb{E}_{p_{data}}[f] - \mathbb{E}_z[f(G(z))] - \lambda\,\mathbb{E}_{\hat x}(\|\nabla f(\hat x)\|-1)^2",
    note="Gulrajani et al. 2017: penalty on interpolates x̂ = εx + (1−ε)x̃; one_sided penalises only ‖∇f‖ > 1. "
         "Here λ = 0.1 and Adam at lr 5e-4 (the authors' toy code: λ = 0.1, lr 1e-4; the paper's images: λ = 10).",
    # Toy sets: λ = 0.1 as in the authors' toy code (gan_toy.py). With the paper's λ = 10 the two-sided
    # penalty traps a 1-D critic in a line of slope ±1: bending it into the V-shaped Kantorovich
    # potential passes through slope 0, which costs λ (measured: bimodal1d stays at value 0.31, W1 1.9).
    # Adam (β 0.5, 0.9) and 5 critic steps as in gan_toy.py; lr 5e-4 where it uses 1e-4 (and 100 000 G steps,
    # 3 × 512 ReLU networks): 5× faster for lessons of a few thousand iterations.
    defaults={"optimizer": "adam", "lr_d": 5e-4, "lr_g": 5e-4, "k": 5, "betas": [0.5, 0.9], "params": {"lam": 0.1}},
    params={"lam": 10.0, "one_sided": False}, penalties=("gp",), **_CRITIC))


# ---- f-GAN (Nowozin et al. 2016, Tables 1-2; REFERENCES.md §2; the table is core/fgan.py) -----------
# Recommended settings for the toy sets where the common ones (Adam 1e-3, k = 1) fail, measured by
# tests/test_objective_smoke.py: KL's exponential conjugate needs a stronger critic (k = 3); Neyman
# oscillates on ring8 at 1e-3 and trains at 5e-4; TV's ½·tanh critic saturates into a ±½ step with no
# gradient between near-disjoint supports, and on ring8 no learning rate, k or optimizer trained it; an R1
# penalty on the raw output (Mescheder et al. 2018) keeps the critic smooth (bench/BENCHMARKS.md, "f:tv").
_FGAN_DEFAULTS = {"kl": {"k": 3}, "tv": {"params": {"r1": 10.0}}, "neyman": {"lr_d": 5e-4, "lr_g": 5e-4}}


def _make_fgan(row: fgan.FRow) -> Objective:
    def fake(a, p):
        return row.stable_fake(a) if row.stable_fake is not None else -row.conj(row.act(a))

    def d_star(P, Q, prm):
        P, Q = np.asarray(P, dtype=np.float64), np.asarray(Q, dtype=np.float64)
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            t = row.fprime(P / Q)
        return _where_defined(P, Q, np.where(Q > 0, t, np.nan))

    return Objective(
        id=f"f:{row.key}", name=row.name,
        real=lambda a, p: row.act(a), fake=fake, g=fake,
        display=lambda a, p: row.act(a), display_label="T(x) = g_f(a)",
        d_star=d_star, divergence=row.divergence, bound=lambda v, p: v,
        latex=r"\min_G\max_T\; \mathbb{E}_{p_{data}}[g_f(a(x))] - \mathbb{E}_z[f^*(g_f(a(G(z))))]",
        note=row.note,
        defaults={"optimizer": "adam", "lr_d": 1e-3, "lr_g": 1e-3, "k": 1, "betas": [0.5, 0.999],
                  **_FGAN_DEFAULTS.get(row.key, {})},
        options={"r1": 0.0}, penalties=("r1",), row=row, optimum=_masses_sum(row.term),
        optimum_label=f"D_f = {row.divergence}", ratio=lambda t, p: row.ratio(t),
        ratio_star=_side if row.key == "tv" else None)


for _row in fgan.TABLE:
    register(_make_fgan(_row))


def f_divergence(obj_id: str, P, Q) -> float:
    """D_f(P‖Q) = Σ Q f(P/Q) for an f-GAN id, on probability vectors (cells where Q = 0 < P count
    P · lim f(u)/u, which is +inf for the unbounded f's)."""
    row = get(obj_id).row
    if row is None:
        raise ConfigError(f"{obj_id!r} is not an f-GAN objective; f-GAN ids: "
                          f"{', '.join(k for k, o in REGISTRY.items() if o.row is not None)}")
    with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
        lp, lq = np.log(np.asarray(P, dtype=np.float64)), np.log(np.asarray(Q, dtype=np.float64))
        return float(np.sum(row.term(lp, lq)))
