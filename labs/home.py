"""Home: what gantoy is, and one-click lessons."""
from urllib.parse import urlencode

import streamlit as st

from gantoy.lessons import course, presets
from gantoy.measure.trainer import Trainer
from gantoy.render import figures
from gantoy.ui.livechart import live_chart


@st.cache_data(show_spinner=False)
def _preview():
    """The Figure 1 lesson at its first frame (a pure function of the preset)."""
    cfg = presets.get("figure1")
    return figures.figure1(Trainer(cfg).snapshot(), noise=cfg.model.noise, height=360)


st.title("gantoy — watch generative adversarial nets learn")
st.markdown(
    "gantoy trains small GANs on 1-D and 2-D mixtures of Gaussians and shows, live, the data density, "
    "the generator's density, the discriminator next to the optimal one, and honest divergence estimates. "
    "Pick a lesson, press **Train**, and slide the hyperparameters to see what changes.")

LESSONS = [
    ("Figure 1 (Goodfellow et al. 2014)", "labs/figure1.py", "figure1",
     "p_g slides onto p_data while D flattens to ½ — staged as panels (a)–(d)."),
    ("Two modes in 1-D", "labs/figure1.py", "bimodal1d",
     "A continuous generator must split its noise between two modes: watch the bridge it leaves."),
    # the Mode collapse lab opens on its default lesson (the ring: nsgan, then nsgan + PacGAN, 8 seeds each)
    ("Mode collapse on a ring", "labs/collapse.py", "ring8",
     "Eight narrow modes, eight seeds at once: the non-saturating GAN drops modes on some seeds, PacGAN on none."),
    ("25 modes on a grid", "labs/playground.py", "grid25", "How many modes does a small generator reach?"),
    ("Swiss roll with WGAN-GP", "labs/playground.py", "swissroll", "A thin curved manifold and a Lipschitz critic."),
]

cols = st.columns(len(LESSONS))
for col, (title, page, preset, text) in zip(cols, LESSONS):
    with col.container(border=True):
        st.markdown(f"**{title}**")
        st.caption(text)
        if st.button("Open", key=f"lesson:{preset}", width="stretch"):
            if page == "labs/collapse.py":   # (the collapse lab takes its data from a lesson: the ring's, even
                st.session_state["mc:lesson"] = "ring"   # after another lesson was open there)
            else:
                st.session_state[f"load_preset:{page}"] = preset
            st.switch_page(page)

THEORY = [
    ("Why Wasserstein?", "labs/divergences.py",
     "Slide two distributions apart: JS and TV saturate and KL becomes infinite once they stop overlapping "
     "(the disjoint strips); W1 keeps growing."),
    ("Earth-Mover as a linear program", "labs/transport.py",
     "Solve the transport LP, check primal = dual, and see the 1-Lipschitz critic."),
    ("Conditional sampling", "labs/conditional.py", "Learn p(y | x) with GCDS or a conditional GAN, judged against the truth."),
    ("Why GANs orbit", "labs/dynamics.py", "The game as a vector field: simultaneous steps spiral out, R1 converges."),
]
st.markdown("**The theory between the lessons**")
cols = st.columns(len(THEORY))
for col, (title, page, text) in zip(cols, THEORY):
    with col.container(border=True):
        st.markdown(f"**{title}**")
        st.caption(text)
        if st.button("Open", key=f"theory:{page}", width="stretch"):
            st.switch_page(page)

with st.expander("For teachers — the lessons in order, what the class should see, questions to ask", expanded=False):
    st.markdown("A lesson order for one or two class hours. Each link opens a new session of the lab in that "
                "lesson; the ones marked **predict, then run** open in lesson mode: only Train, speed and the "
                "timeline, and questions the class answers before training goes on — at the end, each prediction "
                "is shown next to what happened, from the run's own numbers. Make your own from any training lab "
                "with **Make a lesson link**.")
    root = (st.context.url or "").split("?")[0].rstrip("/")    # Home is the app's root page
    for n, step in enumerate(course.COURSE, 1):
        with st.container(border=True):
            c1, c2 = st.columns([4, 1])
            c1.markdown(f"**{n}. {step.title}**" + (" — *predict, then run*" if "quiz" in step.params else ""))
            url = f"{root}/{step.page}" + (("?" + urlencode(step.params, doseq=True)) if step.params else "")
            c2.link_button("Open the lesson", url, width="stretch")
            st.markdown(f"*What the class should see:* {step.observe}")
            st.markdown("*Ask:* " + " ".join(f"({i}) {q}" for i, q in enumerate(step.ask, 1)))

st.subheader("The Figure 1 lesson, before training")
# drawn like the labs' live charts, so plotly.js is loaded while the user reads this page and the first
# click on a lab draws at once (bench/first_visit.py)
live_chart(_preview(), key="home_preview")
st.caption("Black dotted: p_data. Green: p_g. Blue dashed: D(x). Grey: the optimal D*(x) = p_data/(p_data + p_g). "
           "Arrows: the generator's map from the noise line (below) to the data line (above).")
