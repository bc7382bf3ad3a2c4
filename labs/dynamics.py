"""Dynamics lab: the GAN game as a dynamical system in parameter space — the Dirac-GAN, a Gaussian game, and
the spectrum of the lessons' own networks."""
import numpy as np
import streamlit as st

from gantoy.core import objectives
from gantoy.lessons import inputs, presets
from gantoy.measure.trainer import Trainer
from gantoy.render import animation
from gantoy.render import dynamics as RD
from gantoy.theory import dynamics as DY
from gantoy.ui import lessonmode as LM
from gantoy.ui import links as UL
from gantoy.ui import spectrum as US

PAGE = "labs/dynamics.py"
NAME = "dynamics"   # (lesson mode: this lab's controls, lessons/lessonmode.py)
SS = st.session_state
LRS = [0.01, 0.02, 0.05, 0.1, 0.2, 0.3, 0.5, 1.0]
LESSONS_1D = ["figure1", "spikes1d", "bimodal1d", "trimodal1d", "imbalanced1d"]

url0, first = UL.link_params(PAGE)
show = LM.open_page(NAME, PAGE, url0, first)
LM.header(NAME, "Dynamics: the GAN game in parameter space")
# every setting travels in the share link (checked on the way in: a bad value is said and skipped)
SETTINGS = {"dyn:objective": UL.one_of(objectives.names()), "dyn:r1": UL.number_in(0, 2),
            "dyn:noise": UL.number_in(0, 1.5), "dyn:clip": UL.number_in(0.1, 2), "dyn:consensus": UL.number_in(0, 2),
            "dyn:lr": UL.one_of(LRS),
            "dyn:steps": UL.number_in(50, 3000, int, 50), "dyn:theta0": UL.number_in(-2, 2),
            "dyn:psi0": UL.number_in(-2, 2), "dyn:method0": UL.one_of(DY.METHODS), "dyn:mom0": UL.number_in(-0.9, 0.9),
            "dyn:method1": UL.one_of(DY.METHODS), "dyn:mom1": UL.number_in(-0.9, 0.9),
            "dyn:mu0": UL.number_in(-2, 5), "dyn:sg0": UL.number_in(0.1, 3), "dyn:gsteps": UL.number_in(100, 5000, int, 100)}
# every widget keeps its value across pages and closed tabs (persist_state="session"; Streamlit otherwise drops
# the state of a widget a run does not draw)
KEEP = dict(persist_state="session")
lesson = st.sidebar.selectbox("Lesson", list(DY.LESSONS), format_func=lambda k: DY.LESSONS[k][0],
                              bind="query-params", key="dyn:lesson",   # (bound: the URL keeps it)
                              **LM.locked(NAME, "lesson"))
if SS.get("dyn:loaded") != lesson:   # a new lesson: its settings into the widgets
    _, setup = DY.LESSONS[lesson]
    SS.update({"dyn:objective": setup["objective"], "dyn:r1": setup["r1"], "dyn:lr": setup["lr"],
               "dyn:steps": setup["steps"], "dyn:theta0": setup["start"][0], "dyn:psi0": setup["start"][1],
               "dyn:noise": 0.0, "dyn:consensus": 0.0, "dyn:clip": DY.WGAN_CLIP, "dyn:mu0": 0.0, "dyn:sg0": 1.5,
               "dyn:gsteps": 2000})
    for i, (method, mom) in enumerate(setup["runs"]):
        SS[f"dyn:method{i}"], SS[f"dyn:mom{i}"] = method, mom
    SS["dyn:loaded"] = lesson
SS.update(UL.restore_settings(PAGE, url0, first, SETTINGS))
with st.sidebar:
    oid = st.selectbox("Objective", objectives.names(), key="dyn:objective", **KEEP, **LM.locked(
        NAME, "objective", help="; ".join(f"{i}: {objectives.get(i).name}" for i in objectives.names())))
    pen = (lambda **kw: LM.locked(NAME, "penalties", **kw))
    r1 = st.slider("R1 weight γ", 0.0, 2.0, step=0.05, key="dyn:r1", **KEEP, **pen(
        disabled="r1" not in objectives.get(oid).options,
        help="(γ/2)·E‖∇D‖² on the data (Mescheder et al. 2018); GAN-family and f-GAN objectives"))
    clip = st.slider("WGAN clip c", 0.1, 2.0, step=0.1, key="dyn:clip", **KEEP, **pen(
        disabled=not objectives.get(oid).clip,
        help="ψ clipped to [−c, c] after every D step (Arjovsky et al. 2017; the Dirac-GAN notebook: 1)"))
    noise = st.slider("Instance noise σ", 0.0, 1.5, step=0.05, key="dyn:noise", **KEEP, **pen(
        help="D sees x + ε, ε ~ N(0, σ²) (Sønderby et al. 2017; Mescheder et al. 2018 §3.3)"))
    consensus = st.slider("Consensus γ (ConOpt)", 0.0, 2.0, step=0.05, key="dyn:consensus", **KEEP, **pen(
        help="both players also descend ½‖F‖² (Mescheder, Nowozin & Geiger 2017)"))
    lr = st.select_slider("Step size h", LRS, key="dyn:lr", **KEEP, **LM.locked(NAME, "lr"))
    steps = st.slider("Steps", 50, 3000, step=50, key="dyn:steps", **KEEP, **LM.locked(NAME, "steps"))
# (a bound selectbox keeps its option's shown title in the URL, not the option)
UL.check_bound_link(PAGE, url0, first, {"dyn:lesson": [DY.LESSONS[lesson][0]]}, SETTINGS)

# the runs' update rules, shared by both games (above the tabs, so they stay when a tab is closed)
RUNS = []
for i, col in enumerate(st.columns(2)):
    method = col.radio(f"Run {'AB'[i]}: update rule", DY.METHODS, key=f"dyn:method{i}", **KEEP, horizontal=True,
                       **LM.locked(NAME, "rules"))
    mom = col.slider(f"Run {'AB'[i]}: momentum β", -0.9, 0.9, step=0.05, key=f"dyn:mom{i}", **KEEP, **LM.locked(
        NAME, "rules", disabled=method in ("optimistic", "extragradient"),
        help="heavy ball for simultaneous and alternating steps; negative: Gidel et al. 2019"))
    mom = mom if method in ("simultaneous", "alternating") else 0.0
    RUNS.append((f"{'AB'[i]}: {method}" + (f", β = {mom:g}" if mom else ""), method, mom))
TABS = {"dirac": "Dirac-GAN", "gauss": "A Gaussian and a quadratic D", "nets": "The lessons' networks"}
SHOWN_TABS = [t for t in TABS if t == "dirac" or show(t)]     # a lesson may hide a tab
# only the open tab computes (on_change="rerun"): each game's trajectories take about a second
tabs = dict(zip(SHOWN_TABS, st.tabs([TABS[t] for t in SHOWN_TABS], key="dyn:tab", on_change="rerun")))


@st.cache_data(max_entries=64, show_spinner=False)
def dirac_run(oid, r1, noise, consensus, clip, start, method, lr, steps, mom):
    return DY.game_for(oid, r1, noise, consensus, clip).simulate(start, method, lr, steps, momentum=mom)


@st.cache_data(max_entries=64, show_spinner=False)
def gauss_run(oid, r1, consensus, start, method, lr, steps, mom):
    return DY.GaussianGame(objective=oid, r1=r1, consensus=consensus).simulate_x(start, method, lr, steps, momentum=mom)


@st.cache_data(max_entries=4, show_spinner=False)
def js_landscape(m, s):
    mus, sigmas = np.linspace(-1, 4, 41), np.linspace(0.1, 2.5, 31)
    return DY.GaussianGame(m, s).js_landscape(mus, sigmas)


def diverged(label, tr, steps, where=st):
    if len(tr) <= steps:
        where.warning(f"Run {label} stopped after {len(tr) - 1} steps: it diverged (a parameter passed "
                      f"{DY.DIVERGED:.0e}) or reached a point where the field is undefined; its line stops there.")


def pick_start():
    """A click on the phase portrait's grid of starts (its trace 0) becomes the start, before the rerun."""
    pts = inputs.picked_points(SS.get("dyn:phase"), curve=0)
    if pts:
        SS["dyn:theta0"], SS["dyn:psi0"] = (round(min(2.0, max(-2.0, v)), 2) for v in pts[-1])


def dirac_tab():
    st.markdown(r"Data $\delta_0$, generator $\delta_\theta$, discriminator $D_\psi(x) = \psi x$ (Mescheder, Geiger & "
                r"Nowozin 2018). Training moves $(\theta, \psi)$ along the game's vector field; the equilibrium is "
                r"$(0, 0)$. Whether training reaches it depends on the field and on the update rule.")
    game = DY.game_for(oid, r1, noise, consensus, clip)
    c1, c2 = st.columns(2)
    th0 = c1.number_input("start θ", -2.0, 2.0, step=0.1, key="dyn:theta0", **KEEP, **LM.locked(NAME, "start"))
    ps0 = c2.number_input("start ψ", -2.0, 2.0, step=0.1, key="dyn:psi0", **KEEP, **LM.locked(NAME, "start"))
    runs = {label: dirac_run(oid, r1, noise, consensus, clip, (th0, ps0), m, lr, steps, mom)
            for label, m, mom in RUNS}
    g = np.linspace(-2, 2, 17)
    TH, PS = np.meshgrid(g, g)
    U, V = game.field(TH, PS)
    left, right = st.columns([3, 2])
    left.plotly_chart(RD.phase_portrait(TH, PS, U, V, runs, start=(th0, ps0)), key="dyn:phase", width="stretch",
                      on_select=pick_start if show("start") else "ignore", selection_mode="points")
    if show("start"):
        left.caption("Click the chart to start both runs there (or type the start above).")
    for label, m, mom in RUNS:
        right.caption(f"**{label}** — " + DY.reading(game, m, lr, mom))
        diverged(label, runs[label], steps, right)
    J0 = game.jacobian(0.0, 0.0)
    if np.all(np.isfinite(J0)):
        lam = np.linalg.eigvals(J0)
        eig = {f"{label} (update)": np.linalg.eigvals(game.step_map_jacobian(0.0, 0.0, m, lr, mom))
               for label, m, mom in RUNS}
        right.plotly_chart(RD.eigenvalues(eig, height=320), key="dyn:eig", width="stretch")
        right.caption("Eigenvalues μ of one update at the equilibrium; inside the dotted unit circle the iterates "
                      "converge. The field's Jacobian there has λ = "
                      f"{', '.join(f'{z.real:+.3f}{z.imag:+.3f}i' for z in lam)}; a simultaneous step maps each λ "
                      "to μ = 1 + hλ.")
    else:
        right.info("No eigenvalues to draw: the field has no Jacobian at the equilibrium (this objective's penalty "
                   "has a kink at ψ = 0).")
    if show("export"):
        export(TH, PS, U, V, runs, th0, ps0)
    if show("extras"):
        maths()


def export(TH, PS, U, V, runs, th0, ps0):
    fmt = st.radio("Export the trajectories", ["GIF", "MP4"], horizontal=True, key="dyn:fmt")
    made_from = (oid, r1, noise, consensus, clip, lr, steps, th0, ps0, tuple(RUNS), fmt)   # what the file shows
    if st.button("Prepare the animation", key="dyn:export"):
        imgs = RD.trajectory_images(TH, PS, U, V, runs)
        data = animation.encode_gif(imgs, 12) if fmt == "GIF" else animation.encode_mp4(imgs, 12)
        SS["dyn:file"] = (fmt.lower(), data, made_from)
    if SS.get("dyn:file") and SS["dyn:file"][2] != made_from:
        del SS["dyn:file"]        # the settings changed: that file no longer shows these runs
    if SS.get("dyn:file"):
        ext, data, _ = SS["dyn:file"]
        st.download_button(f"Download {ext.upper()} ({len(data) / 1e6:.2f} MB)", data, file_name=f"gantoy-dynamics.{ext}",
                           mime="image/gif" if ext == "gif" else "video/mp4", key="dyn:dl")


def maths():
    with st.expander("The maths"):
        st.latex(r"\dot\theta = -\nabla_\theta L_G(\theta, \psi), \qquad \dot\psi = \nabla_\psi V(\theta, \psi), \qquad "
                 r"V = \mathrm{real}(0) + \mathrm{fake}(-\psi\theta) - \mathrm{penalties}")
        st.latex(r"J(0, 0) = \begin{pmatrix} 0 & -f'(0) \\ f'(0) & -\gamma \end{pmatrix}, \qquad "
                 r"\lambda^2 + \gamma\lambda + f'(0)^2 = 0 \quad (\text{GAN: } f'(0) = \tfrac12)")
        st.latex(r"\text{optimistic: } x_{t+1} = x_t + h\,(2F(x_t) - F(x_{t-1})) \qquad "
                 r"\text{extragradient: } x_{t+1} = x_t + h\,F(x_t + hF(x_t))")
        st.markdown("Without R1 (γ = 0) the eigenvalues ±i·f′(0) are purely imaginary: the continuous flow circles "
                    "the equilibrium, simultaneous steps (|1 + hλ| > 1) spiral out, alternating steps keep a bounded "
                    "orbit. R1, instance noise and consensus move them into the left half-plane; optimistic and "
                    "extragradient steps converge on the orbit itself. The losses and penalties are gantoy's own "
                    "objective registry.")


def gauss_tab():
    st.markdown(r"$p_{data} = N(2, 0.5^2)$; the generator $G(z) = \mu + \sigma z$ against a quadratic discriminator "
                r"$D(x) = \mathrm{sigmoid}(\alpha x^2 + \beta x + c)$ — five parameters, expectations exact by "
                r"Gauss–Hermite quadrature. The lines are the $(\mu, \sigma)$ of each run over the JS landscape.")
    g_oid = oid if oid in ("gan", "nsgan") else "gan"
    if g_oid != oid or noise:
        st.caption(("This game is played with the minimax GAN's losses (its D is a probability); "
                    f"{oid} applies to the Dirac-GAN tab. " if g_oid != oid else "")
                   + ("Instance noise is not applied here." if noise else ""))
    g_r1 = r1 if "r1" in objectives.get(oid).options else 0.0
    gg = DY.GaussianGame(objective=g_oid, r1=g_r1, consensus=consensus)
    c = st.columns(3)
    mu0 = c[0].number_input("start μ", -2.0, 5.0, step=0.5, key="dyn:mu0", **KEEP)
    sg0 = c[1].number_input("start σ", 0.1, 3.0, step=0.1, key="dyn:sg0", **KEEP)
    g_steps = c[2].slider("steps", 100, 5000, step=100, key="dyn:gsteps", **KEEP)
    h = min(lr, 0.1)
    start = (mu0, float(np.log(sg0)), 0.0, 0.0, 0.0)
    g_runs = {label: gauss_run(g_oid, g_r1, consensus, start, m, h, g_steps, mom) for label, m, mom in RUNS}
    for label, tr in g_runs.items():
        diverged(label, tr, g_steps)
    mus, sigmas = np.linspace(-1, 4, 41), np.linspace(0.1, 2.5, 31)
    left, right = st.columns([3, 2])
    left.plotly_chart(RD.landscape(mus, sigmas, js_landscape(gg.m, gg.s), g_runs, (gg.m, gg.s)),
                      key="dyn:gauss", width="stretch")
    J = gg.jacobian_at(gg.equilibrium)
    right.plotly_chart(RD.eigenvalues({"field λ at the equilibrium": np.linalg.eigvals(J)}, circle=False,
                                      step=h), key="dyn:gauss_eig", width="stretch")
    right.caption("The five eigenvalues of the field's Jacobian at the equilibrium (μ, σ) = (2, 0.5), D ≡ ½; steps of "
                  f"size h = {h:g} (capped at 0.1 here) are stable inside the dotted disc |1 + hλ| < 1.")
    for label, m, mom in RUNS:
        right.caption(f"**{label}** — " + DY.reading(gg, m, h, mom, at=gg.equilibrium))


def nets_tab():
    st.markdown("The Jacobian of the joint gradient field of a real lesson's networks at a moment of its training "
                "(the expected game, by quadrature): its eigenvalues, against the disc where plain gradient steps "
                "of the lesson's learning rate are stable. The Figure 1 lab has the same button for its own run.")
    c = st.columns(2)
    name = c[0].selectbox("Lesson", LESSONS_1D, key="dyn:net", **KEEP)
    at_it = c[1].slider("At iteration", 0, presets.get(name).train.steps, 200, 50, key="dyn:net_it", **KEEP)
    if st.button("Spectrum now", key="dyn:spectrum"):
        with st.spinner("training to that iteration and computing the spectrum …"):
            tr = Trainer(presets.get(name))
            tr.step(at_it)
            US.compute(tr, "dyn:spec", f"{name}, iteration {at_it}")
    US.show("dyn:spec")


for tab, body in (("dirac", dirac_tab), ("gauss", gauss_tab), ("nets", nets_tab)):
    if tab in tabs:
        with tabs[tab]:
            if tabs[tab].open:
                body()

link = {"dyn:lesson": DY.LESSONS[lesson][0], **{k: str(SS[k]) for k in SETTINGS}}
if show("share"):
    UL.share_bound({**link, **LM.link_params(NAME)}, "Opening it sets up the same lesson with these settings.")
LM.make_link(NAME, link)
