"""Autograd Lab core: computations and figure builders (no streamlit)."""
