"""Dynamics lab: the GAN game as a dynamical system in parameter space (the Dirac-GAN of Mescheder et al. 2018)."""
import numpy as np
import streamlit as st

from gantoy.core import objectives
from gantoy.render import dynamics as RD
from gantoy.theory import dynamics as DY
from gantoy.ui import links as UL

PAGE = "labs/dynamics.py"
SS = st.session_state
LRS = [0.01, 0.02, 0.05, 0.1, 0.2, 0.3, 0.5, 1.0]

st.title("Dynamics: the GAN game in parameter space")
st.markdown(r"The **Dirac-GAN** (Mescheder, Geiger & Nowozin 2018): data $\delta_0$, generator $\delta_\theta$, "
            r"discriminator $D_\psi(x) = \psi x$. Training moves the point $(\theta, \psi)$ along the game's vector "
            r"field — G descends its loss, D ascends the value. The equilibrium is $(0, 0)$; whether training "
            r"reaches it is a property of the field and of the update rule.")

url0, first = UL.link_params(PAGE)
lesson = st.sidebar.selectbox("Lesson", list(DY.LESSONS), format_func=lambda k: DY.LESSONS[k][0], key="dyn:lesson",
                              bind="query-params")
if SS.get("dyn:loaded") != lesson:   # a new lesson: its settings into the widgets
    _, setup = DY.LESSONS[lesson]
    SS.update({"dyn:objective": setup["objective"], "dyn:r1": setup["r1"], "dyn:lr": setup["lr"],
               "dyn:steps": setup["steps"], "dyn:theta0": setup["start"][0], "dyn:psi0": setup["start"][1]})
    for i, (method, mom) in enumerate(setup["runs"]):
        SS[f"dyn:method{i}"], SS[f"dyn:mom{i}"] = method, mom
    SS["dyn:loaded"] = lesson
with st.sidebar:
    oid = st.selectbox("Objective", objectives.names(), key="dyn:objective",
                       format_func=lambda i: f"{i} — {objectives.get(i).name}")
    r1 = st.slider("R1 weight γ", 0.0, 2.0, step=0.05, key="dyn:r1",
                   disabled="r1" not in objectives.get(oid).options,
                   help="(γ/2)·E‖∇D‖² on the data (Mescheder et al. 2018); GAN-family and f-GAN objectives")
    lr = st.select_slider("Step size h", LRS, key="dyn:lr")
    steps = st.slider("Steps", 50, 3000, step=50, key="dyn:steps")
    c1, c2 = st.columns(2)
    th0 = c1.number_input("start θ", -2.0, 2.0, step=0.1, key="dyn:theta0")
    ps0 = c2.number_input("start ψ", -2.0, 2.0, step=0.1, key="dyn:psi0")
UL.check_bound_link(PAGE, url0, first, {"dyn:lesson": [lesson]})

game = DY.game_for(oid, r1)
cols = st.columns(2)
runs = {}
for i, col in enumerate(cols):
    method = col.radio(f"Run {'AB'[i]}: update rule", DY.METHODS, key=f"dyn:method{i}", horizontal=True)
    mom = col.slider(f"Run {'AB'[i]}: momentum β", -0.9, 0.9, step=0.05, key=f"dyn:mom{i}")
    label = f"{'AB'[i]}: {method}" + (f", β = {mom:g}" if mom else "")
    runs[label] = (method, mom, game.simulate((th0, ps0), method, lr, steps, momentum=mom))
    col.caption(DY.reading(game, method, lr, mom))

g = np.linspace(-2, 2, 17)
TH, PS = np.meshgrid(g, g)
U, V = game.field(TH, PS)
left, right = st.columns([3, 2])
left.plotly_chart(RD.phase_portrait(TH, PS, U, V, {k: v[2] for k, v in runs.items()}, start=(th0, ps0)),
                  key="dyn:phase", width="stretch")
lam = np.linalg.eigvals(game.jacobian(0.0, 0.0))
eig = {f"{k} (update)": np.linalg.eigvals(game.step_map_jacobian(0.0, 0.0, m, lr, mom)) for k, (m, mom, _) in runs.items()}
right.plotly_chart(RD.eigenvalues(eig), key="dyn:eig", width="stretch")
right.caption("Eigenvalues μ of one update at the equilibrium; inside the dotted unit circle the iterates converge. "
              f"The continuous field's Jacobian there has λ = {', '.join(f'{z.real:+.3f}{z.imag:+.3f}i' for z in lam)}; "
              "a simultaneous step maps each λ to μ = 1 + hλ.")
with st.expander("The maths"):
    st.latex(r"\dot\theta = -\nabla_\theta L_G(\theta, \psi), \qquad \dot\psi = \nabla_\psi V(\theta, \psi), \qquad "
             r"V = \mathrm{real}(0) + \mathrm{fake}(-\psi\theta) - \mathrm{penalties}")
    st.latex(r"J(0, 0) = \begin{pmatrix} 0 & -f'(0) \\ f'(0) & -\gamma \end{pmatrix}, \qquad "
             r"\lambda^2 + \gamma\lambda + f'(0)^2 = 0 \quad (\text{GAN: } f'(0) = \tfrac12)")
    st.markdown("Without R1 (γ = 0) the eigenvalues ±i·f′(0) are purely imaginary: the continuous flow circles the "
                "equilibrium, simultaneous steps (|1 + hλ| > 1) spiral out, alternating steps keep a bounded orbit. "
                "R1 moves them into the left half-plane. The losses and penalties are gantoy's own objective registry.")
UL.share_bound({"dyn:lesson": lesson}, "Opening it sets up the same lesson.")
