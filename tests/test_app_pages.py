"""Streamlit AppTest for every page: runs clean, buttons move the counters, every objective and data
set works, bad input shows st.error, sessions are isolated."""
import re
import time

import pytest

from gantoy import objectives
from gantoy.ui.controls import counter_line
from gantoy.ui.state import PRESS_WINDOW
from tests.apphelp import charts, open_page, trace_names

ROOT = __import__("pathlib").Path(__file__).resolve().parents[1]
# every page app.py navigates to, read from app.py itself so that a new lab cannot be left out
PAGES = re.findall(r'st\.Page\("([^"]+)"', (ROOT / "app.py").read_text())


def _open(page=None):
    return open_page(page, timeout=120)


def _counters(at, lab="figure1"):
    """The lab's counters, after checking that the page shows exactly them (controls.counter_line)."""
    lab = at.session_state[f"lab:{lab}"]
    assert any(c.value == counter_line(lab, lab.snap) for c in at.caption), [c.value for c in at.caption]
    t = lab.trainer
    return t.iteration, t.d_updates, t.g_updates


@pytest.mark.parametrize("page", PAGES)
def test_page_runs_and_shows_a_chart(page):
    at = _open(page)
    assert not at.exception
    assert charts(at), "no chart on the page"


def test_every_page_works_again_after_the_others():
    """Streamlit drops a page's widget state while another page is shown: coming back must not fail."""
    at = _open()
    for page in PAGES * 2:
        at.switch_page(page).run()
        assert not at.exception, (page, at.exception)
        assert charts(at), page


@pytest.mark.parametrize("page,lab", [("labs/figure1.py", "figure1"), ("labs/playground.py", "playground")])
def test_step_buttons_change_the_shown_counters(page, lab):
    at = _open(page)
    assert _counters(at, lab) == (0, 0, 0)
    at.button(key=f"step:{lab}").click().run()
    it, d, g = _counters(at, lab)
    assert it == 1 and d >= 1 and g == 1
    at.button(key=f"stepd:{lab}").click().run()
    assert _counters(at, lab) == (1, d + 1, 1)
    at.button(key=f"stepg:{lab}").click().run()
    assert _counters(at, lab) == (1, d + 1, 2)
    at.button(key=f"reset:{lab}").click().run()
    assert _counters(at, lab) == (0, 0, 0)
    # one click lost a trained run: Undo reset takes Reset's place until the new run moves
    assert at.button(key=f"undo:{lab}").label == "Undo reset" and "iteration 1" in at.button(key=f"undo:{lab}").help
    time.sleep(PRESS_WINDOW + 0.05)              # (a click within it of Reset is a double click, ignored)
    at.button(key=f"undo:{lab}").click().run()
    assert _counters(at, lab) == (1, d + 1, 2) and not at.exception
    assert not any(b.key == f"undo:{lab}" for b in at.button)
    at.button(key=f"reset:{lab}").click().run()
    at.button(key=f"step:{lab}").click().run()   # the new run moves: the old one is let go
    assert _counters(at, lab) == (1, d, 1) and not any(b.key == f"undo:{lab}" for b in at.button)
    assert at.session_state[f"lab:{lab}"].undoable() is None


def test_a_double_reset_keeps_the_trained_run_to_undo():
    """Two Resets before the new run moves (a double click): the run kept for Undo is the trained one, not the
    empty run the first Reset made."""
    from gantoy.lessons import presets
    from gantoy.session.lab import Lab

    lab = Lab("figure1", presets.get("figure1"), "figure1")
    lab.trainer.step(5)
    lab.reset_run()
    lab.reset_run()
    assert lab.undoable() == 5
    lab.undo_reset()
    assert lab.trainer.iteration == 5 and lab.undoable() is None
    lab.reset(presets.get("bimodal1d"))          # a lesson change is not undone
    assert lab.undoable() is None


def test_figure1_live_chart_carries_the_papers_curves():
    """The Figure 1 plot is a live chart (updated in place, gantoy.ui.livechart): its figure is on the page."""
    at = _open("labs/figure1.py")
    figs = charts(at)
    assert not at.get("plotly_chart")  # all three Figure 1 charts update in place while training
    assert {"p_data", "p_g", "D(x)", "D*(x)"} <= trace_names(figs[0])
    at.button(key="step:figure1").click().run()
    assert {"p_data", "p_g", "D(x)", "D*(x)"} <= trace_names(charts(at)[0])


def test_figure1_says_when_its_schedule_has_annealed_the_run_to_a_stop():
    """A schedule that decays the learning rates to 0 over train.steps: past that the counter climbs and
    nothing changes, and the page says so (and not before)."""
    at = _open("labs/figure1.py")
    lab = at.session_state["lab:figure1"]
    lab.reset(lab.cfg.with_sets({"train.steps": 2, "train.lr_min": 0.0}))
    at.button(key="step:figure1").click().run()
    note = "schedule brought the learning rates to 0 at iteration 2"
    assert not any(note in c.value for c in at.caption)
    at.button(key="step:figure1").click().run()
    assert _counters(at)[0] == 2 and any(note in c.value for c in at.caption)


def test_home_lesson_card_opens_the_lab_with_its_preset():
    at = _open()
    at.button(key="lesson:bimodal1d").click().run()
    assert not at.exception
    assert at.session_state["lab:figure1"].cfg.data.name == "bimodal1d"
    # the mode-collapse card opens the Mode collapse lab on its ring lesson (it opened the playground)
    at = _open()
    at.button(key="lesson:ring8").click().run()
    assert not at.exception
    assert at.selectbox(key="mc:lesson").value == "ring" and at.selectbox(key="mc:data").value == "ring8"
    # also after another lesson was open there
    at.selectbox(key="mc:lesson").set_value("grid").run()
    assert at.selectbox(key="mc:data").value == "grid25"
    at.switch_page("labs/home.py").run()
    at.button(key="lesson:ring8").click().run()
    assert not at.exception
    assert at.selectbox(key="mc:lesson").value == "ring" and at.selectbox(key="mc:data").value == "ring8"


def test_the_sidebar_says_what_width_and_activation_change_where_g_and_d_differ():
    """figure1's G (32 ELU units) and D (64 leaky-ReLU units) differ, so Width sets G's width and Activation D's
    units: said under "Networks"; bimodal1d's G is increasing; ring8's networks are alike, and nothing is said."""
    at = _open("labs/figure1.py")
    note = [c.value for c in at.caption if "networks differ" in c.value]
    assert note == ["This lesson's networks differ: G 32 elu units; D 64 leaky_relu units (per layer). Width sets "
                    "G's width, Activation sets D's units."]
    from gantoy.lessons import presets
    from gantoy.ui.sidebar import networks_note

    assert "G 64 leaky_tanh units, increasing in z (|W|)" in networks_note(presets.get("bimodal1d").model)
    assert networks_note(presets.get("ring8").model) is None
    maxout = presets.get("grid25").with_sets({"model.d_pieces": 5, "model.d_hidden": 200}).model   # PacGAN's D
    assert networks_note(maxout) == ("This lesson's networks differ: G 128 relu units; D 200 maxout units of 5 pieces "
                                     "(per layer). Width sets G's width, Activation sets G's units.")
    both = presets.get("figure1").with_set("model.d_pieces", 5).model       # G's own activation, D maxout
    assert networks_note(both).endswith("Activation changes neither (D's units are maxout).")
    bn = presets.get("ring8").with_set("model.g_batch_norm", True).model    # PacGAN's G
    assert networks_note(bn).startswith("This lesson's networks differ: G 128 relu units, batch-normalised (a sample "
                                        "depends on its batch); D 128 relu units")


def test_every_objective_on_the_figure1_page():
    at = _open("labs/figure1.py")
    for oid in objectives.names():
        at.selectbox(key="hp:figure1:objective.id").set_value(oid).run()
        assert not at.exception, oid
        assert not at.error, (oid, [e.value for e in at.error])
        warn = [w.value for w in at.warning]
        name = objectives.get(oid).name
        assert any(f"objective {name}" in w for w in warn) or oid == "gan", (oid, warn)   # said in words
        at.button(key="apply:figure1").click().run() if oid != "gan" else None
        assert at.session_state["lab:figure1"].cfg.objective.id == oid
        at.button(key="step:figure1").click().run()
        assert not at.exception, oid
        assert _counters(at)[0] == 1
        # the legend under the chart names what is drawn: a critic, and no D* (it named D and D* for WGAN too)
        legend = next(c.value for c in at.caption if c.value.startswith("p_data black dotted"))
        critic = objectives.get(oid).d_star is None
        assert ("critic f(x) blue dashed" in legend) == critic and ("D* grey" in legend) == (not critic), (oid, legend)


@pytest.mark.parametrize("oid", ["gan", "wgan-gp", "f:rkl", "lsgan"])
def test_objectives_on_the_playground(oid):
    at = _open("labs/playground.py")
    at.selectbox(key="hp:playground:objective.id").set_value(oid).run()
    if oid != at.session_state["lab:playground"].cfg.objective.id:
        at.button(key="apply:playground").click().run()
    at.button(key="step:playground").click().run()
    assert not at.exception and _counters(at, "playground")[0] == 1


@pytest.mark.parametrize("page,key,choices", [
    ("labs/figure1.py", "fig1:data", ["bimodal1d", "trimodal1d", "figure1"]),
    ("labs/playground.py", "pg:data", ["grid25", "swissroll", "ring8"]),
])
def test_every_data_set(page, key, choices):
    at = _open(page)
    lab = "figure1" if "figure1" in page else "playground"
    for c in choices:
        at.radio(key=key).set_value(c).run()
        assert not at.exception, c
        name = at.session_state[f"lab:{lab}"].cfg.data.name
        assert name == (c if c != "figure1" else "mixture")


def _submit_points(at, text):
    """A form commits its widgets with the submit click, in one run."""
    at.text_area(key="pg:paste").input(text)
    at.button(key="FormSubmitter:pg:points-Use these points").click()
    at.run()


@pytest.mark.parametrize("text,fragment", [
    ("a,b\n1,2\n3,4", "a column named x is required"),
    ("x,y\n1,2", "at least 2 points"),
    ("x,y\n1,2\nfoo,3", "must be a number"),
    ("x,y\n1,2\n,3\n4,5", "empty, NaN or infinite"),
    ("x,y\n1,1\n1,1\n1,1", "all points are identical"),
    ("x\n1\n2\n3", "columns x and y"),
])
def test_bad_points_show_an_error_and_keep_the_data(text, fragment):
    at = _open("labs/playground.py")
    at.radio(key="pg:data").set_value("custom").run()
    before = at.session_state["lab:playground"].cfg.to_json()
    _submit_points(at, text)
    errs = [e.value for e in at.error]
    assert any(fragment in e for e in errs), errs
    assert any(fragment in t.value for t in at.toast)   # on screen whatever the sidebar's scroll
    assert at.session_state["lab:playground"].cfg.to_json() == before
    assert not at.exception


def test_good_pasted_points_become_the_data():
    at = _open("labs/playground.py")
    at.radio(key="pg:data").set_value("custom").run()
    # choosing "custom" alone keeps the ring's run and its lesson text, and says so
    assert at.session_state["lab:playground"].lesson == "ring8"
    assert any("stay with “Ring of 8" in c.value for c in at.sidebar.caption)
    _submit_points(at, "x,y\n0,0\n1,1\n2,0\n1,-1")
    assert not at.error and not at.exception
    cfg = at.session_state["lab:playground"].cfg
    assert cfg.data.name == "custom" and len(cfg.data.points) == 4
    assert at.session_state["lab:playground"].lesson is None
    assert not any("stay with" in c.value for c in at.sidebar.caption)


def _select_on_picker(at, pts):
    """What st.plotly_chart(on_select="rerun") stores when a box selects grid points (curve 0)."""
    at.session_state["pg:picker"] = {"selection": {
        "points": [{"x": x, "y": y, "curve_number": 0, "point_index": i} for i, (x, y) in enumerate(pts)],
        "point_indices": list(range(len(pts))), "box": [], "lasso": []}}
    at.run()


def test_points_picked_on_the_chart_are_added_to_the_data():
    at = _open("labs/playground.py")
    at.radio(key="pg:data").set_value("custom").run()
    assert at.button(key="pg:add").disabled  # nothing picked yet
    _select_on_picker(at, [(2.1, -1.2), (2.25, -1.2), (0.0, 1.5)])  # (0, 1.5) is already a point
    assert at.button(key="pg:add").label == "Add the 2 picked points to the data"
    at.button(key="pg:add").click().run()
    cfg = at.session_state["lab:playground"].cfg
    assert not at.exception and cfg.data.name == "custom"
    assert cfg.data.points == [[-1.0, 0.0], [1.0, 0.0], [0.0, 1.5], [0.2, -1.2], [2.1, -1.2], [2.25, -1.2]]
    assert at.session_state["lab:playground"].trainer.iteration == 0  # a new data set starts a new run


def test_invalid_objective_parameters_show_an_error():
    at = _open("labs/figure1.py")
    at.selectbox(key="hp:figure1:objective.id").set_value("lsgan").run()
    at.number_input(key="hp:figure1:param:lsgan:b").set_value(0.0).run()  # a = b = 0
    assert any("a != b" in e.value for e in at.error)
    assert at.session_state["lab:figure1"].pending is None or \
        at.session_state["lab:figure1"].pending.objective.params.get("b") != 0.0


def test_learning_rate_applies_live_and_structure_asks_to_reset():
    at = _open("labs/figure1.py")
    at.select_slider(key="hp:figure1:train.lr_d").set_value(5e-3).run()
    assert at.session_state["lab:figure1"].trainer.opt_d.lr == 5e-3 and not at.warning
    at.select_slider(key="hp:figure1:model.hidden").set_value(64).run()
    assert any("width 64, was 32" in w.value for w in at.warning)
    assert at.session_state["lab:figure1"].trainer.cfg.model.hidden == 32  # not yet applied
    at.button(key="apply:figure1").click().run()
    assert at.session_state["lab:figure1"].trainer.cfg.model.hidden == 64


def test_divergence_shows_the_message_and_reset_to_last_good():
    at = _open("labs/figure1.py")
    lab = at.session_state["lab:figure1"]
    lab.trainer.set_lr(10.0, 10.0)
    lab.trainer.opt_d.kind = lab.trainer.opt_g.kind = "sgd"
    lab.trainer.step(300)
    assert lab.trainer.paused
    at.run()
    assert any("loss became" in e.value for e in at.error)
    at.button(key="lastgood:figure1").click().run()
    assert not at.session_state["lab:figure1"].trainer.paused and not at.exception


def test_two_sessions_do_not_share_a_trainer():
    a, b = _open("labs/figure1.py"), _open("labs/figure1.py")
    a.button(key="step:figure1").click().run()
    a.button(key="step:figure1").click().run()
    assert _counters(a)[0] == 2 and _counters(b)[0] == 0
    assert a.session_state["lab:figure1"].trainer is not b.session_state["lab:figure1"].trainer


def test_train_and_pause_buttons_toggle_the_run():
    at = _open("labs/figure1.py")
    assert at.button(key="run:figure1").help.startswith("Train to the lesson's length")
    at.button(key="run:figure1").click().run()
    assert at.session_state["lab:figure1"].running
    # the same button is Pause now, and its tooltip says what Pause does (it described Train)
    assert at.button(key="run:figure1").label == "Pause" and at.button(key="run:figure1").help.startswith("Pause")
    time.sleep(PRESS_WINDOW + 0.05)
    at.button(key="run:figure1").click().run()
    lab = at.session_state["lab:figure1"]
    assert not lab.running and not at.exception


def _two_presses():
    import streamlit as st

    from gantoy.ui.state import first_press

    st.write(f"presses {[first_press('run:x'), first_press('run:x'), first_press('other')]}")


def test_a_repeated_delivery_of_one_press_is_ignored():
    """Streamlit can deliver one Pause press twice while a live fragment reruns (26–89 ms apart, measured):
    the toggle must not flip back. Presses further apart than PRESS_WINDOW count again."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_function(_two_presses).run()
    assert at.markdown[0].value == "presses [True, False, True]"
    time.sleep(PRESS_WINDOW + 0.05)
    at.run()
    assert at.markdown[0].value == "presses [True, False, True]"  # the window has passed: a new press


def test_the_playground_draws_no_manifold_for_a_batch_normalised_g_and_says_why():
    """A batch-normalised G (model.g_batch_norm, reachable by a config file) maps each z by its batch: a grid of z has
    no image of its own, so the Generator manifold view says so instead of drawing the grid's own normalisation."""
    from gantoy.lessons import presets

    at = open_page("labs/playground.py")
    at.session_state["lab:playground"].reset(presets.get("ring8").with_set("model.g_batch_norm", True))
    at.radio(key="pg:view").set_value("manifold").run()
    assert not at.exception
    assert any(c.value.startswith("No generator manifold for this G: it is batch-normalised") for c in at.caption)
    assert "G(z grid)" not in trace_names(charts(at)[0])
    at.session_state["lab:playground"].reset(presets.get("ring8"))            # a pointwise G: the grid is drawn
    at.run()
    assert "G(z grid)" in trace_names(charts(at)[0])
    assert not any(c.value.startswith("No generator manifold") for c in at.caption)
