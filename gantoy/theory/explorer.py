"""The divergences explorer: every divergence of the f-table, JS and W1 between two 1-D distributions.

Distributions are Gaussian mixtures or uniform "strips" (mixtures of uniform intervals, whose supports
can be disjoint). Everything is computed from **log cell masses** on a fine uniform grid: the exact
probability of each cell (normal CDF differences in log space, scipy.special.log_ndtr), so a tail of
mass 1e-400 is not rounded to 0 and turned into a spurious KL = inf — a divergence is infinite here
only when one distribution really has mass where the other has none (a strip). The sums are the
divergences of the discretised distributions: lower bounds of the continuous ones (data-processing
inequality) that converge as the grid refines; with the default 4000 cells they match the closed forms
to ~1e-6 (tests/test_explorer.py).

The divergences follow REFERENCES.md §2-3 (Nowozin et al. 2016, Table 1; Arjovsky et al. 2017), in
nats: ``f:<name>`` = D_f(P‖Q) = Σ Q f(P/Q) with the table's f (so ``f:js`` is 2·JS, ``f:hellinger``
is Σ(√P − √Q)² = 2·H²), plus ``js`` (0 ≤ JS ≤ log 2) and ``w1`` = ∫|F_P − F_Q| dx.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import special

from gantoy.core import objectives
from gantoy.measure import transport

N_CELLS = 4000  # grid cells: the closed-form tests pass at this resolution


# ---- distributions --------------------------------------------------------------------------------
def _log_ndtr_diff(a, b):
    """log(Φ(b) − Φ(a)) for a < b, accurate in both tails (mirror the upper tail onto the lower one)."""
    a, b = np.broadcast_arrays(np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64))
    upper = a > 0
    lo = np.where(upper, -b, a)
    hi = np.where(upper, -a, b)
    lhi, llo = special.log_ndtr(hi), special.log_ndtr(lo)
    with np.errstate(divide="ignore", invalid="ignore"):
        return lhi + np.log1p(-np.exp(llo - lhi))


@dataclass(frozen=True)
class Gauss:
    """A 1-D Gaussian mixture Σ w_i N(μ_i, σ_i²)."""
    means: tuple        # component means
    stds: tuple         # component standard deviations (> 0)
    weights: tuple      # component weights (>= 0, summing to 1)

    def log_cell_mass(self, edges):
        edges = np.asarray(edges, dtype=np.float64)
        parts = [math.log(w) + _log_ndtr_diff((edges[:-1] - m) / s, (edges[1:] - m) / s)
                 for m, s, w in zip(self.means, self.stds, self.weights) if w > 0]
        return special.logsumexp(np.stack(parts), axis=0)

    def pdf(self, x):
        x = np.asarray(x, dtype=np.float64)
        return sum(w * np.exp(-0.5 * ((x - m) / s) ** 2) / (s * math.sqrt(2 * math.pi))
                   for m, s, w in zip(self.means, self.stds, self.weights))

    def breakpoints(self):
        return ()

    def support(self):
        return (min(m - 8 * s for m, s in zip(self.means, self.stds)),
                max(m + 8 * s for m, s in zip(self.means, self.stds)))

    def shifted(self, t):
        return Gauss(tuple(m + t for m in self.means), self.stds, self.weights)

    def widened(self, s):
        """Every component's std times s (positions kept)."""
        return Gauss(self.means, tuple(v * s for v in self.stds), self.weights)

    def sample(self, n: int, rng: np.random.Generator) -> np.ndarray:
        k = rng.choice(len(self.weights), size=n, p=self.weights)
        return np.asarray(self.means)[k] + np.asarray(self.stds)[k] * rng.standard_normal(n)

    def moments(self):
        m = sum(w * mu for mu, w in zip(self.means, self.weights))
        v = sum(w * (s * s + mu * mu) for mu, s, w in zip(self.means, self.stds, self.weights)) - m * m
        return m, math.sqrt(v)


@dataclass(frozen=True)
class Strips:
    """A mixture of uniform intervals Σ w_i U[left_i, left_i + width_i] (supports may be disjoint)."""
    lefts: tuple        # left ends
    widths: tuple       # interval widths (> 0)
    weights: tuple      # interval weights (>= 0, summing to 1)

    def log_cell_mass(self, edges):
        edges = np.asarray(edges, dtype=np.float64)
        mass = np.zeros(len(edges) - 1)
        for a, w, p in zip(self.lefts, self.widths, self.weights):
            overlap = np.clip(np.minimum(edges[1:], a + w) - np.maximum(edges[:-1], a), 0.0, None)
            mass += p * overlap / w
        with np.errstate(divide="ignore"):
            return np.log(mass)

    def pdf(self, x):
        x = np.asarray(x, dtype=np.float64)
        return sum(p * ((x >= a) & (x <= a + w)) / w for a, w, p in zip(self.lefts, self.widths, self.weights))

    def breakpoints(self):
        """Where the density jumps: made cell edges, so that no cell straddles a strip's end."""
        return tuple(self.lefts) + tuple(a + w for a, w in zip(self.lefts, self.widths))

    def support(self):
        return (min(self.lefts), max(a + w for a, w in zip(self.lefts, self.widths)))

    def sample(self, n: int, rng: np.random.Generator) -> np.ndarray:
        k = rng.choice(len(self.weights), size=n, p=self.weights)
        return np.asarray(self.lefts)[k] + np.asarray(self.widths)[k] * rng.random(n)

    def shifted(self, t):
        return Strips(tuple(a + t for a in self.lefts), self.widths, self.weights)

    def widened(self, s):
        """Every strip's width times s, about its centre."""
        return Strips(tuple(a + w * (1 - s) / 2 for a, w in zip(self.lefts, self.widths)),
                      tuple(w * s for w in self.widths), self.weights)


def make(kind: str, means, spreads, weights):
    """A distribution from the explorer's table: kind "gauss" (means, stds) or "strips" (left ends, widths).
    Raises ValueError with a message naming the problem."""
    means, spreads, weights = (tuple(float(v) for v in col) for col in (means, spreads, weights))
    if not means:
        raise ValueError("the table is empty: give at least one component")
    if not (len(means) == len(spreads) == len(weights)):
        raise ValueError("every component needs a position, a width and a weight")
    if not all(math.isfinite(v) for v in means + spreads + weights):
        raise ValueError("the table holds a missing or non-finite value")
    word = "std" if kind == "gauss" else "width"
    if any(s <= 0 for s in spreads):
        raise ValueError(f"every {word} must be > 0")
    if any(w < 0 for w in weights):
        raise ValueError("weights must be >= 0")
    if sum(weights) <= 0:
        raise ValueError("the weights sum to 0")
    if any(abs(v) > 1e3 for v in means + spreads):
        raise ValueError("positions and widths must lie within ±1000")
    total = sum(weights)
    weights = tuple(w / total for w in weights)  # relative weights: the table need not sum to 1
    return Gauss(means, spreads, weights) if kind == "gauss" else Strips(means, spreads, weights)


def grid_for(*dists, n: int = N_CELLS, widen: float = 1.0):
    """Cell edges covering every distribution's support (Gaussians to ±8σ) with a 5 % margin, plus the
    strips' ends (so cells never straddle a jump); ``widen`` scales the range about its centre."""
    lo = min(d.support()[0] for d in dists)
    hi = max(d.support()[1] for d in dists)
    mid, half = (lo + hi) / 2, 0.55 * (hi - lo) * widen
    e = np.linspace(mid - half, mid + half, n + 1)
    jumps = [b for d in dists for b in d.breakpoints()]
    return np.unique(np.concatenate([e, jumps])) if jumps else e


# ---- the divergences ------------------------------------------------------------------------------
# id -> label; an ``f:<name>`` id is D_f with the registry's f of that f-GAN id
DIVERGENCES = {
    "js": "JS(P‖Q)",
    "f:kl": "KL(P‖Q)",
    "f:rkl": "KL(Q‖P)",
    "f:tv": "TV(P, Q)",
    "f:hellinger": "Σ(√P − √Q)² = 2·H²",
    "f:pearson": "Pearson χ²",
    "f:neyman": "Neyman χ²",
    "f:jeffrey": "Jeffrey",
    "f:js": "2·JS (f-table)",
    "f:gan": "2·JS − log 4 (f:gan)",
    "w1": "W1(P, Q)",
}


def cell_terms(div: str, lp, lq):
    """Per-cell terms of a divergence from log cell masses lp, lq (same cells; −inf = no mass): for an
    f-table id exactly Q·f(P/Q) (with P · lim f(u)/u where Q = 0 < P), for ``js`` half of ``f:js``.

    The terms are the registry's f-table rows (core/fgan.py ``term``), written on logs so that no finite
    ratio overflows; a term is +inf only where one side has mass the other lacks (or a χ² term beyond
    1e308). The terms may be negative (KL's where Q > P); their sum is the divergence.
    """
    if div == "js":
        return 0.5 * cell_terms("f:js", lp, lq)
    if div not in DIVERGENCES or div == "w1":
        raise ValueError(f"unknown divergence {div!r}; choose from {', '.join(DIVERGENCES)}")
    with np.errstate(invalid="ignore", over="ignore"):
        return objectives.get(div).row.term(lp, lq)


def cdf_gap(lp, lq):
    """|F_P − F_Q| at each cell's right edge (each cell's mass placed at its right end): W1's integrand."""
    P, Q = np.exp(lp), np.exp(lq)
    return np.abs(np.cumsum(P) / P.sum() - np.cumsum(Q) / Q.sum())


def divergence(div: str, lp, lq, edges=None) -> float:
    """One divergence (nats) from log cell masses; ``w1`` = ∫|F_P − F_Q| dx needs the cell edges."""
    if div == "w1":
        if edges is None:
            raise ValueError("w1 needs the cell edges")
        return float(np.sum(cdf_gap(lp, lq)[:-1] * np.diff(np.asarray(edges, dtype=np.float64))[1:]))
    with np.errstate(over="ignore"):  # a χ² beyond 1e308 is reported as inf
        v = float(np.sum(cell_terms(div, lp, lq)))
    if div == "f:gan":
        return v
    v = max(0.0, v)  # the others are >= 0 (Gibbs); clamp rounding
    return min(v, math.log(2)) if div == "js" else v


def divergence_table(lp, lq, edges=None) -> dict:
    """All explorer divergences (nats) from log cell masses; ``w1`` too when the cell edges are given."""
    return {k: divergence(k, lp, lq, edges) for k in DIVERGENCES if k != "w1" or edges is not None}


def integrand(div: str, lp, lq, edges):
    """A divergence's density along x (cell terms per unit length); for ``w1`` the integrand |F_P − F_Q|."""
    if div == "w1":
        return cdf_gap(lp, lq)
    return cell_terms(div, lp, lq) / np.diff(np.asarray(edges, dtype=np.float64))


def compare(p, q, n: int = N_CELLS) -> tuple[dict, set]:
    """All divergences between two distributions, on a grid covering both, and the set of ids whose value
    still grows when the range is doubled (same cell width): their integral does not converge in the
    tails (e.g. Pearson χ² between Gaussians with σ_Q² ≤ σ_P²/2 is infinite), so the number shown is
    only a lower bound of an infinite divergence."""
    e = grid_for(p, q, n=n)
    vals = divergence_table(p.log_cell_mass(e), q.log_cell_mass(e), e)
    e2 = grid_for(p, q, n=2 * n, widen=2.0)
    wide = divergence_table(p.log_cell_mass(e2), q.log_cell_mass(e2), e2)
    grows = {k for k, v in vals.items()
             if math.isfinite(v) and (not math.isfinite(wide[k]) or wide[k] - v > 1e-6 * max(1.0, abs(v)))}
    return vals, grows


def sweep(p, q, shifts, n: int = N_CELLS):
    """Each divergence as Q is shifted by t for t in ``shifts``: {id: array}, one grid for all t."""
    shifts = np.asarray(shifts, dtype=np.float64)
    e = grid_for(p, q.shifted(float(shifts.min())), q.shifted(float(shifts.max())), n=n)
    lp = p.log_cell_mass(e)
    rows = [divergence_table(lp, q.shifted(float(t)).log_cell_mass(e), e) for t in shifts]
    return {k: np.array([r[k] for r in rows]) for k in DIVERGENCES}


# ---- WGAN Example 1 -------------------------------------------------------------------------------
def example1(theta: float, n: int = 50) -> dict:
    """Arjovsky et al. 2017, Example 1: P₀ = (0, Z) and P_θ = (θ, Z), Z ~ U[0, 1], both on n equally
    spaced atoms of Z. The divergences are computed between the two discrete distributions on the union of
    their atoms (disjoint for θ ≠ 0), W1 by exact optimal transport (POT ot.emd2, Euclidean cost).
    Closed forms for θ ≠ 0: JS = log 2, KL = +inf, TV = 1, W1 = |θ|."""
    z = (np.arange(n) + 0.5) / n
    a = np.stack([np.zeros(n), z], axis=1)
    b = np.stack([np.full(n, float(theta)), z], axis=1)
    w = np.full(n, 1.0 / n)
    if theta == 0:
        lp = lq = np.log(w)
    else:  # union of atoms: P's first, then Q's
        lp = np.concatenate([np.log(w), np.full(n, -np.inf)])
        lq = np.concatenate([np.full(n, -np.inf), np.log(w)])
    out = divergence_table(lp, lq)
    out["w1"] = transport.emd(w, w, transport.cost(a, b))["cost"]
    return out


# ---- lesson presets ---------------------------------------------------------------------------------
# name -> (P as (kind, positions, widths, weights), Q likewise, the shift θ of Q the lesson opens at)
PRESETS = {
    "Two Gaussians": (("gauss", [0.0], [1.0], [1.0]), ("gauss", [0.0], [0.8], [1.0]), 1.5),
    "Bimodal P, one Gaussian Q": (("gauss", [-2.0, 2.0], [0.5, 0.5], [0.5, 0.5]), ("gauss", [0.0], [1.0], [1.0]), 0.0),
    "Disjoint strips (no overlap)": (("strips", [0.0], [1.0], [1.0]), ("strips", [0.0], [1.0], [1.0]), 2.0),
}


def label(div: str) -> str:
    return DIVERGENCES[div]
