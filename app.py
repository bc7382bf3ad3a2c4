"""gantoy — Streamlit entry point: navigation over the labs in pages/."""
import streamlit as st

st.set_page_config(page_title="gantoy", page_icon="🎲", layout="wide")

PAGES = [
    st.Page("pages/home.py", title="Home", icon=":material/home:", default=True),
    st.Page("pages/figure1.py", title="Figure 1 (1-D)", icon=":material/show_chart:", url_path="figure1"),
    st.Page("pages/playground.py", title="2-D playground", icon=":material/scatter_plot:", url_path="playground"),
]

st.navigation(PAGES).run()
