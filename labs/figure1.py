"""Figure 1 lab (1-D): Goodfellow et al. (2014), Figure 1, live."""
import streamlit as st

from gantoy.core.objectives import LOG4
from gantoy.lessons import presets
from gantoy.render import figures
from gantoy.ui import controls as C
from gantoy.ui import exporting as X
from gantoy.ui import links as UL
from gantoy.ui import sidebar as S
from gantoy.ui import state
from gantoy.ui.livechart import live_chart

PAGE = "labs/figure1.py"
DATA = {"figure1": "One Gaussian N(2, 0.5²) — Figure 1", "bimodal1d": "Two modes (bimodal1d)",
        "trimodal1d": "Three modes (trimodal1d)", "imbalanced1d": "A minority mode, 90 % / 10 % (imbalanced1d)",
        "custom": "Custom mixture (edit the table)"}

st.title("Figure 1 — p_g slides onto p_data")
lab = state.get_lab("figure1", lambda: presets.get("figure1"))

# ---- data ----------------------------------------------------------------------------------------
UL.apply_link(lab, PAGE, "fig1:data", DATA, "figure1")
if S.lesson_picker(lab, PAGE, "fig1:data", DATA, "figure1") == "custom":
    import pandas as pd  # here, not at the top: slow on a server's first visit, and only this table needs it

    d = lab.cfg.data
    if d.name == "mixture":
        rows = pd.DataFrame({"weight": d.weights, "mean": d.means, "std": d.stds})
    else:
        rows = pd.DataFrame({"weight": [0.3, 0.7], "mean": [-1.0, 2.0], "std": [0.4, 0.6]})
    with st.sidebar.form("fig1:mixture"):
        table = st.data_editor(rows, num_rows="dynamic", key="fig1:table", width="stretch")
        if st.form_submit_button("Use this mixture"):
            try:
                t = table.dropna(how="all")
                sets = {"data.name": "mixture", "data.weights": [float(v) for v in t["weight"]],
                        "data.means": [float(v) for v in t["mean"]], "data.stds": [float(v) for v in t["std"]]}
            except (TypeError, ValueError):
                sets = None
                st.error("Not applied: every weight, mean and std must be a number.")
            if sets is not None:
                new = state.try_config(lab.cfg.with_sets, sets)
                if new is not None:
                    lab.reset(new)

S.load_config_json(lab, PAGE, "fig1:data", 1)
S.hyperparameter_sidebar(lab)
S.pending_notice(lab)


def train_d_to_optimum():
    """Panel (b): the inner loop of Algorithm 1 until D is close to D* (or 3000 steps)."""
    lab.trainer.step_d_to_optimum(tol=0.01, max_steps=3000)


def run_to_equilibrium():
    """Panel (d): train until the preset's lesson length."""
    steps = lab.cfg.train.steps
    lab.target = steps if lab.trainer.iteration < steps else lab.trainer.iteration + steps
    lab.running = True


C.controls(lab, extra=[
    ("Train D to optimum", train_d_to_optimum, "panel (b): update D alone until it is close to D*"),
    ("One G step", lambda: lab.trainer.step_g(1), "panel (c): one generator update against this D"),
    ("Run to equilibrium", run_to_equilibrium, "panel (d): train for the lesson's length (train.steps)"),
])
C.status_banner(lab)


def draw(snap):
    live_chart(figures.figure1(snap, noise=lab.cfg.model.noise), key="fig1:chart")
    m = snap.metrics
    cols = st.columns(6)
    cols[0].metric("JS(p_data‖p_g)", C.fmt(m["js"]))
    cols[1].metric("KL(p_data‖p_g)", C.fmt(m["kl_data_g"]))
    cols[2].metric("KL(p_g‖p_data)", C.fmt(m["kl_g_data"]))
    cols[3].metric("W1", C.fmt(m["w1"]))
    cols[4].metric("V(D, G)", C.fmt(m["value"]))
    cols[5].metric("C(G) = −log 4 + 2·JS", C.fmt(-LOG4 + 2 * m["js"]))


def draw_history(rows):
    c1, c2 = st.columns(2)
    live_chart(figures.metrics_history(rows), key="fig1:hist", container=c1)
    live_chart(figures.value_history(rows), key="fig1:value", container=c2)


C.live_panel(lab, draw)
# static text outside the live fragment: every element in it is re-rendered by the browser on every frame
st.caption("Exact estimates: p_g is the exact push-forward of the noise through G (no sampling), so the "
           "noise floor of every number here is 0. KL(p_data‖p_g) = ∞ means p_g has no mass where "
           "p_data has some.")
C.history_panel(lab, draw_history)

with st.expander("The maths (Goodfellow et al. 2014)"):
    st.latex(r"V(D,G) = \mathbb{E}_{x\sim p_{data}}[\log D(x)] + \mathbb{E}_{z\sim p_z}[\log(1 - D(G(z)))]")
    st.latex(r"D^*_G(x) = \frac{p_{data}(x)}{p_{data}(x) + p_g(x)} \qquad "
             r"C(G) = \max_D V(D,G) = -\log 4 + 2\,\mathrm{JS}(p_{data}\,\|\,p_g)")
    st.markdown("Panels: **(a)** near convergence D is partially accurate; **(b)** *Train D to optimum* — D "
                "converges to D*; **(c)** *One G step* — the gradient of D moves G(z) toward regions more likely "
                "to be data; **(d)** *Run to equilibrium* — p_g = p_data and D = ½.")
    st.caption(presets.describe("figure1"))
X.export_panel(lab)
UL.share_link(lab, PAGE, "fig1:data", "figure1")
