"""Gradients lab strings (texts_page).

{key: (pt-BR, en)}
"""

TEXTS: dict[str, tuple[str, str]] = {}
