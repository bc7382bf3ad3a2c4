"""Exact optimal transport between two small discrete distributions: the Earth-Mover distance as a
linear program, its dual, and the Kantorovich–Rubinstein potential (REFERENCES.md §3; Villani 2009;
Arjovsky et al. 2017).

Primal: min Σ γ_ij c_ij  s.t.  Σ_j γ_ij = p_i,  Σ_i γ_ij = q_j,  γ ≥ 0.
Dual:   max Σ f_i p_i + Σ g_j q_j  s.t.  f_i + g_j ≤ c_ij.
Two solvers, so each checks the other: scipy's HiGHS (``linprog``; the duals are the equality
constraints' marginals) and POT's network simplex (``ot.emd`` with ``log=True``).
For a metric cost (Euclidean: W1) the c-transform φ(x) = min_j (c(x, y_j) − g_j) of the optimal g is
1-Lipschitz and W1 = Σ p_i φ(x_i) − Σ q_j φ(y_j): the critic WGAN's network tries to learn.
"""
from __future__ import annotations

import math

import numpy as np
from scipy import optimize

COSTS = {"euclidean": "‖x − y‖ (W1, the Earth-Mover distance)", "sqeuclidean": "‖x − y‖² (W2²)"}
MAX_POINTS = 150   # per side: the LP has n·m variables; HiGHS solves 150 × 150 in about a second


def points(a) -> np.ndarray:
    """Points as a float64 array [n, d] (a 1-D list becomes [n, 1])."""
    a = np.asarray(a, dtype=np.float64)
    return a[:, None] if a.ndim == 1 else a


def cost(x, y, kind: str = "euclidean") -> np.ndarray:
    """Ground cost matrix c_ij between point sets x [n, d] and y [m, d]."""
    x, y = points(x), points(y)
    d2 = np.sum((x[:, None, :] - y[None, :, :]) ** 2, axis=-1)
    if kind == "sqeuclidean":
        return d2
    if kind == "euclidean":
        return np.sqrt(d2)
    raise ValueError(f"unknown cost {kind!r}; choose from {', '.join(COSTS)}")


def check(p, q, tol: float = 1e-9):
    """Masses as float64 vectors; ValueError naming the problem for negative, non-finite, empty or
    unbalanced masses (Kantorovich's problem moves all of P onto all of Q: the totals must agree)."""
    p, q = np.asarray(p, dtype=np.float64).ravel(), np.asarray(q, dtype=np.float64).ravel()
    for name, w in (("P", p), ("Q", q)):
        if len(w) == 0:
            raise ValueError(f"{name} has no points")
        if len(w) > MAX_POINTS:
            raise ValueError(f"{name} has {len(w)} points; at most {MAX_POINTS} per side")
        if not np.all(np.isfinite(w)):
            raise ValueError(f"{name} has a missing or non-finite weight")
        if np.any(w < 0):
            raise ValueError(f"{name} has a negative weight ({w.min():g}); masses must be >= 0")
        if w.sum() <= 0:
            raise ValueError(f"{name}'s weights sum to 0")
    if abs(p.sum() - q.sum()) > tol * max(p.sum(), q.sum()):
        raise ValueError(f"unbalanced masses: P totals {p.sum():g}, Q totals {q.sum():g}; optimal transport "
                         "needs equal totals (normalise both to 1)")
    return p, q


def solve_lp(p, q, C) -> dict:
    """The primal LP and its dual with scipy.optimize.linprog (HiGHS).

    Returns {"plan" [n, m], "cost" (primal optimum), "f" [n], "g" [m] (dual potentials, shifted to
    (f − s, g + s) so that f has mean 0: the dual is unchanged), "dual" (Σ f p + Σ g q)}.
    """
    p, q = check(p, q)
    C = np.asarray(C, dtype=np.float64)
    n, m = C.shape
    # equality constraints: row sums (n of them), then column sums (m)
    rows = np.kron(np.eye(n), np.ones((1, m)))
    cols = np.kron(np.ones((1, n)), np.eye(m))
    res = optimize.linprog(C.ravel(), A_eq=np.vstack([rows, cols]), b_eq=np.concatenate([p, q]),
                           bounds=(0, None), method="highs")
    if res.status != 0:
        raise ValueError(f"the LP solver failed: {res.message}")
    y = res.eqlin.marginals      # ∂(optimum)/∂b_eq: the dual variables of a minimisation
    f, g = y[:n], y[n:]
    shift = f.mean()             # the duals are defined up to (f + s, g − s); fix s for display
    f, g = f - shift, g + shift
    return {"plan": res.x.reshape(n, m), "cost": float(res.fun), "f": f, "g": g,
            "dual": float(f @ p + g @ q)}


def emd(p, q, C) -> dict:
    """The same problem with POT's network simplex (``ot.emd``, log=True): {"plan", "cost", "f", "g", "dual"}."""
    import ot

    p, q = check(p, q)
    C = np.ascontiguousarray(C, dtype=np.float64)
    plan, log = ot.emd(p, q, C, numItermax=10**7, log=True)
    if log.get("warning"):
        raise ValueError(f"POT did not converge: {log['warning']}")
    f, g = np.asarray(log["u"]), np.asarray(log["v"])
    return {"plan": plan, "cost": float(log["cost"]), "f": f, "g": g, "dual": float(f @ p + g @ q)}


def kr_potential(y, g, at) -> np.ndarray:
    """The c-transform φ(x) = min_j (‖x − y_j‖ − g_j) of a dual potential g on Q's points y, evaluated at
    points ``at`` [k, d]: 1-Lipschitz (a minimum of 1-Lipschitz functions). With the optimal g of the
    Euclidean problem, W1 = E_P φ − E_Q φ (Kantorovich–Rubinstein)."""
    return np.min(cost(at, y) - np.asarray(g)[None, :], axis=1)


def w1_by_kr(x, y, p, q, g) -> float:
    """E_P φ − E_Q φ for the c-transform φ of g (equals W1 at the optimal g)."""
    return float(np.asarray(p) @ kr_potential(y, g, points(x)) - np.asarray(q) @ kr_potential(y, g, points(y)))


def cdfs_1d(x, y, p, q):
    """The two CDFs of 1-D discrete distributions as step functions on the sorted union of the atoms:
    (t [k], F_P(t) [k], F_Q(t) [k]); W1 = Σ |F_P − F_Q| Δt (the area between them)."""
    x, y = points(x)[:, 0], points(y)[:, 0]
    p, q = np.asarray(p, dtype=np.float64), np.asarray(q, dtype=np.float64)
    t = np.unique(np.concatenate([x, y]))
    fp = np.array([p[x <= s].sum() for s in t]) / p.sum()
    fq = np.array([q[y <= s].sum() for s in t]) / q.sum()
    return t, fp, fq


def w1_from_cdfs(t, fp, fq) -> float:
    return float(np.sum(np.abs(fp - fq)[:-1] * np.diff(t)))


def solve(x, y, p, q, kind: str = "euclidean") -> dict:
    """Everything the OT lab shows: the LP (HiGHS) solution with its duals, POT's optimum beside it,
    and for the Euclidean cost the Kantorovich–Rubinstein value; in 1-D also the CDF area."""
    x, y = points(x), points(y)
    if x.shape[1] != y.shape[1]:
        raise ValueError(f"P's points are {x.shape[1]}-D and Q's are {y.shape[1]}-D")
    if len(x) != len(np.asarray(p).ravel()) or len(y) != len(np.asarray(q).ravel()):
        raise ValueError("every point needs one weight")
    if not (np.all(np.isfinite(x)) and np.all(np.isfinite(y))):
        raise ValueError("a point has a missing or non-finite coordinate")
    C = cost(x, y, kind)
    lp = solve_lp(p, q, C)
    out = {"C": C, "lp": lp, "pot": emd(p, q, C), "kind": kind}
    if kind == "euclidean":
        out["kr"] = w1_by_kr(x, y, np.asarray(p, dtype=np.float64), q, lp["g"])
    if x.shape[1] == 1:
        out["monotone"] = monotone_plan(x, y, p, q)
        t, fp, fq = cdfs_1d(x, y, p, q)
        out["cdf"] = (t, fp, fq)
        if kind == "euclidean":
            out["cdf_area"] = w1_from_cdfs(t, fp, fq)
    return out


def monotone_plan(x, y, p, q) -> np.ndarray:
    """1-D: the monotone plan (sorted P's mass onto sorted Q's in order, the quantile coupling, POT's
    ``ot.emd_1d``). It is optimal for every convex cost of x − y (Villani 2003, Thm 2.18; Santambrogio 2015,
    §2.2), and being monotone its segments never cross. With |x − y| (convex, not strictly) other plans can tie
    with it — two shipments moving the same way may swap destinations at no extra cost — and an LP solver may
    return one whose segments cross; with a strictly convex cost (‖x − y‖²) the optimal plan is unique."""
    import ot

    return ot.emd_1d(points(x)[:, 0], points(y)[:, 0], np.asarray(p, dtype=np.float64),
                     np.asarray(q, dtype=np.float64), metric="euclidean")


def relative_gap(a: float, b: float) -> float:
    return abs(a - b) / max(abs(a), abs(b), 1e-300) if math.isfinite(a) and math.isfinite(b) else math.inf


# ---- lesson presets ---------------------------------------------------------------------------------
def preset(name: str, n: int = 12, seed: int = 0):
    """(x [n, d], y [m, d], p [n], q [m]) for a named lesson; the sampled ones draw n points per side."""
    rng = np.random.default_rng(seed)
    if name == "1-D: two small sets":
        return (np.array([[-2.0], [-0.5], [0.0], [1.5]]), np.array([[-1.0], [0.5], [2.0], [3.0], [3.5]]),
                np.array([0.1, 0.4, 0.3, 0.2]), np.array([0.2, 0.2, 0.2, 0.2, 0.2]))
    if name == "2-D: two clusters":
        x = np.r_[rng.normal([-1.5, 0.0], 0.35, (n // 2, 2)), rng.normal([0.0, 1.5], 0.35, (n - n // 2, 2))]
        y = np.r_[rng.normal([1.5, 0.0], 0.35, (n // 2, 2)), rng.normal([0.0, -1.5], 0.35, (n - n // 2, 2))]
    elif name == "2-D: ring of 8 vs a Gaussian":
        # the modes in turn from a random one (every mode drawn once n >= 8: 12 independent draws hit 6.4 on average,
        # and the lesson is about moving a ring's mass, not about which modes a small sample missed)
        a = 2 * np.pi * ((rng.integers(0, 8) + np.arange(n)) % 8) / 8
        x = np.c_[2 * np.cos(a), 2 * np.sin(a)] + rng.normal(0, 0.05, (n, 2))
        y = rng.normal(0, 0.7, (n, 2))
    else:
        raise ValueError(f"unknown lesson {name!r}; choose from {', '.join(PRESETS)}")
    return x, y, np.full(n, 1.0 / n), np.full(n, 1.0 / n)


PRESETS = ["1-D: two small sets", "2-D: two clusters", "2-D: ring of 8 vs a Gaussian"]
SAMPLED = PRESETS[1:]   # the lessons that draw their points (n per side, from the seed); the first is fixed
