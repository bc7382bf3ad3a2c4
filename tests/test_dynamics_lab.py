"""The Dynamics lab in Streamlit's AppTest: every lesson draws its charts and its reading, a click on the phase
portrait moves the start, the share link holds the settings and bad link values are said and skipped, the
networks' spectrum appears on the press (here and in the Figure 1 lab), the trajectories export."""
import math
from urllib.parse import parse_qs, urlsplit


from gantoy.core import objectives
from gantoy.theory import dynamics as DY
from tests.apphelp import charts, open_page, share_link, trace_names

PAGE = "labs/dynamics.py"


def _open(params=None):
    return open_page(PAGE, params=params, timeout=120)


def test_every_lesson_draws_the_portrait_the_eigenvalues_and_a_reading():
    at = _open()
    for lesson, (title, setup) in DY.LESSONS.items():
        at.selectbox(key="dyn:lesson").select(lesson).run()
        assert not at.exception, lesson
        figs = charts(at)
        assert len(figs) == 2, lesson          # the open tab only: the portrait and the update's eigenvalues
        names = trace_names(figs[0])
        assert {"equilibrium", "start"} <= names, lesson
        assert sum((n or "").startswith(("A:", "B:")) for n in names) == 2, lesson
        readings = [c.value for c in at.caption if "max |μ|" in c.value]
        assert len(readings) == 2, (lesson, [c.value for c in at.caption])
        assert at.slider(key="dyn:steps").value == setup["steps"]
        assert not at.warning, (lesson, [w.value for w in at.warning])    # no run of a lesson diverges


def test_the_gaussian_game_tab_draws_the_landscape_with_both_runs():
    at = _open()
    at.session_state["dyn:tab"] = "A Gaussian and a quadratic D"
    at.run()
    assert not at.exception
    figs = charts(at)
    assert len(figs) == 2 and sum((n or "").startswith(("A:", "B:")) for n in trace_names(figs[0])) == 2
    assert any("five eigenvalues" in c.value for c in at.caption)
    at.number_input(key="dyn:mu0").set_value(1.0).run()      # its own start, kept across tabs and pages
    at.session_state["dyn:tab"] = "Dirac-GAN"
    at.run()
    at.number_input(key="dyn:theta0").set_value(-0.7).run()
    at.switch_page("labs/transport.py").run()
    at.switch_page("labs/dynamics.py").run()
    assert not at.exception and at.number_input(key="dyn:theta0").value == -0.7
    at.session_state["dyn:tab"] = "A Gaussian and a quadratic D"
    at.run()
    assert at.number_input(key="dyn:mu0").value == 1.0


def test_the_portrait_is_a_chart_a_click_picks_a_start_on():
    """AppTest cannot click a chart (tests/test_browser.py clicks it in chromium): here, that the portrait is a
    selectable chart whose trace 0 is the grid of starts, which the page's callback reads (inputs.picked_points)."""
    import json

    at = _open()
    portrait = [c for c in at.get("plotly_chart") if "dyn:phase" in c.proto.id]
    assert portrait, "the phase portrait is not a keyed chart"
    assert portrait[0].proto.selection_mode, "the phase portrait does not report selections"
    fig = json.loads(portrait[0].proto.spec)
    assert fig["data"][0]["name"] == "starts" and fig["layout"]["clickmode"] == "event+select"


def test_the_share_link_holds_the_settings_and_restores_them():
    at = _open()
    at.selectbox(key="dyn:lesson").select("momentum").run()
    at.slider(key="dyn:r1").set_value(0.4).run()
    at.number_input(key="dyn:theta0").set_value(-1.2).run()
    url = share_link(at)
    q = {k: v[-1] for k, v in parse_qs(urlsplit(url).query).items()}
    assert q["dyn:lesson"] == DY.LESSONS["momentum"][0] and float(q["dyn:r1"]) == 0.4 and float(q["dyn:theta0"]) == -1.2
    again = _open(q)
    assert again.selectbox(key="dyn:lesson").value == "momentum"
    assert again.slider(key="dyn:r1").value == 0.4
    assert again.number_input(key="dyn:theta0").value == -1.2
    assert again.radio(key="dyn:method1").value == "alternating" and again.slider(key="dyn:mom1").value == -0.5
    assert not [w for w in again.warning if "ignored" in w.value]      # (R1 0.4 makes run B diverge: said)


def test_bad_link_values_are_said_and_the_lessons_values_kept():
    at = _open({"dyn:lesson": DY.LESSONS["r1"][0], "dyn:r1": "7", "dyn:steps": "12.5", "dyn:lr": "0.33",
                "dyn:method0": "leapfrog", "dyn:theta0": "nan", "dyn:bogus": "1", "dyn:psi0": "-0.5",
                "dyn:gsteps": "1e400", "dyn:mom0": "inf", "dyn:mu0": "-inf", "dyn:sg0": "2.5e"})
    assert not at.exception
    warn = " ".join(w.value for w in at.warning)
    for k in ("dyn:r1", "dyn:steps", "dyn:lr", "dyn:method0", "dyn:theta0", "dyn:bogus", "dyn:gsteps", "dyn:mom0",
              "dyn:mu0", "dyn:sg0"):
        assert k in warn, (k, warn)
    _, setup = DY.LESSONS["r1"]
    assert at.slider(key="dyn:r1").value == setup["r1"] and at.slider(key="dyn:steps").value == setup["steps"]
    assert at.number_input(key="dyn:psi0").value == -0.5          # the good value is taken
    assert math.isclose(at.number_input(key="dyn:theta0").value, setup["start"][0])


def test_a_link_step_count_off_the_sliders_grid_is_refused():
    at = _open({"dyn:steps": "75", "dyn:gsteps": "250"})
    warn = " ".join(w.value for w in at.warning)
    assert "dyn:steps" in warn and "multiple of 50" in warn and "dyn:gsteps" in warn and not at.exception


def test_every_objective_draws_the_dirac_tab_or_says_why_not():
    """WGAN-GP's penalty has a kink at the equilibrium (|ψ| at ψ = 0): no Jacobian there, said instead of raised."""
    at = _open()
    at.slider(key="dyn:steps").set_value(100).run()    # the drawing, not the length of the runs, is tested here
    for oid in objectives.names():
        at.selectbox(key="dyn:objective").select(oid).run()
        assert not at.exception, (oid, at.exception)
        assert charts(at), oid
        if oid == "wgan-gp":
            assert any("no Jacobian" in i.value for i in at.info)


def test_spectrum_now_on_the_networks_tab_and_in_the_figure1_lab():
    at = _open()
    at.session_state["dyn:tab"] = "The lessons' networks"
    at.run()
    at.selectbox(key="dyn:net").select("figure1").run()
    at.slider(key="dyn:net_it").set_value(50).run()
    at.button(key="dyn:spectrum").click().run(timeout=180)
    assert not at.exception
    assert any("figure1, iteration 50" in trace_names(f) for f in charts(at))
    assert any("parameters:" in c.value and "Arnoldi" in c.value for c in at.caption)

    f1 = open_page("labs/figure1.py", timeout=120)
    f1.button(key="step:figure1").click().run()
    f1.button(key="fig1:spectrum").click().run(timeout=180)
    assert not f1.exception
    assert any("iteration 1" in trace_names(f) for f in charts(f1))


def test_the_trajectories_export_as_a_gif():
    at = _open()
    at.button(key="dyn:export").click().run(timeout=180)
    assert not at.exception
    dl = [b for b in at.get("download_button")]
    assert dl and "GIF" in dl[0].proto.label
