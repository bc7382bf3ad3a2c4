"""The f-GAN table (Nowozin et al. 2016, Tables 1-2; REFERENCES.md §2): one row per f-divergence.

Each row is everything gantoy asks about that divergence, in one place:
* ``f`` (numpy) — the generator function, D_f(P‖Q) = Σ Q f(P/Q);
* ``conj`` f* and ``act`` g_f (torch) — the conjugate and the output activation of the f-GAN critic;
* ``fprime`` f' (numpy) — the optimal critic T* = f'(P/Q);
* ``dom`` — dom f* as an interval;
* ``term`` — Q·f(P/Q) per cell written on log masses (lp, lq; −inf = no mass) so that no finite ratio
  overflows, with P·lim f(u)/u where Q = 0 < P and Q·f(0) where P = 0 < Q: the divergences explorer and
  ``objectives.f_divergence`` both sum it;
* ``stable_fake`` — E_Q[−f*(g_f(v))] written on v directly where the plain form overflows.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable, Optional

import numpy as np
import torch
import torch.nn.functional as F
from scipy import special

LOG2 = math.log(2.0)
LOG4 = math.log(4.0)


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


# ---- per-cell terms Q·f(P/Q) on log masses (P = e^lp, Q = e^lq) -----------------------------------
def _masses(lp, lq):
    lp, lq = np.asarray(lp, dtype=np.float64), np.asarray(lq, dtype=np.float64)
    hp, hq = np.isfinite(lp), np.isfinite(lq)
    return lp, lq, np.exp(lp), np.exp(lq), hp, hq, hp & hq


def _term_js2(lp, lq):    # 2·JS per cell: rel_entr(P, P+Q) + rel_entr(Q, P+Q) + log 2·(P+Q)
    _, _, P, Q, *_ = _masses(lp, lq)
    s = P + Q
    return special.rel_entr(P, s) + special.rel_entr(Q, s) + LOG2 * s


def _term_gan(lp, lq):    # 2·JS − log 4 per cell
    _, _, P, Q, *_ = _masses(lp, lq)
    s = P + Q
    return special.rel_entr(P, s) + special.rel_entr(Q, s)


def _term_tv(lp, lq):
    _, _, P, Q, *_ = _masses(lp, lq)
    return 0.5 * np.abs(P - Q)


def _term_hellinger(lp, lq):
    lp, lq, P, Q, _, _, both = _masses(lp, lq)
    return np.where(both, P + Q - 2 * np.exp(0.5 * (lp + lq)), P + Q)


def _term_kl(lp, lq):
    lp, lq, P, Q, hp, hq, both = _masses(lp, lq)
    return np.where(both, P * np.where(both, lp - lq, 0.0), np.where(hp, np.inf, 0.0))


def _term_rkl(lp, lq):
    lp, lq, P, Q, hp, hq, both = _masses(lp, lq)
    return np.where(both, -Q * np.where(both, lp - lq, 0.0), np.where(hq, np.inf, 0.0))


def _term_jeffrey(lp, lq):
    lp, lq, P, Q, hp, hq, both = _masses(lp, lq)
    return np.where(both, (P - Q) * np.where(both, lp - lq, 0.0), np.where(hp | hq, np.inf, 0.0))


def _term_pearson(lp, lq):    # Σ(P − Q)²/Q = Σ P²/Q − 2P + Q, with P²/Q = exp(2 lp − lq)
    lp, lq, P, Q, hp, hq, both = _masses(lp, lq)
    return np.where(both, np.exp(np.where(both, 2 * lp - lq, 0.0)) - 2 * P + Q, np.where(hp, np.inf, Q))


def _term_neyman(lp, lq):
    lp, lq, P, Q, hp, hq, both = _masses(lp, lq)
    return np.where(both, np.exp(np.where(both, 2 * lq - lp, 0.0)) - 2 * Q + P, np.where(hq, np.inf, P))


def _prob(u):
    """P/(P + Q) from a density ratio u = P/Q >= 0 (u = ∞ -> 1)."""
    u = np.asarray(u, dtype=np.float64)
    with np.errstate(invalid="ignore", over="ignore"):
        return np.where(np.isinf(u), 1.0, u / (1 + u))


def _jeffrey_fprime_inverse(t, iters: int = 80):
    """u with f'(u) = log u + 1 − 1/u = t (f' increases from −∞ to ∞), by bisection on log u."""
    t = np.asarray(t, dtype=np.float64)
    lo, hi = np.full(t.shape, -50.0), np.full(t.shape, 50.0)
    for _ in range(iters):
        mid = 0.5 * (lo + hi)
        below = mid + 1 - np.exp(-mid) < t
        lo, hi = np.where(below, mid, lo), np.where(below, hi, mid)
    return np.exp(0.5 * (lo + hi))


@dataclass(frozen=True)
class FRow:
    key: str                      # the id's suffix: the objective is "f:<key>"
    name: str                     # human name
    f: Callable                   # f(u), numpy
    conj: Callable                # f*(t), torch
    act: Callable                 # g_f(v), torch: maps the raw output into dom f*
    fprime: Callable              # f'(u), numpy: the optimal critic T* = f'(P/Q)
    dom: tuple                    # dom f* as (lo, hi)
    divergence: str               # what the optimum equals, in words
    note: str                     # one teaching sentence
    term: Callable                # Q f(P/Q) per cell from log masses (see the module docstring)
    ratio: Callable = None        # T -> the P/(P + Q) that T = f'(P/Q) implies (inverse of f', numpy)
    stable_fake: Optional[Callable] = None   # -f*(g_f(v)) written on v (no overflow), or None


TERMS = {"gan": _term_gan, "js2": _term_js2, "tv": _term_tv}   # terms other optima reuse (the GAN's C(G))

TABLE = [
    FRow("tv", "f-GAN: total variation",
         lambda u: 0.5 * np.abs(u - 1), lambda t: t, lambda v: 0.5 * torch.tanh(v),
         lambda u: 0.5 * np.sign(u - 1), (-0.5, 0.5), "TV(P, Q) = ½Σ|P − Q|",
         "The optimal critic is ±½ (sign of P − Q): a step function, no gradient inside a region; its defaults "
         "add an R1 penalty (objective.params.r1 = 10) without which it does not train ring8.",
         _term_tv, ratio=lambda t: np.clip(np.asarray(t) + 0.5, 0.0, 1.0)),   # ±½: the side P or Q outweighs
    FRow("kl", "f-GAN: Kullback–Leibler",
         lambda u: _xlogx(u), lambda t: torch.exp(t - 1), lambda v: v,
         lambda u: 1 + np.log(u), (-math.inf, math.inf), "KL(P‖Q)",
         "Mode covering: Q is punished for missing mass of P.", _term_kl,
         ratio=lambda t: _prob(np.exp(np.minimum(np.asarray(t, dtype=np.float64) - 1, 700)))),
    FRow("rkl", "f-GAN: reverse KL",
         lambda u: -np.log(u), lambda t: -1 - torch.log(-t), lambda v: -torch.exp(-v),
         lambda u: -1 / u, (-math.inf, 0.0), "KL(Q‖P)",
         "Mode seeking: Q is punished for mass where P has none, so it may drop modes.", _term_rkl,
         stable_fake=lambda v: 1 - v,                    # -f*(-e^-v) = 1 + log(e^-v) = 1 - v
         ratio=lambda t: _prob(-1 / np.minimum(np.asarray(t, dtype=np.float64), -1e-300))),
    FRow("pearson", "f-GAN: Pearson χ²",
         lambda u: (u - 1) ** 2, lambda t: 0.25 * t * t + t, lambda v: v,
         lambda u: 2 * (u - 1), (-math.inf, math.inf), "Pearson χ²(P‖Q) = Σ(P − Q)²/Q",
         "The least-squares relative: a quadratic conjugate.", _term_pearson,
         ratio=lambda t: _prob(np.maximum(1 + np.asarray(t, dtype=np.float64) / 2, 0.0))),
    FRow("neyman", "f-GAN: Neyman χ²",
         lambda u: (1 - u) ** 2 / u, lambda t: 2 - 2 * torch.sqrt(1 - t), lambda v: 1 - torch.exp(v),
         lambda u: 1 - 1 / u**2, (-math.inf, 1.0), "Neyman χ²(P‖Q) = Σ(P − Q)²/P",
         "g_f(v) = 1 − e^v maps onto dom f* = (−∞, 1); some code uses 1 − e^(−v): same optimum.", _term_neyman,
         stable_fake=lambda v: 2 * torch.exp(0.5 * v) - 2,
         ratio=lambda t: _prob(1 / np.sqrt(np.maximum(1 - np.asarray(t, dtype=np.float64), 1e-300)))),
    FRow("hellinger", "f-GAN: squared Hellinger",
         lambda u: (np.sqrt(u) - 1) ** 2, lambda t: t / (1 - t), lambda v: 1 - torch.exp(v),
         lambda u: 1 - 1 / np.sqrt(u), (-math.inf, 1.0), "Σ(√P − √Q)² (= 2·H² with H² = ½Σ(√P − √Q)²)",
         "Nowozin's squared Hellinger has no ½: the optimum is twice the H² that gantoy's metrics report.",
         _term_hellinger, stable_fake=lambda v: 1 - torch.exp(-v),
         ratio=lambda t: _prob(1 / np.maximum(1 - np.asarray(t, dtype=np.float64), 1e-300) ** 2)),
    FRow("jeffrey", "f-GAN: Jeffrey",
         lambda u: (u - 1) * np.log(u), _jeffrey_conj, lambda v: v,
         lambda u: np.log(u) + 1 - 1 / u, (-math.inf, math.inf), "Jeffrey = KL(P‖Q) + KL(Q‖P)",
         "Symmetric KL; its conjugate needs the Lambert W function.", _term_jeffrey,
         ratio=lambda t: _prob(_jeffrey_fprime_inverse(t))),
    FRow("js", "f-GAN: Jensen–Shannon",
         lambda u: -(u + 1) * np.log((1 + u) / 2) + _xlogx(u), lambda t: -torch.log(2 - torch.exp(t)),
         lambda v: LOG2 + F.logsigmoid(v),
         lambda u: np.log(2 * u / (1 + u)), (-math.inf, LOG2), "2·JS(P‖Q) (the table's f is twice JS)",
         "Nowozin's f for JS gives 2·JS; divide by two to compare with the JS metric.", _term_js2,
         stable_fake=lambda v: LOG2 + F.logsigmoid(-v),
         ratio=lambda t: np.clip(np.exp(np.asarray(t, dtype=np.float64)) / 2, 0.0, 1.0)),   # 2u/(1+u) = e^T
    FRow("gan", "f-GAN: GAN",
         lambda u: _xlogx(u) - (u + 1) * np.log(u + 1), lambda t: -torch.log(1 - torch.exp(t)),
         lambda v: F.logsigmoid(v),
         lambda u: np.log(u / (u + 1)), (-math.inf, 0.0), "2·JS(P‖Q) − log 4",
         "The original GAN written as an f-divergence: D = e^T = sigmoid(a).", _term_gan,
         stable_fake=lambda v: F.logsigmoid(-v),
         ratio=lambda t: np.clip(np.exp(np.asarray(t, dtype=np.float64)), 0.0, 1.0)),   # u/(1+u) = e^T
]
