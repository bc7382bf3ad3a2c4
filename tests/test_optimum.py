"""D trained to its optimum exactly (measure/optimum.py): Figure 1's panel (b), Proposition 1 of Goodfellow et al.
(2014) — with G fixed, the D that maximises V(D, G) on the exact densities is D* — for every objective with a D*.

The goal (d_star_err <= 0.01, measure/optimum.TOL) is checked where V has a maximum that D's network can draw:
figure1 (a smooth generator) at its start and after the slide, for each objective whose optimum is finite there.
Where it is not reached, the verdict says why, with the numbers: V has no maximum (p_data's mass where p_g has
none: KL-type divergences early in a run), a side-valued D* (hinge, TV) that V does not pin down where p_g ≈ p_data,
or D's network against p_g's jumps (a leaky-ReLU generator). The multimodal lessons (an increasing, smooth G) reach
it too, and a stall at a local optimum of D's weights is retried from fresh weights (bench/lessons.py has the
numbers over seeds). The sampled inner loop of Algorithm 1 stays Trainer.step_d / step_d_to_optimum.
"""
import numpy as np
import pytest
import torch

from gantoy import Trainer, presets
from gantoy.measure import optimum
from tests.apphelp import open_page, run_until_stopped


def _trained(lesson, oid, iterations):
    tr = Trainer(presets.with_objective(presets.get(lesson), oid))
    tr.step(iterations)
    return tr


# measured 2026-12-02 (figure1, seed 0): each within 0.0080 (the solver's stop, 0.8 of the goal) in at most 0.2 s.
# Not here: f:kl, f:jeffrey and f:pearson at iteration 0 (V has no maximum: p_g has no mass where p_data has it all;
# f:pearson's implied ratio may reach D*'s anyway, test below),
# f:pearson and f:neyman at 150 (p_data's mass beyond p_g's reach: 37 % and 73 %), the hinge and f:tv at 150 (sides) —
# their verdicts below
REACHED = [(o, 0) for o in ("gan", "nsgan", "lsgan", "hinge", "f:tv", "f:rkl", "f:hellinger", "f:js", "f:gan")] + \
          [(o, 150) for o in ("gan", "nsgan", "lsgan", "f:kl", "f:rkl", "f:hellinger", "f:jeffrey", "f:js", "f:gan")]


@pytest.mark.parametrize("oid,iterations", REACHED)
def test_d_reaches_d_star_on_figure1(oid, iterations):
    tr = _trained("figure1", oid, iterations)
    o = optimum.OptimalD(tr)
    v0 = o.value()
    while not o.done:
        o.step(10)
    assert o.err <= optimum.TOL < o.start_err and o.value() > v0   # closer to D*, by raising V (Proposition 1)
    if iterations:   # and V at the closed-form max_D V (at iteration 0 the GAN's D* = 1 is reached only in the limit):
        # within 3e-3 once d_star_err is at the solver's stop, 0.8 of the goal (2026-12-02: f:kl 2.1e-3, the others
        # 1.3e-3 or less)
        assert 0 <= o.value_gap() < 3e-3 or o.value_gap() == float("inf")
    assert o.verdict().startswith("D reached D*") and f"{o.err:.4f}" in o.verdict()
    # the solved D is the trainer's D: the lab's metric (the snapshot, against the live G) says the same
    assert tr.snapshot(averaged=False).metrics["d_star_err"] == pytest.approx(o.err, rel=1e-3, abs=1e-5)


def test_where_d_star_is_not_reached_the_verdict_says_why_with_the_numbers():
    # KL at the start: p_g sits at 0, p_data at 2 — the divergence is infinite and V has no maximum
    o = optimum.solve(_trained("figure1", "f:kl", 0))
    assert o.value_gap() == float("inf") and o.err > optimum.TOL
    assert o.verdict().startswith("D stops short of D*")
    assert "V has no maximum here: p_data puts 100 % of its mass where p_g puts none" in o.verdict()
    # Pearson there: the density ratio D implies (what d_star_err measures for an f-GAN D) can reach D*'s 0 and 1
    # while D's values run off (2026-12-03: 0.4556 -> 0.0007 in 3 steps); either way the verdict says V has no maximum
    o = optimum.solve(_trained("figure1", "f:pearson", 0))
    v = o.verdict()
    assert o.value_gap() == float("inf") and "V has no maximum here: p_data puts 100 %" in v
    if o.err <= optimum.TOL:
        assert v.startswith("D reached D*") and "matches D*'s within the goal, but V has no maximum" in v
    else:
        assert v.startswith("D stops short of D*") and "Train G first" in v
    # TV after the slide: D* is ±½, flipping where p_g crosses p_data, and V is nearly at its maximum
    o = optimum.solve(_trained("figure1", "f:tv", 150))
    assert o.err > 10 * optimum.TOL and 0 <= o.value_gap() < 0.02
    assert "one of two sides" in o.verdict() and f"{o.err:.4f}" in o.verdict() and "below max_D V" in o.verdict()
    # Neyman's χ² after the slide: a finite maximum D's network stops short of, said with the numbers. Stalled from
    # the trained D (0.199), from fresh weights (0.0249) and from other fresh weights (0.081, 2026-12-02): the first
    # fresh D has the highest V and is kept
    o = optimum.solve(_trained("figure1", "f:neyman", 150))
    v = o.verdict()
    assert o.err > optimum.TOL and o.stalled and "local optimum" in v and f"{o.err:.4f}" in v
    assert f"V {o.value_gap():.1e} below max_D V" in v and "no maximum" not in v and "two sides" not in v
    (e0, it0), (e1, _) = o.restarts
    assert o.kept_stalled and o.kept_attempt == 1 and o.err == pytest.approx(e1) and e1 < e0
    assert f"({e0:.4f} after {it0} steps)" in v and f"it stalled at {e1:.4f}" in v
    assert f"from other fresh weights stalled too at {o.fresh_err:.4f}" in v
    assert "the first fresh D, with the higher V" in v
    # Pearson's χ² on bimodal1d at 200: neither fresh D ends with a V as high as the trained D's, which is kept
    o = optimum.solve(_trained("bimodal1d", "f:pearson", 200))
    v = o.verdict()
    (e0, it0), _ = o.restarts
    assert o.kept_stalled and o.kept_attempt == 0 and o.err == pytest.approx(e0)
    assert f"({e0:.4f} after {it0} steps)" in v
    assert f"stalled too at {o.fresh_err:.4f}" in v and "the trained D, with the higher V, is kept" in v
    # a piecewise-linear generator's p_g jumps at every kink (the multimodal lessons' G before it was made monotone
    # and smooth): D gets closer, and any rest is said with its number
    tr = Trainer(presets.get("bimodal1d").with_sets({"model.g_monotone": False, "model.g_activation": ""}))
    tr.step(200)
    before = tr.snapshot(averaged=False).metrics["d_star_err"]
    o = optimum.solve(tr)
    assert o.err < 0.5 * before
    assert o.verdict().startswith("D reached D*" if o.err <= optimum.TOL else "D stops short of D*")
    assert f"{o.err:.4f}" in o.verdict()


@pytest.mark.parametrize("lesson", ["bimodal1d", "trimodal1d", "imbalanced1d"])
def test_d_reaches_d_star_on_the_multimodal_lessons(lesson):
    # their G is increasing and smooth (presets.MONOTONE_G): p_g and D* are smooth curves D's network can draw.
    # bench/lessons.py checks seeds 0-9 at iteration 200, mid-lesson and the end
    tr = _trained(lesson, "gan", 200)
    o = optimum.solve(tr)
    assert o.err <= optimum.TOL < o.start_err and o.verdict().startswith("D reached D*")
    assert "L-BFGS steps" in o.verdict() and optimum.WEIGHED in o.verdict()
    assert tr.snapshot(averaged=False).metrics["d_star_err"] == pytest.approx(o.err, rel=1e-3, abs=1e-5)
    # pressed again: nothing to train, and it says so (not "reached in 0 L-BFGS steps")
    again = optimum.solve(tr)
    assert again.iteration == 0 and again.err == pytest.approx(o.err, rel=1e-4)   # (D written back in float32)
    assert again.verdict() == (f"D is already at D*: |D − D*| {again.err:.4f} (goal ≤ 0.01; {optimum.WEIGHED}), "
                               "nothing to train.")


def test_a_stall_at_a_local_optimum_of_d_weights_is_retried_from_fresh_weights():
    # bimodal1d, seed 5, iteration 200 (measured 2026-12-02): from the trained D's weights L-BFGS stalls at 0.0118,
    # D flat across a mode where D* bends; from fresh weights it reaches 0.0078
    tr = Trainer(presets.get("bimodal1d").with_set("train.seed", 5))
    tr.step(200)
    o = optimum.solve(tr)
    (e0, it0), = o.restarts
    assert e0 > optimum.TOL >= o.err and not o.kept_stalled
    v = o.verdict()
    assert v.startswith("D reached D*") and f"stalled at |D − D*| {e0:.4f} after {it0} steps" in v
    assert "started afresh from random weights" in v
    assert tr.snapshot(averaged=False).metrics["d_star_err"] == pytest.approx(o.err, rel=1e-3, abs=1e-5)


def test_a_fresh_d_that_stalls_too_gets_a_second_fresh_start():
    """Where the first fresh D stalls too, D starts afresh once more, from other seeded weights; the stalled attempt
    with the highest V is kept. A goal no network reaches (1e-6) makes every attempt stall (which real solves stall
    near the goal depends on floating-point rounding: trimodal1d seed 1 at 200 needed the second fresh D in one
    process and no fresh D at all in the CI's)."""
    o = optimum.solve(_trained("figure1", "gan", 150), tol=1e-6)
    (e0, _), (e1, _) = o.restarts
    assert len(o.restarts) == optimum.RESTARTS and o.err > o.tol
    assert o.err == pytest.approx(e1 if o.kept_attempt == 1 else e0 if o.kept_attempt == 0 else o.fresh_err)
    assert o.stalled and o._reason() == "local"   # the kept attempt stalled, whichever it is
    v = o.verdict()
    assert f"it stalled at {e1:.4f} and from other fresh weights stalled too at {o.fresh_err:.4f}" in v
    # reached after the second fresh start: both stalls are said
    o.restarts, o.err = [(0.0200, 40), (0.0110, 90)], 0.5 * o.tol
    assert o.verdict().startswith("D reached D*") and "(twice: the first fresh D stalled too, at 0.0110)" in o.verdict()


@pytest.mark.parametrize("preset,change,msg", [
    ("figure1", {"objective.id": "wgan-gp"}, "critic"),
    ("ring8", {}, "1-D"),
    ("figure1", {"train.pack": 2}, "unpacked"),
])
def test_no_exact_optimum_where_it_does_not_exist(preset, change, msg):
    cfg = presets.get(preset).with_sets({"train.steps": 10, **change})
    with pytest.raises(ValueError, match=msg):
        optimum.OptimalD(Trainer(cfg))


def test_the_figure1_lab_trains_d_to_its_optimum_and_says_so():
    at = open_page("labs/figure1.py")
    lab = at.session_state["lab:figure1"]
    lab.trainer.step(150)
    at.button(key="x0:figure1").click().run()
    run_until_stopped(at, lab, frames=50)
    said = [i.value for i in at.info]
    assert said and said[0].startswith("D reached D*")
    assert lab.snap.metrics["d_star_err"] <= optimum.TOL
    # the verdict is about the present: not shown over a rewound moment, shown again back at now
    lab.rewind(lab.moments()[0])
    at.run()
    assert not any(i.value.startswith("D reached D*") for i in at.info)
    lab.rewind(None)
    at.run()
    assert any(i.value.startswith("D reached D*") for i in at.info)
    # the verdict is about this moment: after a Step it would speak of a D that has moved on, so it goes
    at.button(key="step:figure1").click().run()
    assert not any(i.value.startswith("D reached D*") for i in at.info)


def test_the_solves_quadrature_merges_cells_in_twos_keeping_mass_and_centres():
    """L-BFGS runs on the grid's cells merged in twos (half the cost of each evaluation): the masses sum, and on the
    uniform grid the mean of two cell centres is the merged cell's centre; an odd last cell stays alone."""
    t = torch.tensor([1.0, 2.0, 3.0, 4.0, 5.0], dtype=torch.float64)
    assert optimum._merged(t).tolist() == [3.0, 7.0, 5.0]
    assert optimum._merged(t, mean=True).tolist() == [1.5, 3.5, 5.0]
    o = optimum.OptimalD(_trained("bimodal1d", "gan", 50))
    assert o._x.shape[1] == 500 and o._x_fine.shape[1] == 1000
    assert float(o._p.sum()) == pytest.approx(float(o._p_fine.sum()), abs=1e-12)
    assert float(o._q.sum()) == pytest.approx(float(o._q_fine.sum()), abs=1e-12)
    xf = o._x_fine[0, :, 0].numpy()
    assert np.allclose(np.diff(xf), xf[1] - xf[0])                                 # a uniform grid, so ...
    assert np.allclose(o._x[0, :, 0].numpy(), (xf[0::2] + xf[1::2]) / 2, atol=1e-12)   # ... merged cells' centres
    # and what is measured, V and d_star_err, is on the full grid: the snapshot's number
    assert o.err == pytest.approx(o.trainer.snapshot(averaged=False).metrics["d_star_err"], rel=1e-6)
