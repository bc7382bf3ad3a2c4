"""Training controls and the live fragments: Train/Pause and the step buttons, the divergence banner, the
counter line, and the fragments that redraw while a lab trains (session/live.py trains them)."""
from __future__ import annotations

import math

import streamlit as st

from gantoy.session.lab import Lab
from gantoy.session.live import LiveRun
from gantoy.ui.state import first_press

FRAME_INTERVAL = 0.05      # seconds between the end of one live redraw and the next request
HISTORY_INTERVAL = 1.0     # seconds between redraws of the metric-history charts


def controls(lab: Lab, extra=None):
    """Train/Pause, Step, Step D, Step G, Reset, speed; ``extra``: a second row of (label, callback, help).
    Callbacks (on_click) change the state before the page redraws, so labels are always current."""
    def toggle():
        if not first_press(f"run:{lab.name}"):
            return
        lab.running = not lab.running and not lab.trainer.paused
        lab.target = None

    cols = st.columns(5)
    cols[0].button("Pause" if lab.running else "Train", key=f"run:{lab.name}", type="primary", width="stretch",
                   on_click=toggle)
    cols[1].button("Step", key=f"step:{lab.name}", help="one iteration of Algorithm 1 (k D steps, then G)",
                   width="stretch", on_click=lambda: lab.trainer.step(1))
    cols[2].button("Step D", key=f"stepd:{lab.name}", help="one discriminator update, G fixed", width="stretch",
                   on_click=lambda: lab.trainer.step_d(1))
    cols[3].button("Step G", key=f"stepg:{lab.name}", help="one generator update, D fixed", width="stretch",
                   on_click=lambda: lab.trainer.step_g(1))
    cols[4].button("Reset", key=f"reset:{lab.name}", help="new networks from the seed", width="stretch",
                   on_click=lab.reset)
    if extra:
        cols = st.columns(len(extra))
        for i, (lbl, fn, hlp) in enumerate(extra):
            cols[i].button(lbl, key=f"x{i}:{lab.name}", help=hlp, width="stretch", on_click=fn)
    with st.expander("Speed", expanded=False):
        choices = [1, 2, 5, 10, 20, 50, 100, 200]
        lab.steps_per_frame = st.select_slider(
            "Iterations per frame, at most (1 = slow motion; fewer when the frame's time budget is spent)",
            choices, value=lab.steps_per_frame if lab.steps_per_frame in choices else 20, key=f"spf:{lab.name}")


def status_banner(lab: Lab):
    t = lab.trainer
    if t.paused:
        col1, col2 = st.columns([4, 1])
        col1.error(t.status.message)
        if col2.button("Reset to last good", key=f"lastgood:{lab.name}"):
            t.reset_to_last_good()
            st.rerun()


def fmt(v):
    if isinstance(v, float):
        if math.isinf(v):
            return "∞"
        if math.isnan(v):
            return "—"
        return f"{v:.4f}" if abs(v) >= 1e-3 or v == 0 else f"{v:.2e}"
    return str(v)


def counter_line(lab: Lab, snap) -> str:
    """The counter line under a lab's controls (tests compare the page's caption with this, not a regex)."""
    return (f"iteration **{snap.iteration}** · D updates {snap.d_updates} · G updates {snap.g_updates}"
            + (f" · {lab.redraw_rate():.1f} redraws/s" if lab.running else "") + schedule_note(lab))


def counters(lab: Lab, snap):
    st.caption(counter_line(lab, snap))


def schedule_note(lab: Lab) -> str:
    """Said once a decaying schedule has brought the learning rates to 0: from there on the counter still
    climbs but the pictures cannot change (Figure 1's preset anneals to 0 over its 2000 iterations), and
    a student should not wait for something to happen."""
    t = lab.cfg.train
    if t.schedule == "constant" or lab.trainer.iteration < t.steps or lab.trainer.lr_scale() > 0:
        return ""
    return (f" · the {t.schedule} schedule brought the learning rates to 0 at iteration {t.steps}: "
            "the run no longer changes (Reset to replay it)")


def live_fragment(run: LiveRun, draw, interval: float = FRAME_INTERVAL):
    """The live-training fragment of any lab: each rerun calls ``draw()`` and then, while running, trains one
    frame (``run.advance()``: the one live loop); when the run stops itself (target reached, divergence,
    study done) the whole page reruns so the buttons and the final state are current.

    Draw first, train last: Streamlit drops a fragment run's messages still queued when the next run of the
    same fragment starts (AppSession clears them at SCRIPT_STARTED), and the runs come back to back
    (run_every's timer fires during a frame). Drawn at the end, the chart and metrics reached the browser in
    about one frame in four (bench/BENCHMARKS.md, "Live loop"); drawn before the chunk, the server's event
    loop sends them while the chunk trains."""
    @st.fragment(run_every=interval if run.running else None)
    def live():
        draw()
        if run.running:
            run.advance()
            if not run.running:
                st.rerun()

    live()


def live_panel(lab: Lab, draw):
    """A training lab's live fragment: the counter line and ``draw(snapshot)``."""
    def frame():
        snap = lab.snap
        counters(lab, snap)
        draw(snap)

    live_fragment(lab, frame)


def history_panel(lab: Lab, draw):
    """Slower fragment for the metric-history charts (redrawn once a second while training)."""
    @st.fragment(run_every=HISTORY_INTERVAL if lab.running else None)
    def history():
        draw(lab.history.rows)

    history()
