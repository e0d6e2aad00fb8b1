"""Gradients lab strings (texts_core).

{key: (pt-BR, en)}
"""

TEXTS: dict[str, tuple[str, str]] = {}
