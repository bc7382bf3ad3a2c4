"""Figure 1 lab (1-D): Goodfellow et al. (2014), Figure 1, live."""
import streamlit as st

from gantoy.lessons import presets
from gantoy.measure import glossary, optimum
from gantoy.render import figures
from gantoy.ui import controls as C
from gantoy.ui import exporting as X
from gantoy.ui import lessonmode as LM
from gantoy.ui import links as UL
from gantoy.ui import saving as SV
from gantoy.ui import sidebar as S
from gantoy.ui import spectrum as US
from gantoy.ui import state, style
from gantoy.ui import timeline as TL
from gantoy.ui import walk as WK
from gantoy.ui.livechart import live_chart

PAGE = "labs/figure1.py"
DATA = {"figure1": "One Gaussian N(2, 0.5²) — Figure 1", "spikes1d": "Why p_g has spikes (piecewise-linear G)",
        "bimodal1d": "Two modes (bimodal1d)", "trimodal1d": "Three modes (trimodal1d)",
        "imbalanced1d": "A minority mode, 90 % / 10 %", "custom": "Custom mixture (edit the table)"}

lab = state.get_lab("figure1", "figure1")
UL.apply_link(lab, PAGE, "fig1:data", DATA, "figure1")
show = (lambda control: LM.shown(lab, control))    # lesson mode: the controls its link shows
TITLES = {"figure1": "Figure 1 — p_g slides onto p_data", "spikes1d": "Why p_g has spikes — a piecewise-linear G",
          "bimodal1d": "Two modes — G must split its noise", "trimodal1d": "Three modes — dropping a mode in 1-D",
          "imbalanced1d": "A minority mode — does G keep it?", "custom": "Your own mixture"}
# the lesson about to be drawn (the sidebar's choice, or a Home card's, is applied below, after the title)
_lesson = st.session_state.get(f"load_preset:{PAGE}") or st.session_state.get("fig1:data") or lab.lesson
LM.header(lab, TITLES.get(_lesson, TITLES["figure1"]))

# ---- sidebar: data, configuration file, hyperparameters -----------------------------------------
if S.lesson_picker(lab, PAGE, "fig1:data", DATA, "figure1", visible=show("data")) == "custom" and show("data"):
    S.mixture_table(lab, "fig1", DATA)
if show("config"):
    S.load_config_json(lab, PAGE, "fig1:data", 1)
S.hyperparameter_sidebar(lab, show)

# ---- what needs saying first, then the controls ----------------------------------------------------
UL.link_warnings(PAGE)
S.pending_notice(lab)
C.status_banner(lab)
C.lesson_banner(lab, advice=LM.mode(lab).show is None)   # (a preset's "Next:" names its sidebar and buttons)
LM.questions(lab)


def run_to_equilibrium():
    """Panel (d): train to the lesson's length."""
    lab.start()


C.controls(lab, extra=[
    ("Train D to optimum", lab.solve_d, "panel (b): D alone, trained to the best D for this G — exactly, by L-BFGS "
     "on the densities (no sampling; not counted among the D updates, which count Algorithm 1's sampled steps, "
     "as Step D makes them)", lab.can_solve_d()),
    ("One G step", lambda: lab.trainer.step_g(1), "panel (c): one generator update against this D", ""),
    ("Run to equilibrium", run_to_equilibrium, "panel (d): train to the lesson's length (train.steps)",
     f"the lesson has run its length ({lab.length} iterations)" if lab.lesson_over else ""),
], show=show)


def draw(snap):
    left, right = st.columns([2.6, 1.4] if style.large() else [3.2, 1])
    obj, _ = lab.trainer.objective(0)
    live_chart(figures.figure1(snap, noise=lab.cfg.model.noise, height=430), key="fig1:chart", container=left)
    C.metric_column(right, snap, obj, lab.trainer.data)


def draw_history(rows):
    obj, prm = lab.trainer.objective(0)
    c1, c2 = st.columns(2)
    live_chart(figures.metrics_history(rows, keys=("js", "kl_data_g", "w1", "d_star_err")), key="fig1:hist",
               container=c1)
    live_chart(figures.value_history(rows, obj.optimum_label, obj.equilibrium_value(prm)), key="fig1:value",
               container=c2)
    UL.share_link(lab, PAGE, "fig1:data", "figure1", visible=show("share"))


C.live_panel(lab, draw)
# below the chart: conditional elements above it would move the live chart in the page (a new chart, zoom lost)
if show("timeline"):
    TL.timeline(lab)
if show("walk"):
    WK.walk_panel(lab, lab.cfg.model.noise)
# static text outside the live fragment: every element in it is re-rendered by the browser on every frame
_obj = lab.trainer.objective(0)[0]
st.caption("p_data black dotted · p_g green · " + ("D blue dashed · D* grey (the best D for this G)" if _obj.d_star
           else f"{_obj.display_label} blue dashed (a critic: no D* is drawn)") + " — hover a curve for "
           "what it is. Every number here is exact (no sampling): noise floor 0.")
C.history_panel(lab, draw_history)

if show("extras"):
    with st.expander("The maths (Goodfellow et al. 2014)"):
        obj, prm = lab.trainer.objective(0)
        st.latex(obj.latex)
        st.markdown(f"**{obj.name}** — {obj.note} At the optimal D, V(D, G) equals **{obj.optimum_label or '—'}**.")
        st.latex(r"D^*_G(x) = \frac{p_{data}(x)}{p_{data}(x) + p_g(x)} \qquad "
                 r"C(G) = \max_D V(D,G) = -\log 4 + 2\,\mathrm{JS}(p_{data}\,\|\,p_g)")
        st.markdown("Panels: **(a)** near convergence D is partially accurate; **(b)** *Train D to optimum* — D "
                    "converges to D*; **(c)** *One G step* — the gradient of D moves G(z) toward regions more likely "
                    "to be data; **(d)** *Run to equilibrium* — p_g = p_data and D = ½.")
        st.caption(presets.describe(lab.lesson or "figure1"))
        st.caption(glossary.explain("d_star_err", lab.snap))
    with st.expander("The game's spectrum (Dynamics)"):
        st.caption("The eigenvalues of the Jacobian of the game's joint gradient field at this run's current state "
                   "(Mescheder et al. 2017): eigenvalues with a large imaginary part make training orbit; the Dynamics "
                   "lab explains them.")
        if st.button("Spectrum now", key="fig1:spectrum"):
            with st.spinner("computing the spectrum …"):
                US.compute(lab.trainer, "fig1:spec", f"iteration {lab.trainer.iteration}")
        US.show("fig1:spec")
if show("export"):
    X.export_panel(lab)
if show("state"):
    SV.state_panel(lab, "fig1:data")
LM.make_link(lab, UL.link_of(lab, "fig1:data", "figure1"))
optimum.warm()    # last, once per server: the first "Train D to optimum" press no longer imports torch._dynamo
