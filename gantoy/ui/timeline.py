"""The timeline under a training lab's controls: a slider over the recorded moments; the chart and the numbers
above redraw that moment as it was (gantoy/session/timeline.py), and "Continue from here" goes on training
from it where the trainer's state was kept (otherwise the page says rewinding is view-only)."""
from __future__ import annotations

import collections

import streamlit as st

from gantoy.session.gate import GATE


def timeline(lab):
    # one container whether or not the timeline shows: the elements after it keep their place in the page
    # (Streamlit would take them for new ones, and close an open expander below)
    with st.container():
        _timeline(lab)


def _timeline(lab):
    lab.snap                          # the present moment is one of the recorded ones
    its = lab.moments()
    hist = getattr(lab, "history", None)
    if not lab.running and len(its) < 2 and hist is not None and len(hist.rows) > 1:
        # a loaded state file: its metric history (the curves) came back, its pictures were never in it
        st.caption(f"Timeline: starts at iteration {lab.trainer.iteration}, the loaded moment. The state file "
                   "carries the metric history (the curves) but not the pictures of earlier moments; train on to "
                   "record new ones you can rewind to.")
    if lab.running or len(its) < 2:
        return
    key = f"tl:{lab.name}:{its[0]}:{its[-1]}:{len(its)}"   # new options, new widget (old values may be gone)
    twice = {i for i, n in collections.Counter(k[0] for k in its).items() if n > 1}

    def label(k):   # an iteration; where Step D / Step G recorded several moments of one iteration, their counts
        return f"{k[0]}" + (f" (D {k[1]}, G {k[2]})" if k[0] in twice else "")

    def moved():
        lab.rewind(its[st.session_state[key]])

    now = its.index(lab.rewound) if lab.rewound in its else len(its) - 1
    # the lab's moment decides where the slider stands: "Back to now" and "Rewind to …" move the lab, and a slider
    # given only value= kept its old position (it showed 208 over the pictures of 968)
    st.session_state[key] = now
    # options are positions (a tuple value would read as a range to select_slider)
    st.select_slider("Timeline — rewind to a recorded moment (iteration)", options=range(len(its)),
                     key=key, format_func=lambda i: label(its[i]), on_change=moved,
                     help=f"{len(its)} moments recorded so far (older ones thinned so the record spans the whole "
                     "run). The chart and the numbers redraw that moment as it was; nothing is retrained.")
    if lab.rewound is None:
        return
    at = lab.rewound
    c1, c2, c3 = st.columns([3.2, 1.2, 1])
    cp = lab.checkpoint_at(at)
    seen = f"Viewing iteration {label(at)} as it was recorded (the run is at iteration {lab.trainer.iteration})."
    if cp is not None:
        c1.info(seen + " Continue from here to train on from this moment; what came after it is then dropped.")
    else:
        before, after = lab.nearest_checkpoints(at)
        near = " and ".join(f"{w} {label(k)}" for w, k in (("before:", before), ("after:", after)) if k is not None)
        c1.info(seen + " Rewinding here is view-only: the trainer's state was not kept at this moment "
                f"(kept at {len(lab.checkpoints)} moments; nearest {near or 'none'}).")

    def go_on():
        with GATE.chunk():    # not while a state file is being written
            lab.continue_from_rewound()

    if cp is not None:
        c2.button("Continue from here", key=f"tl:{lab.name}:go", on_click=go_on, type="primary",
                  help="restore the networks, optimisers and random streams of this moment")
    else:
        before = lab.nearest_checkpoints(at)[0]
        c2.button(f"Rewind to {label(before)}" if before is not None else "Continue from here",
                  key=f"tl:{lab.name}:near", disabled=before is None, on_click=lambda: lab.rewind(before),
                  help="the nearest earlier moment whose trainer state was kept: from there you can continue"
                  if before is not None else "view-only: no trainer state was kept before this moment")
    c3.button("Back to now", key=f"tl:{lab.name}:now", on_click=lambda: lab.rewind(None))
