"""The labs' state and the one live loop (with the server's fair-share gate); no streamlit."""
