"""Streamlit-side helpers shared by every page (core never imports this)."""
