"""AppTest for the theory labs: each page opens with a working lesson, and bad inputs give st.error
while the last good state is kept."""
import math
import re

import numpy as np
import pytest

from tests.apphelp import charts, open_page


def _metrics(at):
    return {m.label: m.value for m in at.metric}


def test_divergences_lab_opens_with_numbers_and_charts():
    at = open_page("labs/divergences.py")
    m = _metrics(at)
    # the opening lesson: N(0, 1) against N(1.5, 0.8²); KL(P‖Q) closed form
    kl = math.log(0.8) + (1 + 1.5**2) / (2 * 0.64) - 0.5
    assert float(m["KL(P‖Q)"]) == pytest.approx(kl, rel=1e-3)
    assert float(m["W1(P, Q)"]) == pytest.approx(1.5, rel=1e-3)
    assert m["Pearson χ²"].startswith("≥")  # heavy tails: flagged, not passed off as exact
    assert len(charts(at)) >= 4 and not at.error


def test_divergences_lab_lessons_and_shift():
    at = open_page("labs/divergences.py")
    at.selectbox(key="div:preset").set_value("Disjoint strips (no overlap)").run()
    m = _metrics(at)
    assert m["KL(P‖Q)"] == "∞" and float(m["TV(P, Q)"]) == pytest.approx(1.0) and float(m["W1(P, Q)"]) == pytest.approx(2.0, rel=1e-3)
    at.slider(key="div:theta").set_value(0.0).run()
    assert float(_metrics(at)["KL(P‖Q)"]) == pytest.approx(0.0, abs=1e-9)
    at.slider(key="div:ex1").set_value(-0.25).run()
    assert float(_metrics(at)["W1"]) == pytest.approx(0.25, rel=1e-6)
    # the sidebar's P and Q show beside this tab too: it says they are not used there
    assert any("does not use the sidebar's lesson, P or Q" in c.value for c in at.caption)


@pytest.mark.parametrize("edits,msg", [
    ({"edited_rows": {0: {"width": -1.0}}}, "std must be > 0"),
    ({"added_rows": [{"position": 1.0, "width": 1.0, "weight": -2.0}]}, "weights must be >= 0"),
    ({"deleted_rows": [0]}, "empty"),
    ({"edited_rows": {0: {"position": None}}}, "non-finite"),
])
def test_divergences_lab_bad_tables_keep_the_last_good(edits, msg):
    at = open_page("labs/divergences.py")
    before = _metrics(at)["KL(P‖Q)"]
    at.session_state["div:Q:table"] = {"edited_rows": {}, "added_rows": [], "deleted_rows": [], **edits}
    at.run()
    assert any(msg in e.value and "last valid Q is kept" in e.value for e in at.error), [e.value for e in at.error]
    assert _metrics(at)["KL(P‖Q)"] == before


def test_transport_lab_primal_dual_and_pot_agree():
    at = open_page("labs/transport.py")
    m = _metrics(at)
    assert m["LP primal (HiGHS)"] == m["LP dual Σfp + Σgq"] == m["POT ot.emd"] == m["Area between CDFs"] == "1.800000"
    assert any("Strong duality" in s.value for s in at.success)
    # the picture draws the monotone plan (it never crosses), at the LP's cost, and says why the LP's may differ
    assert any("the monotone plan" in c.value and "cost 1.800000" in c.value and "never cross" in c.value
               for c in at.caption), [c.value for c in at.caption]
    # (the pinned scipy's HiGHS returns a tied plan that crosses: then the caption says why plans need not be unique)
    from gantoy.measure import transport as T

    r = T.solve(*T.preset("1-D: two small sets"))
    tied = not np.allclose(r["monotone"], r["lp"]["plan"], atol=1e-7)
    assert tied == any("need not be unique" in c.value for c in at.caption)
    at.selectbox(key="ot:lesson").set_value("2-D: two clusters").run()
    m = _metrics(at)
    assert float(m["LP primal (HiGHS)"]) == pytest.approx(float(m["KR: E_P φ − E_Q φ"]), rel=1e-6)
    at.radio(key="ot:cost").set_value("sqeuclidean").run()
    assert "KR: E_P φ − E_Q φ" not in _metrics(at) and not at.error


def test_transport_lab_squared_cost_says_the_cdf_area_is_w1_not_its_optimum():
    """With (x − y)² the CDF panel's area is still W1: the caption gives W1 and this cost's optimum (the LP's), as the
    quantile integral the plan pays."""
    at = open_page("labs/transport.py")
    at.radio(key="ot:cost").set_value("sqeuclidean").run()
    primal = _metrics(at)["LP primal (HiGHS)"]
    cap = next(c.value for c in at.caption if "area between the CDFs" in c.value)
    assert "W1 = 1.800000" in cap and f"(F_P⁻¹(u) − F_Q⁻¹(u))² du = {primal}" in cap and primal != "1.800000"
    assert not at.error and "Area between CDFs" not in _metrics(at)
    # masses that total 2 (not normalised): the CDFs still end at 1, so both numbers are said per unit of mass
    at.checkbox(key="ot:norm").uncheck()
    at.session_state["ot:P:1-D: two small sets:12:0"] = {
        "edited_rows": {i: {"weight": w} for i, w in enumerate([0.2, 0.8, 0.6, 0.4])}, "added_rows": [],
        "deleted_rows": []}
    at.session_state["ot:Q:1-D: two small sets:12:0"] = {
        "edited_rows": {i: {"weight": 0.4} for i in range(5)}, "added_rows": [], "deleted_rows": []}
    at.run()
    doubled = float(_metrics(at)["LP primal (HiGHS)"])
    assert not at.error and doubled == pytest.approx(2 * float(primal))
    cap = next(c.value for c in at.caption if "area between the CDFs" in c.value)
    assert "W1 = 1.800000 per unit of mass" in cap and f"du = {primal} per unit of mass" in cap
    assert f"= {doubled:.6f}, what the monotone plan above pays" in cap
    at.radio(key="ot:cost").set_value("euclidean").run()
    assert any("masses total 2" in c.value and "1.800000 × 2 = 3.600000" in c.value for c in at.caption)


@pytest.mark.parametrize("edit,msg", [
    ({"edited_rows": {0: {"weight": 0.5}}}, "unbalanced masses"),
    ({"edited_rows": {0: {"weight": -0.1}}}, "negative weight"),
    ({"edited_rows": {0: {"x": None}}}, "not a number"),
    ({"deleted_rows": [0, 1, 2, 3]}, "the table is empty"),
])
def test_transport_lab_bad_tables(edit, msg):
    at = open_page("labs/transport.py")
    key = "ot:P:1-D: two small sets:12:0"  # the P table of the opening lesson (n = 12, seed 0)
    at.session_state[key] = {"edited_rows": {}, "added_rows": [], "deleted_rows": [], **edit}
    at.run()
    assert any(msg in e.value for e in at.error), [e.value for e in at.error]
    assert _metrics(at)["LP primal (HiGHS)"] == "1.800000"  # the last solved problem stays on screen


def test_transport_lab_normalise_fixes_unbalanced_masses():
    at = open_page("labs/transport.py")
    key = "ot:P:1-D: two small sets:12:0"  # the P table of the opening lesson (n = 12, seed 0)
    at.session_state[key] = {"edited_rows": {0: {"weight": 0.5}}, "added_rows": [], "deleted_rows": []}
    at.checkbox(key="ot:norm").check().run()
    assert not at.error and "Strong duality" in at.success[0].value


def test_conditional_lab_trains_and_reports():
    at = open_page("labs/conditional.py")
    assert len(charts(at)) >= 2 and not at.error
    line = next(c.value for c in at.caption if "iteration 0" in c.value)   # before training: no "nan" losses
    assert "no losses before the first step" in line and "nan" not in line
    at.button(key="cond:step").click().run()
    lab = at.session_state["cond:lab"]
    assert lab.trainer.iteration == 100
    line = next(c.value for c in at.caption if "iteration 100" in c.value)
    assert f"losses D {lab.trainer.losses['d']:.3g}" in line
    at.selectbox(key="cond:toy").set_value("classes")
    at.radio(key="cond:method").set_value("cgan")
    at.button(key="FormSubmitter:cond:setup-Apply and reset").click().run()
    lab = at.session_state["cond:lab"]
    assert (lab.cfg.toy, lab.cfg.method, lab.trainer.iteration) == ("classes", "cgan", 0)
    assert len(at.dataframe) >= 1 and not at.exception


def test_conditional_lab_divergence_pauses_with_a_message():
    at = open_page("labs/conditional.py")
    at.select_slider(key="cond:lr").set_value(1.0)
    at.button(key="FormSubmitter:cond:setup-Apply and reset").click().run()
    for _ in range(20):
        at.button(key="cond:step").click().run()
        if at.error:
            break
    assert any("loss became" in e.value and "Lower the learning rate" in e.value for e in at.error), \
        [e.value for e in at.error]
    lab = at.session_state["cond:lab"]
    import numpy as np
    assert np.all(np.isfinite(lab.trainer.sample_given(0.0, 5)))


def test_theory_labs_take_their_lesson_from_the_url():
    at = open_page("labs/divergences.py", params={"div:preset": "Bimodal P, one Gaussian Q"})
    assert at.selectbox(key="div:preset").value == "Bimodal P, one Gaussian Q" and not at.warning
    at = open_page("labs/transport.py", params={"ot:lesson": "2-D: two clusters", "ot:cost": "sqeuclidean"})
    assert at.selectbox(key="ot:lesson").value == "2-D: two clusters" and at.radio(key="ot:cost").value == "sqeuclidean"


def test_theory_lab_tampered_url_warns_and_keeps_the_default():
    at = open_page("labs/divergences.py", params={"div:preset": "Nope", "div:evil": "1"})
    assert at.selectbox(key="div:preset").value == "Two Gaussians"
    assert any("could not be used" in w.value for w in at.warning)


def test_two_sessions_of_the_theory_labs_do_not_share_state():
    """What one student does in a theory lab (train the conditional GAN, move the divergence slider,
    pick a transport lesson) is not seen by another student's session."""
    a, b = open_page("labs/conditional.py"), open_page("labs/conditional.py")
    a.button(key="cond:step").click().run()
    assert a.session_state["cond:lab"].trainer.iteration == 100
    assert b.session_state["cond:lab"].trainer.iteration == 0
    assert a.session_state["cond:lab"] is not b.session_state["cond:lab"]
    a, b = open_page("labs/divergences.py"), open_page("labs/divergences.py")
    a.slider(key="div:theta").set_value(0.0).run()
    b.run()
    # a: N(0, 1) against N(0, 0.8²) now; b still has the opening lesson's N(1.5, 0.8²)
    assert float(_metrics(a)["KL(P‖Q)"]) == pytest.approx(math.log(0.8) + 1 / (2 * 0.64) - 0.5, rel=1e-3)
    assert float(_metrics(b)["KL(P‖Q)"]) == pytest.approx(math.log(0.8) + (1 + 1.5**2) / (2 * 0.64) - 0.5, rel=1e-3)
    a, b = open_page("labs/transport.py"), open_page("labs/transport.py")
    a.selectbox(key="ot:lesson").set_value("2-D: two clusters").run()
    b.run()
    assert _metrics(b)["LP primal (HiGHS)"] == "1.800000" and _metrics(a)["LP primal (HiGHS)"] != "1.800000"


def test_the_gaussian_fit_table_says_which_rows_an_f_gan_has_trained():
    """The fit tab's f-GAN columns read "not trained" until that f-GAN is trained (pandas' missing value showed as
    "None"), then its μ, σ and the divergence there — numbers, so the columns sort as numbers; an f-GAN on the other
    mode than the direct fit is said to be a second optimum as good (it read as a failure)."""
    at = open_page("labs/divergences.py")
    at.selectbox(key="div:preset").set_value("Bimodal P, one Gaussian Q").run()
    table = at.dataframe[0].value
    assert table["μ (f-GAN)"].dtype == float and table["μ (f-GAN)"].isna().all() and table["σ (f-GAN)"].isna().all()
    assert at.dataframe[0].proto.placeholder == "not trained"
    assert not any("two optima" in c.value for c in at.caption)
    # KL(Q‖P) seeks a mode: the f-GAN (started right of the middle) takes +2, the direct fit −2, equally good
    at.selectbox(key="div:traindiv").set_value("f:rkl")
    at.button(key="div:train").click().run()
    assert not at.exception and not at.error
    table = at.dataframe[0].value.set_index("divergence")
    row = table.loc["KL(Q‖P)"]
    assert float(row["μ (f-GAN)"]) == pytest.approx(2.0, abs=0.1) and float(row["σ (f-GAN)"]) == pytest.approx(0.5, abs=0.05)
    assert float(row["μ (direct)"]) == pytest.approx(-2.0, abs=0.01)
    assert float(row["value (f-GAN)"]) == pytest.approx(float(row["value at the fit"]), abs=2e-3)
    assert table["value (f-GAN)"].drop("KL(Q‖P)").isna().all()                 # the others: not trained
    said = [c.value for c in at.caption if "two optima" in c.value]
    assert len(said) == 1, said
    m = re.match(r"KL\(Q‖P\): the f-GAN ended at μ = (-?[\d.]+), the direct fit at μ = (-?[\d.]+)", said[0])
    assert m, said
    assert float(m[1]) == pytest.approx(2.0, abs=0.1) and float(m[2]) == pytest.approx(-2.0, abs=0.01)
    # KL(P‖Q) covers both modes (±2), on the direct fit's optimum: a row of its own, and no "two optima" for it
    at.selectbox(key="div:traindiv").set_value("f:kl")
    at.button(key="div:train").click().run()
    assert not at.exception and not at.error
    row = at.dataframe[0].value.set_index("divergence").loc["KL(P‖Q)"]
    assert abs(float(row["μ (f-GAN)"])) < 0.5 and float(row["σ (f-GAN)"]) > 1.5
    assert not any(c.value.startswith("KL(P‖Q)") for c in at.caption if "two optima" in c.value)
    assert not np.isnan(at.dataframe[0].value.set_index("divergence").loc["KL(Q‖P)", "μ (f-GAN)"])   # both kept
    at.multiselect(key="div:fitdivs").set_value([]).run()                      # no divergence chosen: an empty table
    assert not at.exception and at.dataframe[0].value.empty
