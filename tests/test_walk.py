"""The step-by-step walkthrough (gantoy/session/walk.py): its parts are exactly one Algorithm-1 iteration
(the same weights, optimiser moments and random streams as step(1)), the minibatch it shows is the one the
update draws, and every part says what it did with numbers; the page walks it part by part."""
import numpy as np
import pytest
import torch

from gantoy.lessons import presets
from gantoy.session.lab import Lab
from gantoy.session.walk import D_GAN, G_GAN, Walk
from tests.apphelp import open_page


def _state(tr):
    s = tr.export_state()
    flat = {}
    for k in ("G", "D"):
        flat.update({f"{k}.{n}": v for n, v in s[k].items()})
    for k in ("opt_d", "opt_g"):
        for i, st in enumerate(s[k]["state"]):
            flat.update({f"{k}.{i}.{n}": v for n, v in st.items()})
    return flat, [g.clone() for g in s["gens"]], (s["iteration"], s["d_updates"], s["g_updates"])


@pytest.mark.parametrize("name, preset, objective", [("figure1", "figure1", None), ("playground", "ring8", None),
                                                     ("figure1", "figure1", "wgan-gp"), ("playground", "ring8", "nsgan")])
def test_the_parts_are_exactly_one_iteration(name, preset, objective):
    cfg = presets.get(preset)
    if objective:
        cfg = presets.with_objective(cfg, objective)
    walked, stepped = Lab(name, cfg, preset), Lab(name, cfg, preset)
    for lab in (walked, stepped):
        lab.trainer.step(3)
    w = Walk(walked)
    assert len(w.parts) == 3 * cfg.train.k + 2 * cfg.train.g_steps
    while not w.done:
        assert w.next() is not None
    stepped.trainer.step(1)
    (a, ga, ca), (b, gb, cb) = _state(walked.trainer), _state(stepped.trainer)
    assert ca == cb == (4, 4 * cfg.train.k, 4 * cfg.train.g_steps)
    assert a.keys() == b.keys() and all(torch.equal(a[k], b[k]) for k in a)
    assert all(torch.equal(x, y) for x, y in zip(ga, gb))


def test_peeking_draws_nothing():
    lab = Lab("figure1", presets.get("figure1"), "figure1")
    one, two = lab.trainer.peek_batch("d"), lab.trainer.peek_batch("d")
    assert np.array_equal(one["real"], two["real"]) and np.array_equal(one["z"], two["z"])
    assert lab.trainer.peek_batch("g")["real"] is None


def test_every_part_says_what_it_did():
    lab = Lab("figure1", presets.get("figure1"), "figure1")
    w = Walk(lab)
    parts = []
    while not w.done:
        parts.append(w.next())
    kinds = [p.kind for p in parts]
    assert kinds == ["noise", "data", "d"] * lab.cfg.train.k + ["gnoise", "g"]
    d = parts[2]
    assert d.latex == D_GAN and "→" in d.sentence and d.show["d_before"].shape == np.shape(lab.snap.d)
    g = parts[-1]
    assert g.latex == G_GAN and g.show["fake_after"].shape == g.show["fake"].shape
    assert not np.allclose(g.show["fake_after"], g.show["fake"])       # the samples moved
    assert "Iteration 1 of Algorithm 1 is complete" in g.sentence and lab.trainer.iteration == 1


def test_the_page_walks_an_iteration_part_by_part():
    at = open_page("labs/figure1.py")
    lab = at.session_state["lab:figure1"]
    at.button(key="walk:figure1:start").click().run()
    n = 3 * lab.cfg.train.k + 2
    for i in range(n):
        at.button(key="walk:figure1:next").click().run()
        assert not at.exception
    assert lab.trainer.iteration == 1 and at.button(key="walk:figure1:next").disabled
    assert any("Iteration 1 of Algorithm 1 is complete" in m.value for m in at.markdown)
    assert at.get("plotly_chart")


def test_a_walk_ends_when_the_run_moves_on_outside_it():
    at = open_page("labs/figure1.py")
    lab = at.session_state["lab:figure1"]
    at.button(key="walk:figure1:start").click().run()
    at.button(key="walk:figure1:next").click().run()
    assert at.session_state["walk:figure1"].at == 0
    at.button(key="stepd:figure1").click().run()          # the next minibatch is no longer the one shown
    assert at.session_state["walk:figure1"] is None and not at.exception
    assert at.button(key="walk:figure1:start") is not None and lab.trainer.d_updates == 1


def test_a_batch_normalised_g_is_shown_moving_only_when_it_moved():
    """G's part maps the whole minibatch again and shows its first samples: a batch-normalised G (model.g_batch_norm)
    maps each z by its batch's statistics, so mapping the shown 64 alone moved them with no update at all."""
    cfg = presets.get("ring8").with_sets({"model.g_batch_norm": True, "train.lr_g": 1e-12})   # (0 is refused)
    lab = Lab("playground", cfg, "ring8")
    w = Walk(lab)
    while not w.done:
        part = w.next()
    assert part.kind == "g" and np.allclose(part.show["fake_after"], part.show["fake"], atol=1e-6)
