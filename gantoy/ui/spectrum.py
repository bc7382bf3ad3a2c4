"""The spectrum of a 1-D run's game (theory/spectrum.py) drawn against the stability disc of plain gradient
steps: shared by the Figure 1 lab's "Spectrum now" and the Dynamics lab's networks tab."""
from __future__ import annotations

import streamlit as st

from gantoy.render import dynamics as RD
from gantoy.theory import spectrum as SP


def compute(trainer, key: str, label: str) -> None:
    """The spectrum of ``trainer``'s run 0 now, kept under ``key`` in the session (with its label and step)."""
    try:
        res = SP.spectrum(trainer)
    except ValueError as e:          # packed or 2-D runs: said, not raised
        st.session_state[key] = str(e)
        return
    st.session_state[key] = (label, res, trainer.cfg.train.lr_d * trainer.lr_scale())


def show(key: str) -> None:
    """The chart and a caption for what ``compute`` kept under ``key`` (nothing before the first press)."""
    got = st.session_state.get(key)
    if isinstance(got, str):
        st.warning(f"No spectrum: {got}.")
        return
    if not got:
        return
    label, res, h = got
    st.plotly_chart(RD.eigenvalues({label: res["eigenvalues"]}, step=h), key=f"{key}:fig", width="stretch")
    how = "every eigenvalue" if res["exact"] else f"the {len(res['eigenvalues'])} of largest magnitude (Arnoldi)"
    stable = "stable" if SP.gd_stable(res["eigenvalues"], h) else "unstable"
    st.caption(f"{res['n']} parameters: {how}, in {res['seconds']:.1f} s. Plain gradient steps of the run's "
               f"learning rate h = {h:.3g} would be {stable} here (inside the dotted disc |1 + hλ| < 1). The run "
               "trains with its own optimiser (Adam by default), whose per-parameter steps this disc describes "
               "only roughly.")
