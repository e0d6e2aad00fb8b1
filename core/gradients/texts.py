"""Gradients lab strings: the computations' messages (texts_core.py) and the page's (texts_page.py)."""

from core.gradients.texts_core import TEXTS as _CORE
from core.gradients.texts_page import TEXTS as _PAGE

TEXTS = {**_CORE, **_PAGE}
