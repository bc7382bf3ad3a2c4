"""The Dirac-GAN engine (gantoy.dynamics) against the closed forms of Mescheder, Geiger & Nowozin 2018 (§2-4):
the field, its Jacobian at the equilibrium, and what simultaneous, alternating and regularised steps do."""
import math

import numpy as np
import pytest
from gantoy.dynamics import DiracGAN

from gantoy.theory import dynamics as DY


def fp(t):
    """f′(t) for the paper's f(t) = −log(1 + e^{−t}): the logistic σ(−t)."""
    return 1.0 / (1.0 + np.exp(t))


@pytest.mark.parametrize("th,ps", [(1.0, 1.0), (-0.7, 0.3), (0.2, -1.5)])
def test_gan_field_is_the_papers(th, ps):
    """GAN: (θ̇, ψ̇) = (−ψ f′(ψθ), θ f′(ψθ)); non-saturating G: θ̇ = −ψ f′(−ψθ); WGAN f(t) = t: (−ψ, θ)."""
    np.testing.assert_allclose(DiracGAN("gan").field(th, ps), (-ps * fp(ps * th), th * fp(ps * th)), rtol=1e-12)
    np.testing.assert_allclose(DiracGAN("nsgan").field(th, ps)[0], -ps * fp(-ps * th), rtol=1e-12)
    np.testing.assert_allclose(DiracGAN("wgan", params={"clip": 1.0}).field(th, ps), (-ps, th), rtol=1e-12)
    # WGAN-GP: D maximises ψθ − λ(|ψ| − 1)²; R1: D maximises f(ψθ) − (γ/2)ψ²
    np.testing.assert_allclose(DiracGAN("wgan-gp", params={"lam": 0.7}).field(th, ps)[1],
                               th - 2 * 0.7 * (abs(ps) - 1) * np.sign(ps), rtol=1e-12)
    np.testing.assert_allclose(DiracGAN("gan", r1=0.3).field(th, ps)[1], th * fp(ps * th) - 0.3 * ps, rtol=1e-12)


def test_the_field_takes_arrays():
    th, ps = np.meshgrid(np.linspace(-2, 2, 5), np.linspace(-2, 2, 4))
    u, v = DiracGAN("gan").field(th, ps)
    assert u.shape == v.shape == (4, 5)
    np.testing.assert_allclose(u, -ps * fp(ps * th), rtol=1e-12)


@pytest.mark.parametrize("objective,params,r1,expect", [
    ("gan", {}, 0.0, np.array([[0, -0.5], [0.5, 0]])),           # eigenvalues ±i·f′(0) = ±i/2
    ("wgan", {"clip": 1.0}, 0.0, np.array([[0, -1.0], [1.0, 0]])),  # ±i
    ("gan", {}, 0.3, np.array([[0, -0.5], [0.5, -0.3]])),         # λ² + γλ + f′(0)² = 0
])
def test_jacobian_at_the_equilibrium_is_the_closed_form(objective, params, r1, expect):
    J = DiracGAN(objective, r1=r1, params=params).jacobian(0.0, 0.0)
    np.testing.assert_allclose(J, expect, atol=1e-12)
    ev = np.sort_complex(np.linalg.eigvals(J))
    if r1:
        np.testing.assert_allclose(ev, np.sort_complex(np.roots([1.0, r1, 0.25])), atol=1e-12)


def test_jacobian_away_from_the_equilibrium_matches_finite_differences():
    game = DiracGAN("nsgan", r1=0.2)
    th, ps, h = 0.6, -0.4, 1e-6
    fd = np.empty((2, 2))
    for j, (dt, dp) in enumerate(((h, 0.0), (0.0, h))):
        plus, minus = np.array(game.field(th + dt, ps + dp)), np.array(game.field(th - dt, ps - dp))
        fd[:, j] = (plus - minus) / (2 * h)
    np.testing.assert_allclose(game.jacobian(th, ps), fd, atol=1e-7)


def test_simultaneous_spirals_out_alternating_stays_bounded_r1_converges():
    """As the paper states: from (1, 1) with steps of 0.2, simultaneous GD spirals out (each step multiplies
    the distance by about √(1 + h²f′(0)²) = 1.005 near the equilibrium), alternating GD keeps a bounded orbit
    (its linear update has determinant 1), and R1 (γ = 0.3) converges."""
    gan = DiracGAN("gan")
    sim = np.linalg.norm(gan.simulate((1.0, 1.0), "simultaneous", lr=0.2, steps=1000), axis=1)
    assert sim[-1] > 3.0 and sim[-1] > sim[500] > sim[0]      # grows all the way
    alt = np.linalg.norm(gan.simulate((1.0, 1.0), "alternating", lr=0.2, steps=3000), axis=1)
    assert 0.9 < alt.min() and alt.max() < 1.6                 # neither in nor out
    r1 = np.linalg.norm(DiracGAN("gan", r1=0.3).simulate((1.0, 1.0), "simultaneous", lr=0.2, steps=500), axis=1)
    assert r1[-1] < 1e-2
    assert abs(gan.spectral_radius("simultaneous", 0.2) - math.sqrt(1 + 0.04 * 0.25)) < 1e-12
    assert abs(gan.spectral_radius("alternating", 0.2) - 1.0) < 1e-12


def test_wgan_clips_psi_and_negative_momentum_helps_alternating_steps():
    tr = DiracGAN("wgan", params={"clip": 1.0}).simulate((1.0, 1.0), "simultaneous", lr=0.2, steps=300)
    assert np.abs(tr[:, 1]).max() <= 1.0 + 1e-12 and np.linalg.norm(tr[-1]) > 1.0   # clipped, not converging
    gan = DiracGAN("gan")
    assert gan.spectral_radius("alternating", 0.2, momentum=-0.5) < 1 - 1e-3   # Gidel et al. 2019
    plain = np.linalg.norm(gan.simulate((1.0, 1.0), "alternating", 0.2, 1000)[-1])
    negative = np.linalg.norm(gan.simulate((1.0, 1.0), "alternating", 0.2, 1000, momentum=-0.5)[-1])
    assert negative < 0.5 * plain


def test_bad_inputs_get_clear_messages():
    from gantoy.config import ConfigError

    with pytest.raises(ConfigError, match="unknown objective"):
        DiracGAN("vae")
    with pytest.raises(ConfigError, match="r1"):
        DiracGAN("wgan-gp", r1=1.0)   # no R1 option on the critic
    with pytest.raises(ValueError, match="method"):
        DiracGAN("gan").simulate(method="leapfrog")


@pytest.mark.parametrize("lesson", list(DY.LESSONS))
def test_each_lesson_says_what_its_title_claims(lesson):
    title, s = DY.LESSONS[lesson]
    game = DY.game_for(s["objective"], s["r1"])
    rho = [game.spectral_radius(m, s["lr"], mom) for m, mom in s["runs"]]
    if lesson in ("r1", "optimistic"):
        assert all(r < 1 for r in rho)
    elif lesson == "momentum":
        assert rho[1] < rho[0] <= 1 + 1e-12
    else:   # orbit, simalt, wgan: simultaneous spirals out, alternating circles
        assert rho[0] > 1 and abs(rho[1] - 1) < 1e-9
        assert "spiral out" in DY.reading(game, "simultaneous", s["lr"])


def test_optimistic_and_extragradient_steps_converge_on_the_bilinear_orbit():
    """Daskalakis et al. 2018 (optimistic GD) and extragradient (Gidel et al. 2019): where simultaneous steps
    spiral out, both spiral in."""
    gan = DiracGAN("gan")
    for method in ("optimistic", "extragradient"):
        assert gan.spectral_radius(method, 0.2) < 0.999
        assert np.linalg.norm(gan.simulate((1.0, 1.0), method, 0.2, 1000)[-1]) < 0.05


def test_instance_noise_and_consensus_move_the_eigenvalues_left():
    """Instance noise σ (Mescheder et al. 2018, §3.3): J = [[0, −f′(0)], [f′(0), 2f″(0)σ²]], so λ² − 2f″(0)σ²λ +
    f′(0)² = 0 with f″(0) = −¼; ConOpt (Mescheder et al. 2017): J − γJᵀJ, so λ = −γf′(0)² ± i f′(0)."""
    sigma = 0.7
    ev = np.sort_complex(np.linalg.eigvals(DiracGAN("gan", noise=sigma).jacobian(0.0, 0.0)))
    np.testing.assert_allclose(ev, np.sort_complex(np.roots([1.0, 2 * 0.25 * sigma**2, 0.25])), atol=1e-8)
    ev = np.sort_complex(np.linalg.eigvals(DiracGAN("gan", consensus=1.0).jacobian(0.0, 0.0)))
    np.testing.assert_allclose(ev, [-0.25 - 0.5j, -0.25 + 0.5j], atol=1e-12)


def test_gaussian_game_is_at_rest_at_its_equilibrium_and_its_jacobian_matches_finite_differences():
    from gantoy.theory.dynamics import GaussianGame

    game = GaussianGame(m=2.0, s=0.5)
    eq = game.equilibrium
    assert np.abs(game.vector_field(eq)).max() < 1e-12          # p_g = p_data and D ≡ ½: no force
    J, h = game.jacobian_at(eq), 1e-6
    fd = np.stack([(game.vector_field(eq + h * e) - game.vector_field(eq - h * e)) / (2 * h) for e in np.eye(5)], 1)
    np.testing.assert_allclose(J, fd, atol=1e-6)
    ev = np.linalg.eigvals(J)
    assert np.all(ev.real < 0) and ev.real.max() > -0.01          # stable, but one pair barely: a slow spiral
    # from a start off the data, alternating steps bring (μ, σ) towards (m, s); R1 (γ = 0.3) gets there
    start = [0.0, np.log(1.5), 0.0, 0.0, 0.0]
    dist = (lambda tr: np.hypot(tr[-1, 0] - 2.0, np.exp(tr[-1, 1]) - 0.5))
    assert dist(game.simulate_x(start, "alternating", lr=0.1, steps=3000)) < 0.3
    assert dist(GaussianGame(m=2.0, s=0.5, r1=0.3).simulate_x(start, "alternating", lr=0.1, steps=3000)) < 0.05
    js = game.js_landscape([1.0, 2.0], [0.5, 1.0])
    assert js[0, 1] < 1e-9 and js[0, 0] > 0.1


def test_a_diverging_run_stops_with_the_rows_before():
    """A run that leaves |x| <= DIVERGED (here the Gaussian game under alternating steps with momentum −0.5 at
    h = 0.1: log σ runs away within ~15 steps) stops there instead of filling the chart with inf or nan."""
    gg = DY.GaussianGame(objective="gan", r1=0.4)
    tr = gg.simulate_x([0.0, np.log(1.5), 0.0, 0.0, 0.0], "alternating", 0.1, 2000, momentum=-0.5)
    assert 2 <= len(tr) < 100 and np.all(np.isfinite(tr)) and np.abs(tr).max() <= DY.DIVERGED
    assert len(gg.simulate_x([0.0, np.log(1.5), 0.0, 0.0, 0.0], "alternating", 0.1, 2000)) == 2001


def test_every_objective_gets_a_reading_and_a_run():
    """Every registry objective in the lab's game: a finite run and a sentence; where the field has no Jacobian at
    the equilibrium (WGAN-GP's |ψ|), the sentence says so instead of an eigenvalue."""
    from gantoy.core import objectives

    for oid in objectives.names():
        game = DY.game_for(oid, 0.3, 0.2, 0.1)
        for method in DY.METHODS:
            text = DY.reading(game, method, 0.2)
            assert ("no Jacobian" in text) == (oid == "wgan-gp"), (oid, method, text)
        assert np.all(np.isfinite(game.simulate((1.0, 1.0), "alternating", 0.2, 50)))


def test_momentum_is_refused_for_update_rules_that_take_none():
    with pytest.raises(ValueError, match="momentum"):
        DiracGAN("gan").simulate(method="optimistic", momentum=0.5)
    with pytest.raises(ValueError, match="momentum"):
        DiracGAN("gan").spectral_radius("extragradient", 0.2, momentum=0.5)


def test_the_labs_wgan_clip_bounds_psi():
    for c in (0.5, 1.0, 2.0):
        tr = DY.game_for("wgan", clip=c).simulate((1.0, 1.0), "simultaneous", 0.2, 300)
        assert np.abs(tr[1:, 1]).max() == pytest.approx(c)      # ψ reaches the clip and stays within it


def test_the_reading_says_spiral_only_where_the_slow_eigenvalues_are_complex():
    """R1 of weight γ: the field's eigenvalues solve λ² + γλ + ¼ = 0 (Mescheder et al. 2018, §3-4) — complex for
    γ < 1 (the path turns: a spiral), real for γ > 1 (γ = 1.5: λ = −0.19, −1.31, the path goes straight in);
    with a step so large that 1 + hλ < −1 the iterates jump across the equilibrium each step (a zig-zag).
    Eigenvalues of the step map (here simultaneous: 1 + hλ) decide, not the field's."""
    assert "spiral in" in DY.reading(DiracGAN("gan", r1=0.3), "simultaneous", 0.2)
    ev = np.linalg.eigvals(DiracGAN("gan", r1=1.5).jacobian(0.0, 0.0))
    assert np.all(np.abs(ev.imag) < 1e-12)
    text = DY.reading(DiracGAN("gan", r1=1.5), "simultaneous", 0.2)
    assert "come in to the equilibrium without circling" in text and "spiral" not in text, text
    path = DiracGAN("gan", r1=1.5).simulate((1.0, 1.0), "simultaneous", 0.2, 300)
    angle = np.unwrap(np.arctan2(path[:, 1], path[:, 0]))
    assert np.ptp(angle[len(angle) // 10:]) < np.pi / 2        # no turning once the fast direction has died out
    assert "zig-zag out" in DY.reading(DiracGAN("gan", r1=1.5), "simultaneous", 2.0)
