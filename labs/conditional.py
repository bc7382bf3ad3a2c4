"""Conditional lab: learn p(y | x) with GCDS or a conditional GAN, and judge it against the truth."""
import numpy as np
import pandas as pd
import streamlit as st

from gantoy.render import condanim, tables
from gantoy.render.export import MIME
from gantoy.render import theory as V
from gantoy.session import condsaved
from gantoy.session.condlab import MAX_ITERATIONS
from gantoy.theory import conditional as CD
from gantoy.ui import controls as C
from gantoy.ui import lessonmode as LM
from gantoy.ui import links as UL
from gantoy.ui import saving as SV
from gantoy.ui import state
from gantoy.ui import timeline as TL
from gantoy.ui.livechart import live_chart

PAGE = "labs/conditional.py"
NAME = "conditional"   # (lesson mode: this lab's controls, lessons/lessonmode.py)
TOYS = {"fork": "a fork: Y | X splits into two branches (continuous X)", "classes": "labelled modes: 3 classes × 2 modes (2-D)"}

url0, first = UL.link_params(PAGE)
show = LM.open_page(NAME, PAGE, url0, first)
LM.header(NAME, "Conditional sampling: cGAN and GCDS")
st.markdown(r"A conditional generator $G(\eta, x)$ should turn noise into samples of $Y \mid X = x$. "
            r"**GCDS** (Zhou et al. 2022) trains it with $L(G, D) = E[D(X, G(\eta, X))] - E[e^{D(X, Y)}]$, "
            r"$\eta \sim N(0, I)$: at the optimum $D^* = \log(p_G/p_{XY})$ and $\max_D L + 1 = KL(P_{X,G} \| P_{XY})$. "
            r"The **conditional GAN** (Mirza & Osindero 2014) feeds x to both networks and plays the usual game.")
lab = state.get_cond_lab(CD.CondConfig)
SETUP = ("data", "method", "lr", "ema", "seed")
LRS, EMAS = [1e-4, 2e-4, 5e-4, 1e-3, 2e-3, 5e-3, 1e-2, 0.1, 1.0], [0.0, 0.9, 0.99, 0.995, 0.999]
# the settings a link carries besides the bound toy and method (a lesson link locks them at the teacher's values)
SETTINGS = {"cond:lr": UL.one_of(LRS), "cond:ema": UL.one_of(EMAS), "cond:seed": UL.number_in(0, 10_000, int),
            "cond:x0": UL.number_in(-2.0, 2.0, float, 0.05)}
for k, v in {"cond:lr": 1e-3, "cond:ema": 0.995, "cond:seed": 0, "cond:x0": 1.5}.items():
    st.session_state.setdefault(k, v)
st.session_state.update(UL.restore_settings(PAGE, url0, first, SETTINGS))
with st.sidebar.form("cond:setup"):
    toy = st.selectbox("Toy", list(CD.TOYS), key="cond:toy", bind="query-params",
                       **LM.locked(NAME, "data", help="; ".join(f"{k}: {v}" for k, v in TOYS.items())))
    method = st.radio("Method", list(CD.METHODS), key="cond:method", bind="query-params",
                      captions=list(CD.METHODS.values()), **LM.locked(NAME, "method"))
    lr = st.select_slider("Learning rate", LRS, key="cond:lr",
                          **LM.locked(NAME, "lr"))
    ema = st.select_slider("Weight averaging (EMA)", EMAS, key="cond:ema",
                           **LM.locked(NAME, "ema", help="samples come from an exponential moving average of G's weights (0 = off)"))
    seed = st.number_input("Seed", 0, 10_000, key="cond:seed", **LM.locked(NAME, "seed"))
    apply = st.form_submit_button("Apply and reset", type="primary", disabled=not any(show(c) for c in SETUP))
UL.check_bound_link(PAGE, url0, first, {"cond:toy": [toy], "cond:method": [method]}, SETTINGS)
wanted = CD.CondConfig(toy=toy, method=method, lr=float(lr), ema=float(ema), seed=int(seed))
if apply or (first and lab.cfg != wanted):
    try:
        lab.reset(wanted.check())
    except ValueError as e:
        st.error(f"Not applied: {e}. The previous run is kept.")


def toggle():
    if state.first_press("cond:run"):
        if lab.running:
            lab.running = False
        else:
            lab.start()


def step100():
    lab.trainer.step(100)


seen = C.rewound_reason(lab)   # (Train and Step act on the present run, not on a rewound moment)
c = st.columns([1, 1, 1, 3])
if show("train"):
    c[0].button("Pause" if lab.running else "Train", type="primary", key="cond:run", width="stretch", on_click=toggle,
                disabled=bool(seen), help=seen or None)
if show("step"):
    c[1].button("Step ×100", key="cond:step", width="stretch", disabled=lab.running or bool(seen), on_click=step100,
                help=seen or None)
if show("reset"):
    c[2].button("Reset", key="cond:reset", width="stretch", on_click=lab.reset)
if lab.trainer.paused:
    st.error(f"Training paused: {lab.trainer.status.message}")
x0 = st.slider("Condition x0", -2.0, 2.0, step=0.05, key="cond:x0", **LM.locked(NAME, "condition")) \
    if lab.cfg.toy == "fork" else None


def draw():
    lab.record()             # the present moment joins the timeline
    tr = lab.shown           # the rewound moment's trainer, or the live one
    losses = (f"losses D {tr.losses['d']:.3g}, G {tr.losses['g']:.3g}" if tr.iteration
              else "no losses before the first step")   # (NaN there)
    with st.container(key=C.COUNTER_KEY):
        st.caption(f"{CD.METHODS[lab.cfg.method]} on the {lab.cfg.toy} toy — iteration {tr.iteration}"
                   f" (pauses itself at {MAX_ITERATIONS}); {losses}")
    rng = np.random.default_rng(7)
    ct, yt = tr.toy.sample(1500, rng)
    cg, yg = tr.joint(1500)
    live_chart(V.cond_joint(ct, yt, cg, yg, x0), key="cond:joint")
    if lab.cfg.toy == "fork":
        left, right = st.columns(2)
        samples = tr.sample_given(x0, 2000)[:, 0]
        (m1, m2), s = tr.toy._parts(x0)
        ys = np.linspace(min(m1, m2) - 5 * s, max(m1, m2) + 5 * s, 300)
        live_chart(V.cond_density(ys, tr.toy.pdf(ys, x0), samples, x0), key="cond:dens", container=left)
        report = CD.fork_report(tr, xs=sorted({-1.5, 0.0, 1.5, round(x0, 2)}))
        rep = pd.DataFrame(report).round(3)
        rep.index = [f"x = {v:+.2f}" for v in rep.pop("x")]
        first = ["mean_true", "mean_gen", "mean_err", "w1", "w1_floor"]   # W1 and its floor in view, not scrolled
        rep = rep[first + [c for c in rep.columns if c not in first]]
        right.dataframe(rep.T, width="stretch")
        if show("results"):
            right.download_button("Download the report (CSV)", tables.to_csv(report),
                                  file_name="conditional-report.csv", mime="text/csv", key="cond:csv")
        right.caption("Monte Carlo over 2000 draws of G(η, x) against the closed-form truth; w1_floor: the same W1 "
                      "estimator on 2000 exact draws (what 'zero' looks like).")
    else:
        st.dataframe(pd.DataFrame(CD.class_report(tr)).round(3), hide_index=True, width="stretch")
        st.caption("hits: fraction of the class's samples within 3σ of one of its two modes; shares: how those hits "
                   "split between the two modes (½ each is right; 1 and 0 is mode collapse inside the class).")


C.live_fragment(lab, draw, interval=0.1)
if show("timeline"):     # (in a container that is always there: the chart above keeps its place)
    TL.timeline(lab)
if show("export"):
    with st.expander("Export a range of the run (GIF / MP4 / HTML)", expanded=False):
        its = [k[0] for k in lab.moments()]
        if lab.running or len(its) < 2:
            st.caption("Pause after a few recorded moments to export them.")
        else:
            c1, c2, c3 = st.columns([3, 1.3, 1])
            lo, hi = c1.select_slider("From – to (iteration)", its, value=(its[0], its[-1]), key="cond:exp:range")
            fmt = c2.radio("Format", condanim.FORMATS, key="cond:exp:fmt", horizontal=True)
            picked = (lab.run_id, lo, hi, fmt, its[-1])   # (a file of an earlier run is not offered)
            if c3.button("Prepare", key="cond:exp:go", width="stretch"):
                bar = st.progress(0.0, text="drawing the moments")
                truth = lab.trainer.toy.sample(1500, np.random.default_rng(7))
                data = condanim.export(lab.joints(lo, hi), truth, f"{CD.METHODS[lab.cfg.method]}, {lab.cfg.toy}", fmt,
                                       sum(lo <= i <= hi for i in its), progress=lambda f, t: bar.progress(f, text=t))
                bar.progress(1.0, text=f"ready: {len(data) / 1e6:.2f} MB")
                st.session_state["cond:exp:file"] = (picked, data)
            made = st.session_state.get("cond:exp:file")
            if made and made[0] == picked:
                st.download_button(f"Download {fmt} ({len(made[1]) / 1e6:.2f} MB)", made[1],
                                   file_name=f"gantoy-conditional-{lo}-{hi}.{fmt.lower()}",
                                   mime=MIME[fmt.lower()], key="cond:exp:dl")
            st.caption(f"One frame per recorded moment ({len(its)} kept, thinned so they span the run), drawn "
                       "as the chart draws them.")
if show("state"):
    def loaded(lab):   # the sidebar shows the loaded run's settings (those a widget can show)
        c = lab.cfg
        return {"cond:toy": c.toy, "cond:method": c.method} | ({"cond:seed": c.seed} if 0 <= c.seed <= 10_000 else {}) | (
            {"cond:lr": c.lr} if c.lr in LRS else {}) | ({"cond:ema": c.ema} if c.ema in EMAS else {})
    SV.state_panel(lab, None, widgets=loaded, store=condsaved)


def carried(k, v) -> bool:   # (a loaded file's setting the widgets cannot show stays out of the link)
    try:
        return v is not None and SETTINGS[k](str(v)) is not None
    except ValueError:
        return False


link = {"cond:toy": lab.cfg.toy, "cond:method": lab.cfg.method} | {
    k: str(v) for k, v in (("cond:lr", lab.cfg.lr), ("cond:ema", lab.cfg.ema), ("cond:seed", lab.cfg.seed),
                           ("cond:x0", x0)) if carried(k, v)}
if show("share"):
    UL.share_bound({**link, **LM.link_params(NAME)}, "Opening it sets up the same toy, method, settings and x0.")
LM.make_link(NAME, link)
