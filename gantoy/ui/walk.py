"""'Step by step' in the Figure 1 and playground labs: the next iteration of Algorithm 1 in its parts
(session/walk.py), one part per click or one every 1.5 s, each with its sentence, its formula and a chart of
the minibatch, D before the update and the samples' moves (render/walk.py)."""
from __future__ import annotations

import streamlit as st

from gantoy.render.walk import walk_figure
from gantoy.session.gate import GATE
from gantoy.session.walk import Walk
from gantoy.ui.controls import rewound_reason

EVERY = 1.5    # seconds per part when playing
NAMES = {"noise": "sample noise", "data": "sample data", "d": "update D", "gnoise": "sample noise", "g": "update G"}


def walk_panel(lab, noise: str, centers=None):
    key, play, applied = f"walk:{lab.name}", f"walk:{lab.name}:play", f"walk:{lab.name}:playing"
    w = st.session_state.get(key)
    if w is not None and (w.lab is not lab or w.stale):
        w = st.session_state[key] = None          # the run moved on (Step, Train, Reset, a load): start afresh

    def start():
        st.session_state[key] = Walk(lab)
        st.session_state[play] = False

    def step():
        cur = st.session_state.get(key)
        if cur is not None and not cur.stale:
            with GATE.chunk():                    # not while a state file is being written
                cur.next()
            if cur.done:
                st.session_state[play] = False

    with st.expander("Step by step — one iteration of Algorithm 1 in its parts", expanded=w is not None):
        if lab.running:
            st.caption("Pause training to walk through an iteration part by part.")
            return
        if w is None:
            st.caption("Goodfellow et al. (2014), Algorithm 1: for each of the k D steps, sample noise, sample data "
                       "and update D; then sample noise and update G. The walk uses the trainer's own minibatches "
                       "and updates: at the end the run is exactly one iteration further.")
            seen = rewound_reason(lab)   # (the walk trains the present run one iteration on)
            st.button("Walk through the next iteration", key=f"{key}:start", on_click=start, type="primary",
                      disabled=lab.trainer.paused or bool(seen), help=seen or None)
            return

        # run_every is fixed when the page runs: a change of Play (made inside the fragment) reruns the page
        st.session_state[applied] = bool(st.session_state.get(play))

        @st.fragment(run_every=EVERY if st.session_state[applied] else None)
        def panel():
            cur = st.session_state.get(key)
            if cur is None:
                return
            if st.session_state.get(play) and not cur.done and not cur.stale:
                with GATE.chunk():
                    cur.next()
                if cur.done:
                    st.session_state[play] = False
            if bool(st.session_state.get(play)) != st.session_state[applied]:
                st.rerun()
            marks = []
            for i, p in enumerate(cur.parts):
                label = f"{i + 1}. {NAMES[p.kind]}" + (f" (D step {p.j + 1})" if cur.k > 1 and p.kind in
                                                       ("noise", "data", "d") else "")
                marks.append(f"**{label}**" if i == cur.at else label + (" ✓" if i < cur.at else ""))
            st.markdown(" · ".join(marks))
            p = cur.current
            if p is not None:
                st.markdown(p.sentence)
                st.latex(p.latex)
                st.plotly_chart(walk_figure(lab.snap, p.show, noise=noise, centers=centers), key=f"{key}:chart",
                                width="stretch")
            c = st.columns(4)
            c[0].button("Next part", key=f"{key}:next", on_click=step, disabled=cur.done, type="primary")
            c[1].toggle(f"Play (a part every {EVERY:g} s)", key=play, disabled=cur.done)
            c[2].button("Walk through the next iteration", key=f"{key}:again", on_click=start, disabled=not cur.done)
            c[3].button("Close", key=f"{key}:close", on_click=lambda: st.session_state.pop(key, None))

        panel()
