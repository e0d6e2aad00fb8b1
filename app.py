"""Autograd Lab: the home page (entry script). Pages live in pages/."""

import streamlit as st

from core.devices import environment
from ui.frame import Page, lab_pages, page_target, run


def main(page: Page) -> None:
    st.title(page.t("app.title"))
    st.markdown(f"**{page.t('app.tagline')}**")
    st.markdown(page.t("home.intro"))

    st.subheader(page.t("home.labs"))
    for path, key, icon in lab_pages()[1:]:
        lab = key.split(".", 1)[1]
        st.page_link(page_target(path), label=f"{page.t(key)}: {page.t(f'home.lab.{lab}')}", icon=icon)

    env = environment()
    st.caption(page.t("home.env_line", torch=env["torch"], devices=env["devices"], python=env["python"]))
    with st.expander(page.t("home.env"), expanded=False):
        st.table({k: [v] for k, v in env.items()})


run(main, "nav.home", icon=":material/home:")
