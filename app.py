"""gantoy — Streamlit entry point: st.navigation over the labs in labs/ (not pages/, which Streamlit would also list by file name on deep links)."""
import os

import streamlit as st
import torch

from gantoy.ui import style

# One intra-op thread per computation: toy networks gain nothing from more, and a classroom server
# runs many sessions at once (oversubscribed threads made one iteration take ~100x longer).
torch.set_num_threads(1)

# `gantoy serve` names each replica (GANTOY_REPLICA "2 of 4"); About says which one a student is on
ABOUT = "gantoy: watch generative adversarial nets learn." + (
    f" Served by replica {os.environ['GANTOY_REPLICA']}." if os.environ.get("GANTOY_REPLICA") else "")
st.set_page_config(page_title="gantoy", page_icon="🎲", layout="wide", menu_items={"About": ABOUT})
st.sidebar.toggle("Large text (for the back row)", key=style.LARGE,
                  help="Larger page and chart text for a projector; the layout still fits 1280×720.")
style.apply()

PAGES = [
    st.Page("labs/home.py", title="Home", icon=":material/home:", default=True),
    st.Page("labs/figure1.py", title="Figure 1 (1-D)", icon=":material/show_chart:", url_path="figure1"),
    st.Page("labs/playground.py", title="2-D playground", icon=":material/scatter_plot:", url_path="playground"),
    st.Page("labs/compare.py", title="Compare objectives", icon=":material/compare:", url_path="compare"),
    st.Page("labs/collapse.py", title="Mode collapse", icon=":material/grain:", url_path="collapse"),
    st.Page("labs/divergences.py", title="Divergences", icon=":material/functions:", url_path="divergences"),
    st.Page("labs/transport.py", title="Optimal transport", icon=":material/local_shipping:", url_path="transport"),
    st.Page("labs/conditional.py", title="Conditional sampling", icon=":material/tune:", url_path="conditional"),
    st.Page("labs/dynamics.py", title="Dynamics", icon=":material/cyclone:", url_path="dynamics"),
]

# a lesson link that chooses the students' controls (lesson mode, gantoy/lessons/lessonmode.py) shows that lab
# alone: no page list to wander off to
st.navigation(PAGES, position="hidden" if "show" in st.query_params else "sidebar").run()
