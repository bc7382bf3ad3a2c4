"""The timeline under a training lab's controls: a slider over the recorded moments; the chart and the numbers
above redraw that moment as it was (gantoy/session/timeline.py), and "Continue from here" goes on training
from it where the trainer's state was kept (otherwise the page says rewinding is view-only)."""
from __future__ import annotations

import streamlit as st


def timeline(lab):
    lab.snap                          # the present moment is one of the recorded ones
    its = lab.moments()
    if lab.running or len(its) < 2:
        return
    key = f"tl:{lab.name}:{its[0]}:{its[-1]}:{len(its)}"   # new options, new widget (old values may be gone)

    def moved():
        lab.rewind(st.session_state[key])

    now = lab.rewound if lab.rewound is not None else its[-1]
    st.select_slider("Timeline — rewind to a recorded moment (iteration)", options=its, value=now, key=key,
                     on_change=moved, help=f"{len(its)} moments recorded so far (older ones thinned so the record "
                     "spans the whole run). The chart and the numbers redraw that moment as it was; nothing is "
                     "retrained.")
    if lab.rewound is None:
        return
    it = lab.rewound
    c1, c2, c3 = st.columns([3.2, 1.2, 1])
    cp = lab.checkpoint_at(it)
    if cp is not None:
        c1.info(f"Viewing iteration {it} as it was recorded (the run is at iteration {lab.trainer.iteration}). "
                "Continue from here to train on from this moment; what came after it is then dropped.")
    else:
        before, after = lab.nearest_checkpoints(it)
        near = " and ".join(f"{w} {i}" for w, i in (("before:", before), ("after:", after)) if i is not None)
        c1.info(f"Viewing iteration {it} as it was recorded (the run is at iteration {lab.trainer.iteration}). "
                f"Rewinding here is view-only: the trainer's state was not kept at this moment "
                f"(kept at {len(lab.checkpoints)} moments; nearest {near or 'none'}).")

    def go_on():
        lab.continue_from_rewound()

    if cp is not None:
        c2.button("Continue from here", key=f"tl:{lab.name}:go", on_click=go_on, type="primary",
                  help="restore the networks, optimisers and random streams of this moment")
    else:
        before = lab.nearest_checkpoints(it)[0]
        c2.button(f"Rewind to {before}" if before is not None else "Continue from here", key=f"tl:{lab.name}:near",
                  disabled=before is None, on_click=lambda: lab.rewind(before),
                  help="the nearest earlier moment whose trainer state was kept: from there you can continue"
                  if before is not None else "view-only: no trainer state was kept before this moment")
    c3.button("Back to now", key=f"tl:{lab.name}:now", on_click=lambda: lab.rewind(None))
