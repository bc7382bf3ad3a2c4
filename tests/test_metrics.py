"""Oracle tests for the grid divergences and W1 (scipy quadrature, scipy.stats, closed forms)."""
import math

import numpy as np
import pytest
from scipy import integrate, special, stats

from gantoy import metrics
from gantoy.data import Mixture

PAIRS = [
    (Mixture([0.0], [1.0]), Mixture([1.0], [1.5])),
    (Mixture([-2.0, 2.0], [0.5, 0.5], [0.5, 0.5]), Mixture([0.0], [2.0])),
    (Mixture([-1.0, 1.5], [0.4, 0.7], [0.3, 0.7]), Mixture([-3.0, 0.0, 3.0], [0.4, 0.4, 0.4], [0.2, 0.5, 0.3])),
]


def _quad(f, lo=-15, hi=15):
    return integrate.quad(f, lo, hi, limit=400, epsabs=1e-12)[0]


def _truth(P, Q):
    p = lambda t: P.pdf(np.array([t]))[0]
    q = lambda t: Q.pdf(np.array([t]))[0]
    m = lambda t: 0.5 * (p(t) + q(t))
    kl = lambda a, b: (lambda t: special.rel_entr(a(t), b(t)))
    return {
        "js": 0.5 * _quad(kl(p, m)) + 0.5 * _quad(kl(q, m)),
        "kl_pq": _quad(kl(p, q)), "kl_qp": _quad(kl(q, p)),
        "tv": 0.5 * _quad(lambda t: abs(p(t) - q(t))),
        "hellinger2": 0.5 * _quad(lambda t: (math.sqrt(p(t)) - math.sqrt(q(t))) ** 2),
    }


@pytest.mark.parametrize("P,Q", PAIRS)
def test_divergences_match_quadrature(P, Q):
    x = np.linspace(-15, 15, 30001)
    dx = x[1] - x[0]
    got = metrics.divergences(P.pdf(x), Q.pdf(x), dx)
    want = _truth(P, Q)
    for k in want:
        assert abs(got[k] - want[k]) < 1e-3, (k, got[k], want[k])


def test_divergences_2d_match_closed_form():
    # two isotropic Gaussians: KL = |mu|^2 / (2 s^2) (same std), Hellinger closed form
    P, Q = Mixture([[0.0, 0.0]], [1.0]), Mixture([[1.0, 0.5]], [1.0])
    g = np.linspace(-8, 8, 641)
    xx, yy = np.meshgrid(g, g, indexing="ij")
    pts = np.stack([xx.ravel(), yy.ravel()], 1)
    dx = (g[1] - g[0]) ** 2
    got = metrics.divergences(P.pdf(pts).reshape(xx.shape), Q.pdf(pts).reshape(xx.shape), dx)
    d2 = 1.0 + 0.25
    assert abs(got["kl_pq"] - d2 / 2) < 1e-3 and abs(got["kl_qp"] - d2 / 2) < 1e-3
    assert abs(got["hellinger2"] - (1 - math.exp(-d2 / 8))) < 1e-3
    assert abs(got["tv"] - (2 * stats.norm.cdf(math.sqrt(d2) / 2) - 1)) < 1e-3


def test_kl_is_infinite_where_q_vanishes_and_others_finite():
    p = np.array([0.25, 0.25, 0.25, 0.25])
    q = np.array([0.5, 0.5, 0.0, 0.0])
    d = metrics.divergences(p, q, 1.0)
    assert d["kl_pq"] == math.inf
    assert d["kl_qp"] == pytest.approx(math.log(2))
    # M = (3/8, 3/8, 1/8, 1/8): KL(P||M) = log(4/3)/2, KL(Q||M) = log(4/3)
    assert d["js"] == pytest.approx(0.75 * math.log(4 / 3))
    assert d["tv"] == pytest.approx(0.5)
    assert all(math.isfinite(d[k]) for k in ("js", "tv", "hellinger2"))


def test_disjoint_supports_saturate_js_and_tv():
    d = metrics.divergences([0.5, 0.5, 0, 0], [0, 0, 0.5, 0.5], 1.0)
    assert d["js"] == pytest.approx(math.log(2)) and d["tv"] == pytest.approx(1.0)
    assert d["hellinger2"] == pytest.approx(1.0)
    assert d["kl_pq"] == math.inf and d["kl_qp"] == math.inf


def test_w1_1d_equals_scipy_with_grid_weights():
    x = np.linspace(-5, 5, 1001)
    rng = np.random.default_rng(0)
    for _ in range(3):
        p, q = rng.random(1001), rng.random(1001)
        p /= p.sum() * 0.01
        q /= q.sum() * 0.01
        assert metrics.w1_1d(p, q, x) == pytest.approx(stats.wasserstein_distance(x, x, p, q), rel=1e-9)


def test_w1_1d_closed_forms():
    x = np.linspace(-10, 10, 20001)
    P, Q = Mixture([0.0], [1.0]), Mixture([1.3], [1.0])
    assert metrics.w1_1d(P.pdf(x), Q.pdf(x), x) == pytest.approx(1.3, abs=1e-4)
    # N(0,1) vs N(0, s^2): W1 = |1 - s| * E|Z| = |1 - s| sqrt(2/pi)
    Q2 = Mixture([0.0], [2.0])
    assert metrics.w1_1d(P.pdf(x), Q2.pdf(x), x) == pytest.approx(math.sqrt(2 / math.pi), abs=1e-4)


def test_w1_quantiles_matches_scipy_on_samples():
    rng = np.random.default_rng(1)
    a, b = rng.normal(size=5000), rng.gamma(2.0, size=5000)
    assert metrics.w1_quantiles(a, b) == pytest.approx(stats.wasserstein_distance(a, b), rel=1e-12)


def test_w1_samples_2d_translation():
    rng = np.random.default_rng(2)
    a = rng.normal(size=(400, 2))
    assert metrics.w1_samples_2d(a, a + np.array([0.3, -0.4])) == pytest.approx(0.5, abs=1e-9)


def test_mode_stats_definitions():
    centers = np.array([[0.0, 0.0], [5.0, 0.0], [0.0, 5.0]])
    rng = np.random.default_rng(0)
    one = rng.normal(scale=0.1, size=(1000, 2))  # all on mode 0 (std 0.1 -> hq w.p. 1 - e^-4.5)
    s = metrics.mode_stats(one, centers, 0.1, min_count=1)
    assert s["modes"] == 1 and s["hq"] == pytest.approx(1 - math.exp(-4.5), abs=0.01)
    far = rng.uniform(20, 30, size=(1000, 2))
    s = metrics.mode_stats(far, centers, 0.1)
    assert s["hq"] == 0.0 and s["modes"] == 0 and s["mode_kl"] == math.inf
    exact = np.concatenate([c + rng.normal(scale=0.1, size=(3000, 2)) for c in centers])
    s = metrics.mode_stats(exact, centers, 0.1, min_count=10)
    assert s["modes"] == 3 and s["mode_kl"] < 1e-3


def test_mode_counting_weighs_each_mode_by_its_share():
    """Exact samples of a 0.97 / 0.03 mixture cover both modes: each mode needs 10 % of *its* expected share
    (242 and 7 of 2500), not 10 % of an equal share (125 each, which the 3 % mode's ~75 samples miss)."""
    from gantoy.data import Mixture

    mix = Mixture([-2.0, 2.0], [0.5, 0.5], [0.97, 0.03])
    xs = mix.sample(metrics.N_EVAL, seed=0)
    need = metrics.min_count_for(mix.weights)
    assert need.tolist() == [242, 7]
    st = metrics.mode_stats(xs, mix.centers, mix.stds, min_count=need, weights=mix.weights)
    assert st["modes"] == 2 and st["modes_pub"] == 2 and 30 < st["counts"][1] < 120
    old = metrics.mode_stats(xs, mix.centers, mix.stds, min_count=metrics.min_count_for(2), weights=mix.weights)
    assert old["modes"] == 1   # the equal-share rule called the minority mode missing
    # equal weights: the rule is the one it always was
    assert metrics.min_count_for(np.full(8, 1 / 8)).tolist() == [metrics.min_count_for(8)] * 8 == [31] * 8


def test_published_rule_counts_a_spray_as_coverage():
    """Why our rule is stricter: 2500 points spread uniformly over ring8's square 'cover' modes under the
    published rule (>= 1 high-quality sample) that ours does not count."""
    from gantoy.data import DATASETS

    ring = DATASETS["ring8"].make()
    spray = np.random.default_rng(0).uniform(-2.5, 2.5, size=(metrics.N_EVAL, 2))
    st = metrics.mode_stats(spray, ring.centers, ring.stds, min_count=metrics.min_count_for(ring.weights))
    assert st["modes"] == 0 and st["modes_pub"] >= 2
