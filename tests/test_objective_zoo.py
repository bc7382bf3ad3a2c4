"""Every objective proven against its optimum (REFERENCES.md §2; Nowozin et al. 2016 Tables 1-2).

A free-table discriminator (one raw output a_i per support point) maximises
V(a) = Σ P_i real(a_i) + Σ Q_i fake(a_i); its maximiser must match the registry's optimal-D formula
and its maximum the stated divergence, written out here independently of the registry."""
import math

import numpy as np
import pytest
import torch
from scipy import optimize, stats

from gantoy import metrics, objectives

RNG = np.random.default_rng(42)
N = 50
P = RNG.random(N) + 0.05
P /= P.sum()
Q = RNG.random(N) + 0.05
Q /= Q.sum()
JS = metrics.divergences_masses(P, Q)["js"]
KL_PQ = float(np.sum(P * np.log(P / Q)))
KL_QP = float(np.sum(Q * np.log(Q / P)))

# the divergence each optimum equals, written out directly
TRUTH = {
    "gan": 2 * JS - math.log(4),
    "nsgan": 2 * JS - math.log(4),
    "f:gan": 2 * JS - math.log(4),
    "f:js": 2 * JS,
    "f:kl": KL_PQ,
    "f:rkl": KL_QP,
    "f:tv": 0.5 * np.abs(P - Q).sum(),
    "f:pearson": np.sum((P - Q) ** 2 / Q),
    "f:neyman": np.sum((P - Q) ** 2 / P),
    "f:hellinger": np.sum((np.sqrt(P) - np.sqrt(Q)) ** 2),
    "f:jeffrey": KL_PQ + KL_QP,
    "lsgan": -0.5 * (1.0 - 0.0) ** 2 * np.sum(P * Q / (P + Q)),
    "hinge": np.abs(P - Q).sum() - 2,              # 2·TV − 2 = −2·Σ min(P, Q)
}


def _maximise(obj, prm, init=0.0):
    """Free-table D: maximise V by L-BFGS in float64 (V is separable and concave in the output T)."""
    a = torch.full((N,), float(init), dtype=torch.float64, requires_grad=True)
    Pt, Qt = torch.tensor(P), torch.tensor(Q)
    opt = torch.optim.LBFGS([a], lr=1, max_iter=2000, tolerance_grad=1e-13, tolerance_change=1e-16,
                            line_search_fn="strong_wolfe")

    def closure():
        opt.zero_grad()
        loss = -(Pt * obj.real(a, prm) + Qt * obj.fake(a, prm)).sum()
        loss.backward()
        return loss

    for _ in range(5):
        opt.step(closure)
    with torch.no_grad():
        v = float((Pt * obj.real(a, prm) + Qt * obj.fake(a, prm)).sum())
    return a.detach(), v


def _maximise_cells(obj, prm, lo=-5.0, hi=5.0):
    """Free-table D for a piecewise-linear V (the hinge loss: L-BFGS stalls at its kinks): V is separable,
    so each cell's output is maximised on its own by bounded Brent, to 1e-10."""
    a = np.empty(N)
    for i in range(N):
        def neg(t, i=i):
            t = torch.tensor([t], dtype=torch.float64)
            return -float(P[i] * obj.real(t, prm) + Q[i] * obj.fake(t, prm))
        a[i] = optimize.minimize_scalar(neg, bounds=(lo, hi), method="bounded", options={"xatol": 1e-10}).x
    at = torch.tensor(a)
    with torch.no_grad():
        v = float((torch.tensor(P) * obj.real(at, prm) + torch.tensor(Q) * obj.fake(at, prm)).sum())
    return at, v


PIECEWISE_LINEAR = {"hinge"}


@pytest.mark.parametrize("oid", [o for o in objectives.names() if o not in ("wgan", "wgan-gp")])
def test_optimal_discriminator_and_value(oid):
    obj = objectives.get(oid)
    prm = obj.p({})
    a, v = (_maximise_cells if oid in PIECEWISE_LINEAR else _maximise)(obj, prm)
    shown = obj.display(a, prm).numpy()
    np.testing.assert_allclose(shown, obj.d_star(P, Q, prm), atol=1e-3, rtol=0)
    assert abs(v - TRUTH[oid]) <= 1e-3, (oid, v, TRUTH[oid])
    assert abs(obj.optimum(P, Q, prm) - TRUTH[oid]) < 1e-9   # the registry's closed form of max_D V
    if oid in ("gan", "nsgan"):  # the bound read off V at the optimum is JS (Theorem 1)
        assert abs(obj.bound(v, prm) - JS) < 1e-3
    if obj.row is not None:  # the registry's own f gives the same D_f
        assert abs(objectives.f_divergence(oid, P, Q) - TRUTH[oid]) < 1e-9


def test_lsgan_bound_is_triangular_discrimination():
    obj = objectives.get("lsgan")
    prm = obj.p({"a": -1.0, "b": 1.0, "c": 0.0})
    a, v = _maximise(obj, prm)
    np.testing.assert_allclose(a.numpy(), (P - Q) / (P + Q), atol=1e-4)  # a* = (bP + aQ)/(P+Q)
    assert abs(obj.bound(v, prm) - np.sum((P - Q) ** 2 / (P + Q))) < 1e-3


def test_wgan_value_under_the_exact_lipschitz_constraint_is_w1():
    """V is linear in the critic: V = Σ c_i a_i with c read off the objective by autograd; the LP
    max c·a s.t. |a_i − a_{i+1}| <= x_{i+1} − x_i (1-Lipschitz on the line) equals W1 (scipy)."""
    x = np.sort(RNG.uniform(-3, 3, N))
    for oid in ("wgan", "wgan-gp"):
        obj = objectives.get(oid)
        a0 = torch.zeros(N, dtype=torch.float64, requires_grad=True)
        V = lambda a: (torch.tensor(P) * obj.real(a, {}) + torch.tensor(Q) * obj.fake(a, {})).sum()
        (c,) = torch.autograd.grad(V(a0), a0)
        r = torch.randn(N, dtype=torch.float64)
        assert abs(float(V(r)) - float(c @ r)) < 1e-12  # linear
        c = c.numpy()
        A = np.zeros((2 * (N - 1), N))
        for i in range(N - 1):
            A[2 * i, i], A[2 * i, i + 1] = 1, -1
            A[2 * i + 1, i], A[2 * i + 1, i + 1] = -1, 1
        b = np.repeat(np.diff(x), 2)
        res = optimize.linprog(-c, A_ub=A, b_ub=b, bounds=[(None, None)] * N, method="highs")
        w1 = stats.wasserstein_distance(x, x, P, Q)
        assert abs(-res.fun - w1) < 1e-9
        assert abs(-res.fun - metrics.w1_1d(P / np.gradient(x), Q / np.gradient(x), x)) < 1e-9


@pytest.mark.parametrize("one_sided", [False, True])
def test_gradient_penalty_on_a_linear_critic(one_sided):
    """For D(x) = w·x the gradient norm is |w| everywhere: penalty = λ(|w| − 1)² (two-sided) or
    λ max(0, |w| − 1)² (one-sided), computed by the Trainer's autograd path with the runs dimension."""
    from gantoy import presets
    from gantoy import Trainer

    cfg = presets.get("ring8").with_sets({"objective.id": "wgan-gp", "model.depth": 0, "train.runs": 2,
                                          "objective.params.lam": 3.0, "objective.params.one_sided": one_sided})
    tr = Trainer(cfg)
    with torch.no_grad():
        tr.D.weights[0][0] = torch.tensor([[0.3], [0.4]])  # |w| = 0.5
        tr.D.weights[0][1] = torch.tensor([[1.2], [1.6]])  # |w| = 2.0
        tr.D.in_affine = None
    real, fake = tr._real(64), tr.G(tr._noise(64)).detach()
    pen = tr._penalties(real, fake).detach().numpy()
    want = [0.0 if one_sided else 3 * 0.25, 3 * 1.0]
    np.testing.assert_allclose(pen, want, atol=1e-5)


def test_wgan_clipping_after_every_critic_step():
    from gantoy import presets
    from gantoy import Trainer

    tr = Trainer(presets.get("ring8").with_sets({"objective.id": "wgan", "objective.params.clip": 0.05}))
    tr.step_d(3)
    assert max(float(p.detach().abs().max()) for p in tr.D.parameters()) <= 0.05 + 1e-7


FGAN = [o for o in objectives.names() if o.startswith("f:")]


@pytest.mark.parametrize("oid", FGAN)
def test_conjugate_is_the_legendre_transform(oid):
    """f*(t) = sup_{u > 0} (t u − f(u)) for sampled t inside dom f* (the sup may sit at the boundary
    u -> 0, whose value is −f(0) where f(0) is finite). Pearson: Nowozin's t²/4 + t extends f to
    u < 0 and equals the sup over u >= 0 only for t >= −2, so t is sampled there."""
    obj = objectives.get(oid)
    lo, hi = obj.row.dom
    lo = max(lo, -2.0 if oid == "f:pearson" else -3.0)
    ts = np.linspace(lo + 0.05, min(hi, 3.0) - 0.05, 9)
    with np.errstate(divide="ignore", invalid="ignore"):
        f0 = float(obj.row.f(np.array(0.0)))
    for t in ts:
        res = optimize.minimize_scalar(lambda lu: -(t * math.exp(lu) - float(obj.row.f(np.array(math.exp(lu))))),
                                       bounds=(-30, 12), method="bounded", options={"xatol": 1e-12})
        sup = max(-res.fun, -f0 if math.isfinite(f0) else -math.inf)
        got = float(obj.row.conj(torch.tensor(t, dtype=torch.float64)))
        assert abs(got - sup) < 1e-5, (oid, t, got, sup)


@pytest.mark.parametrize("oid", FGAN)
def test_activation_maps_into_the_conjugate_domain_and_is_finite(oid):
    obj = objectives.get(oid)
    v = torch.linspace(-20, 20, 401, dtype=torch.float64)  # beyond ~±35, float64 rounds g_f(v) onto the boundary
    t = obj.row.act(v)
    lo, hi = obj.row.dom
    assert torch.all(t > lo) and torch.all(t < hi) if oid != "f:tv" else torch.all(t.abs() <= 0.5)
    wide = torch.linspace(-60, 60, 241, dtype=torch.float64)  # the losses stay finite far beyond that
    for term in (obj.real(wide, {}), obj.fake(wide, {}), obj.g(wide, {})):
        assert torch.isfinite(term).all()


@pytest.mark.parametrize("oid,t_star", [("f:tv", 0.0), ("f:kl", 1.0), ("f:rkl", -1.0), ("f:pearson", 0.0),
                                        ("f:neyman", 0.0), ("f:hellinger", 0.0), ("f:jeffrey", 0.0),
                                        ("f:js", 0.0), ("f:gan", -math.log(2))])
def test_optimal_critic_when_p_equals_q(oid, t_star):
    obj = objectives.get(oid)
    np.testing.assert_allclose(obj.d_star(P, P, {}), t_star, atol=1e-12)


def test_stable_fake_terms_equal_the_table():
    """The numerically stable forms of −f*(g_f(v)) equal the table's composition where both are finite."""
    v = torch.linspace(-5, 5, 41, dtype=torch.float64)
    for oid in FGAN:
        obj = objectives.get(oid)
        torch.testing.assert_close(obj.fake(v, {}), -obj.row.conj(obj.row.act(v)), rtol=1e-9, atol=1e-9)


def test_lambert_w_matches_scipy():
    from scipy.special import lambertw

    from gantoy.core.fgan import _LambertWExp

    y = torch.linspace(-20, 40, 61, dtype=torch.float64, requires_grad=True)
    w = _LambertWExp.apply(y)
    np.testing.assert_allclose(w.detach().numpy(), lambertw(np.exp(y.detach().numpy())).real, rtol=1e-10)
    (g,) = torch.autograd.grad(w.sum(), y)
    wn = w.detach()
    torch.testing.assert_close(g, wn / (1 + wn))


def test_minus_log_d_trick_gradient_identity():
    """Arjovsky & Bottou (2017): with D* fixed at θ0, E_z[−∇_θ log D*(G_θ(z))] = ∇_θ[KL(Q‖P) − 2 JS(P‖Q)],
    for P a bimodal mixture and G_θ(z) = θ + 0.8 z (Q_θ = N(θ, 0.64)), by quadrature on a fine grid."""
    from gantoy.data import Mixture

    x = np.linspace(-12, 12, 240001)
    dx = x[1] - x[0]
    Pd = Mixture([-1.0, 1.5], [0.6, 0.5], [0.4, 0.6]).pdf(x)
    q = lambda th: stats.norm(th, 0.8).pdf(x)
    th0, h = 0.3, 1e-4
    dstar = objectives.get("nsgan").d_star(Pd, q(th0), {})
    # G_θ(z) = θ + 0.8 z moves every sample by dθ: ∇_θ log D*(G(z)) = (log D*)'(x) at x = G(z)
    dlog = np.gradient(np.log(dstar), dx)
    lhs = -np.sum(q(th0) * dlog) * dx

    def F(th):
        d = metrics.divergences(Pd, q(th), dx)
        return d["kl_qp"] - 2 * d["js"]

    rhs = (F(th0 + h) - F(th0 - h)) / (2 * h)
    assert abs(lhs - rhs) < 1e-4 * max(1.0, abs(rhs)), (lhs, rhs)
