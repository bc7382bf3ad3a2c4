"""Training controls and the live fragments: Train/Pause and the step buttons, the divergence banner, the
counter line, and the fragments that redraw while a lab trains (session/live.py trains them)."""
from __future__ import annotations

import math

import streamlit as st

from gantoy.lessons import presets
from gantoy.measure import glossary
from gantoy.measure.glossary import fmt  # the metric column and the pages (C.fmt)
from gantoy.session.gate import GATE
from gantoy.session.lab import Lab
from gantoy.session.live import LiveRun
from gantoy.ui.state import first_press

FRAME_INTERVAL = 0.05      # seconds between the end of one live redraw and the next request
HISTORY_INTERVAL = 1.0     # seconds between redraws of the metric-history charts


SPEEDS = ["auto", 1 / 3, 0.5, 1, 2, 5, 10, 20, 50, 100, 200]


def _speed_label(v) -> str:
    if v == "auto":
        return "Lesson pace"
    if v < 1:
        return f"Slow motion · 1 it / {round(1 / v)} frames"
    return "1 iteration / frame" if v == 1 else f"{v} iterations / frame"


def gated(fn):
    """``fn`` run through the training gate: a change of the trainer from a button (Step, Reset, …) never
    interleaves with a training chunk or with a state file being written (ui/saving.py)."""
    def run(*args, **kwargs):
        with GATE.chunk():
            return fn(*args, **kwargs)
    return run


def rewound_reason(lab) -> str:
    """'' unless the timeline shows a past moment (ui/timeline.py); then why a button that acts on the run waits:
    it would act on the run as it is now, not on the moment shown, and jump the view back without a word."""
    key = getattr(lab, "rewound", None) if not lab.running else None
    if key is None:
        return ""
    t = lab.trainer
    same = key[0] == t.iteration     # a moment of Step D / Step G within the present iteration: say the counts
    at = f"iteration {key[0]}" + (f" (D {key[1]}, G {key[2]})" if same else "")
    now = f"iteration {t.iteration}" + (f" (D {getattr(t, 'd_updates', '?')}, G {getattr(t, 'g_updates', '?')})"
                                        if same else "")
    return (f"You are viewing {at} as it was recorded; the run is at {now}. Press Back to now under the timeline "
            "first, or go on from the moment shown where the timeline offers it")


def controls(lab: Lab, extra=None, show=lambda control: True):
    """Train/Pause with the speed beside it, Step, Step D, Step G, Reset; ``extra``: a second row of
    (label, callback, help, why-not) — a button that cannot act is disabled and its tooltip says why.
    ``show(control)``: lesson mode's choice ("train", "speed", "step", "reset", "panels"); hidden ones are
    not drawn.
    Callbacks (on_click) change the state before the page redraws, so labels are always current."""
    def toggle():
        if not first_press(f"run:{lab.name}"):
            return
        if lab.running:
            lab.running, lab.target = False, None
        else:
            lab.start()

    over = lab.lesson_over and not lab.running
    ask = lab.waiting() if not lab.running else None    # a question (predict, then run) comes first
    seen = rewound_reason(lab)
    frozen = ("the schedule has brought the learning rates to 0: Continue past the lesson (at constant rates) or "
              "Reset" if lab.trainer.lr_scale() == 0.0 else "")
    train_help = (f"Train to the lesson's length ({lab.length} iterations)" if not lab.past_lesson
                  else "Train on, past the lesson's length")
    if lab.running:   # the same button is Pause while training: its tooltip says what Pause does
        train_help = "Pause after this frame; Train goes on from where it stopped"
    elif over:
        train_help = f"The lesson has run its length ({lab.length} iterations): Continue past the lesson above, or Reset"
    elif ask is not None:
        train_help = "Answer the question above first (predict, then run)"
    elif seen:
        train_help = seen
    row = [("train", 1.2), ("speed", 1.6), ("step", 3), ("reset", 1)]
    row = [(c, w) for c, w in row if show(c)]
    if not row:
        return
    widths = [w for _, w in row]
    spare = 6.8 - sum(widths)      # a lesson that hides some keeps the others their usual width
    cols = dict(zip([c for c, _ in row], st.columns(widths + ([spare] if spare > 0.1 else []))))
    if "train" in cols:
        cols["train"].button("Pause" if lab.running else "Train", key=f"run:{lab.name}", type="primary",
                             width="stretch", on_click=toggle, disabled=over or ask is not None or bool(seen),
                             help=train_help)
    if "speed" in cols:
        lab.speed = cols["speed"].selectbox(
            "Speed", SPEEDS, format_func=_speed_label, key=f"spf:{lab.name}", label_visibility="collapsed",
            help="Iterations of Algorithm 1 per redraw. Lesson pace: slow through the lesson's main event, faster "
                 "after. Fewer when a frame's time budget is spent.")
    if "step" in cols:
        s1, s2, s3 = cols["step"].columns(3)
        stop = seen or frozen
        s1.button("Step", key=f"step:{lab.name}", width="stretch", on_click=gated(lambda: lab.trainer.step(1)),
                  help=stop or "one iteration of Algorithm 1 (k D steps, then G)",
                  disabled=lab.running or bool(stop))
        s2.button("Step D", key=f"stepd:{lab.name}", width="stretch", on_click=gated(lambda: lab.trainer.step_d(1)),
                  disabled=lab.running or bool(stop),
                  help=stop or "one discriminator update on a minibatch (sampled), G fixed")
        s3.button("Step G", key=f"stepg:{lab.name}", help=stop or "one generator update, D fixed",
                  width="stretch", on_click=gated(lambda: lab.trainer.step_g(1)), disabled=lab.running or bool(stop))
    if "reset" in cols:
        before = lab.undoable()
        if before is None:
            def reset():
                first_press(f"reset:{lab.name}")     # (timed: a double click must not undo at once)
                lab.reset_run()
            cols["reset"].button("Reset", key=f"reset:{lab.name}", width="stretch", on_click=gated(reset),
                                 help="new networks from the seed (Undo reset brings this run back until the new "
                                 "one trains)")
        else:   # in Reset's place until the new run moves: one click no longer loses a trained run
            def undo():
                if first_press(f"reset:{lab.name}"):
                    lab.undo_reset()
            cols["reset"].button("Undo reset", key=f"undo:{lab.name}", width="stretch", on_click=gated(undo),
                                 help=f"bring back the run you reset (iteration {before}), paused as it was; it is "
                                 "let go once this new run trains")
    if extra and show("panels"):
        cols = st.columns(len(extra))
        for i, (lbl, fn, hlp, why_not) in enumerate(extra):
            why_not = why_not or seen or (frozen if lbl.startswith("One G") else "")
            cols[i].button(lbl, key=f"x{i}:{lab.name}", help=why_not or hlp, width="stretch", on_click=fn,
                           disabled=bool(why_not) or lab.running)


def lesson_banner(lab: Lab, advice: bool = True):
    """Above the controls: what the lesson showed once it has run its length, with the next step and the
    button to go on; the verdict of the last D solve or continuation. ``advice``: the preset's "Next: …" may be
    shown (not where its controls are hidden — lesson mode — or on a page it was not written for)."""
    if lab.current_note and not lab.running:
        st.info(lab.current_note)
    if not (lab.lesson_over and not lab.running):
        return
    # the next step, for the lesson's own run only: it mostly says "switch the objective to …", and repeated it
    # after the class had done so
    own = lab.lesson in presets.names() and presets.get(lab.lesson).objective.id == lab.cfg.objective.id
    nxt = presets.lesson(lab.lesson).next if advice and own else ""
    seen = rewound_reason(lab)
    # the button under the message, its own width: in a column beside it, at 1280 px with the sidebar open, its
    # label was cut to "Continue past the le…". One container, as the columns were: one block above the charts
    with st.container():
        # rewound, the chart below shows another moment than this text's: say so (it read as about the chart)
        back = (f" *The chart below shows iteration {lab.rewound[0]}: the timeline is rewound.*"
                if lab.rewound is not None else "")
        st.success(f"**What you just saw** (iteration {lab.trainer.iteration}, the lesson's length): {lab.debrief()}"
                   + back + (f"\n\n{nxt}" if nxt else ""))
        st.button("Continue past the lesson", key=f"past:{lab.name}", on_click=lab.continue_past, width="content",
                  disabled=bool(seen), help=seen or "Train on without a target (a schedule that has decayed to 0 "
                  "goes back to constant rates)")


def metric_column(container, snap, obj, data):
    """The metrics worth showing for this objective (measure/glossary.py), two to a row — V(D, G) beside what
    it is compared with — each with a tooltip that says what it is and how it is estimated."""
    keys = glossary.shown(snap, obj, data)
    value_row = [k for k in keys if k in ("value", "v_star")]
    rest = [k for k in keys if k not in value_row]
    for row in [rest[i:i + 2] for i in range(0, len(rest), 2)] + [value_row]:
        for col, key in zip(container.columns(2), row):
            v = snap.metrics.get(key, math.nan)
            if key == "modes":   # our rule, and the published one beside it (PacGAN's: one sample is enough)
                pub = snap.metrics.get("modes_pub")
                text = f"{int(v)} / {len(data.centers)}" + (f" · {int(pub)}" if pub is not None else "")
            elif key == "hq":
                text = f"{100 * v:.1f} %"
            else:
                text = fmt(v)
            label = glossary.label(key, obj) + (" · published rule" if key == "modes" and "modes_pub" in
                                                  snap.metrics else "")
            # a zero-width space after ‖: a label too wide for its column (large text) breaks there, not
            # inside "p_g" ("JS(p_data‖p_" over "g)")
            col.metric(label.replace("‖", "‖\u200b"), text, help=glossary.explain(key, snap, data, obj))


def status_banner(lab: Lab):
    t = lab.trainer
    if t.paused:
        col1, col2 = st.columns([4, 1])
        col1.error(t.status.message)
        if col2.button("Reset to last good", key=f"lastgood:{lab.name}"):
            t.reset_to_last_good()
            st.rerun()


# the key of the element holding a lab's counter line (the page's class "st-key-run-counter"): the browser tests
# read the iteration there, not from whichever caption first says "iteration N"
COUNTER_KEY = "run-counter"


def counter_line(lab: Lab, snap) -> str:
    """The counter line under a lab's controls (tests compare the page's caption with this, not a regex)."""
    updates = f"D updates {snap.d_updates} · G updates {snap.g_updates}"
    runs = lab.shown_snaps if hasattr(lab, "shown_snaps") else [snap]
    own = [s.d_updates if s.own_d_updates < 0 else s.own_d_updates for s in runs]
    if len(set(own)) > 1:   # runs with their own k (a smaller k sits out some D steps): each run's own count
        updates = "D / G updates: " + " · ".join(f"{lbl} {n} / {s.g_updates}" for lbl, n, s in zip(lab.labels, own, runs))
    # rewound: said here, under the greyed buttons, and not only in their tooltips and below the charts
    back = ""
    if rewound_reason(lab):   # (a Step D / Step G moment of the present iteration: the counts tell them apart)
        t, same = lab.trainer, lab.rewound[0] == lab.trainer.iteration
        now = f"iteration {t.iteration}" + (f" (D {t.d_updates}, G {t.g_updates})" if same else "")
        back = f" · **rewound** — the run is at {now}; the buttons wait until Back to now (under the timeline)"
    return (f"iteration **{snap.iteration}** · {updates}"
            + (f" · {lab.redraw_rate():.1f} redraws/s" if lab.running else "") + back + schedule_note(lab))


def counters(lab: Lab, snap):
    with st.container(key=COUNTER_KEY):    # the browser tests read the run's counter from this element
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
    loop sends them while the chunk trains.

    Called inside a plain container of the page, its own place. The same clearing drops a full run's unsent deltas
    of the fragment when the fragment's next run starts right after it (forward_msg_queue.clear at SCRIPT_STARTED):
    after Pause the browser's run_every timer has a run of the fragment queued behind the full run. The browser then
    had no new block at the fragment's place, removed the old one as stale at the end of the full run, and every later
    element moved up one place, so the fragment's run wrote over the element after it: the Timeline, whose slider
    Streamlit kept hidden as "retained" (the CI failures of test_timeline_rewinds_in_chromium). Websocket frames
    recorded 2026-12-02: the full run after Pause sent the page's paths [0, 0]-[0, 3] and [0, 5]-[0, 13], not the
    fragment's [0, 4] (3 of 36 pauses lost the Timeline); in its own container a lost block only empties that
    container until the fragment's run refills it (the race in 2 of 24 pauses, the Timeline kept in all 24)."""
    @st.fragment(run_every=interval if run.running else None)
    def live():
        draw()
        if run.running:
            run.advance()
            if not run.running:
                st.rerun()

    with st.container():    # the fragment's own place in the page (below)
        live()


def live_panel(lab: Lab, draw):
    """A training lab's live fragment: the counter line and ``draw(snapshot)``."""
    def frame():
        snap = lab.shown      # the rewound moment (ui/timeline.py) or now
        counters(lab, snap)
        draw(snap)

    live_fragment(lab, frame)


def history_panel(lab: Lab, draw):
    """Slower fragment for the metric-history charts (redrawn once a second while training)."""
    @st.fragment(run_every=HISTORY_INTERVAL if lab.running else None)
    def history():
        draw(lab.history.rows)

    with st.container():    # the fragment's own place in the page (live_fragment says why)
        history()
