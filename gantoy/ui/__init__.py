"""The only Streamlit-aware code in gantoy: per-session lab state and shared widgets."""
