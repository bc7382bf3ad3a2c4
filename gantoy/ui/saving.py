"""'Save or load the trained state' in the Figure 1, playground and compare labs: the run's (or every run's)
networks, optimisers, random streams and metric history as a file (gantoy/session/saved.py), and back. A bad
file says why and the current run is kept."""
from __future__ import annotations

import streamlit as st

from gantoy.core.config import ConfigError
from gantoy.lessons import presets
from gantoy.session import saved
from gantoy.session.gate import GATE


def state_panel(lab, radio_key: str | None, widgets=None, store=saved):
    """``radio_key``: the page's lesson picker, set to the loaded state's lesson. ``widgets(lab)``: for a page
    whose widgets describe its runs otherwise (the compare lab), {widget key: value} for the loaded state, set
    instead of the picker (only values those widgets offer: another makes the widget fail).
    ``store``: the module that writes and reads this lab's files (the conditional lab's: session/condsaved.py);
    ``radio_key`` None: the page has no lesson picker."""
    fkey, msg_key = f"state:{lab.name}:file", f"state:{lab.name}:msg"

    def dump() -> bytes:   # on the click, in Streamlit's thread: between two training chunks, never inside one
        with GATE.chunk():
            return store.dump(lab)

    def load():   # a callback: runs before the page, so it may set the lesson picker
        up = st.session_state.get(fkey)
        if up is None:
            st.session_state[msg_key] = ("error", "Not loaded: choose a state file first.")
            return
        try:
            contents = store.read(up.getvalue(), lab)
        except ConfigError as e:
            st.session_state[msg_key] = ("error", f"Not loaded: {e}. The current run is kept.")
            return
        with GATE.chunk():
            note = store.restore(lab, contents)
        if widgets is not None:
            st.session_state.update(widgets(lab))
        elif radio_key is not None:
            same = lab.lesson in presets.names() and presets.get(lab.lesson).data == lab.cfg.data
            name = lab.lesson if same else presets.lesson_of(lab.cfg)
            st.session_state[radio_key] = st.session_state[f"{radio_key}:loaded"] = name
        st.session_state[msg_key] = ("success", note)

    with st.expander("Save or load the trained state", expanded=False):
        st.caption("The networks, their optimisers, the random streams and the metric history of this run (of "
                   "every run, in a comparison) as one file: load it later (here, or on the classroom's machine) "
                   "to start from this moment. The share link keeps working as before; it carries the settings, "
                   "this carries the training.")
        c1, c2 = st.columns([1, 2])
        c1.download_button("Save the trained state", dump, file_name=f"gantoy-{lab.name}-state.pt",
                           mime="application/octet-stream", key=f"state:{lab.name}:save",
                           help=f"iteration {lab.trainer.iteration} now; the file holds the moment you click")
        c2.file_uploader("A state file saved from this lab (.pt)", type=["pt"], key=fkey)
        c2.button("Load the state", key=f"state:{lab.name}:load", on_click=load)
        if (m := st.session_state.pop(msg_key, None)) is not None:
            (st.error if m[0] == "error" else st.success)(m[1])
