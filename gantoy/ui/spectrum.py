"""The spectrum of a 1-D run's game (theory/spectrum.py) drawn against the stability disc of plain gradient
steps: shared by the Figure 1 lab's "Spectrum now" and the Dynamics lab's networks tab."""
from __future__ import annotations

import numpy as np
import streamlit as st

from gantoy.render import dynamics as RD
from gantoy.theory import spectrum as SP


def compute(trainer, key: str, label: str) -> None:
    """The spectrum of ``trainer``'s run 0 now, with each player's own step (its learning rate at this
    iteration), kept under ``key`` in the session."""
    scale = trainer.lr_scale()
    h = (trainer.cfg.train.lr_g * scale, trainer.cfg.train.lr_d * scale)
    try:
        res = SP.spectrum(trainer, steps=h)
    except ValueError as e:          # packed, 2-D or penalised runs: said, not raised
        st.session_state[key] = str(e)
        return
    except RuntimeError as e:        # ARPACK did not converge (a diverged run's nan field)
        st.session_state[key] = f"the eigenvalue iteration did not converge ({str(e)[:80]})"
        return
    st.session_state[key] = (label, res, h)


def show(key: str) -> None:
    """The chart and a caption for what ``compute`` kept under ``key`` (nothing before the first press)."""
    got = st.session_state.get(key)
    if isinstance(got, str):
        st.warning(f"No spectrum: {got}.")
        return
    if not got:
        return
    label, res, (hg, hd) = got
    ev = res["eigenvalues"]
    st.plotly_chart(RD.eigenvalues({label: ev}, step=1.0, disc_label="|1 + μ| = 1"), key=f"{key}:fig",
                    width="stretch")
    outside = int(np.sum(np.abs(1 + ev) >= 1))
    if res["exact"]:
        verdict = ("stable: every eigenvalue is inside the dotted circle" if outside == 0 else
                   f"unstable: {outside} of {len(ev)} eigenvalues lie outside the dotted circle")
        how = "every eigenvalue"
    else:
        verdict = (f"unstable: {outside} of the {len(ev)} shown lie outside the dotted circle" if outside else
                   f"stable as far as the {len(ev)} shown go (the smaller ones, not computed, could still lie "
                   "outside)")
        how = f"the {len(ev)} of largest magnitude (Arnoldi)"
    st.caption(f"Eigenvalues μ of h·J: the game's Jacobian J with G's rows times its learning rate h_G = {hg:.3g} and "
               f"D's times h_D = {hd:.3g}. {res['n']} parameters: {how}, in {res['seconds']:.1f} s. Plain gradient "
               f"steps of these sizes would be {verdict}. The run trains with its own optimiser (Adam by default), "
               "whose per-parameter steps this describes only roughly.")
