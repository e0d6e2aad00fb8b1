"""Autograd Lab on Streamlit Community Cloud: the app of ../app.py, with this folder's dependency file.

Community Cloud installs the dependency file beside the entry point before the repository's own,
so deploying this script installs ``cloud/requirements.txt`` (PyTorch's CPU-only wheel, every
other pin as in the root ``requirements.txt``) and leaves ``pip install -r requirements.txt``
as it is. Streamlit looks for ``pages/`` beside the entry script only, so this script registers
the root's pages itself, as Streamlit does for ``app.py``: the home page first, then each lab,
the built-in menu hidden (every page draws the same sidebar of links).
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # Streamlit puts this folder on sys.path, and core/ and ui/ live at the root
    sys.path.insert(0, str(ROOT))

import streamlit as st  # noqa: E402

from ui.frame import lab_pages  # noqa: E402

pages = [st.Page(ROOT / path, default=path == "app.py") for path, _, _ in lab_pages()]
st.navigation(pages, position="hidden").run()
