"""Pure: state -> figure or file (plotly figures, animations, tables). No training, no streamlit."""
