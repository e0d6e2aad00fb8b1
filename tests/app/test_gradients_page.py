"""AppTest tests of pages/5_gradients.py (widgets by their grad_ keys): the numbers shown are core's."""

from __future__ import annotations

import base64
import json
from urllib.parse import parse_qs, urlparse

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from core.gradients import descend, hessian
from core.gradients.presets import OPTIMIZERS, PRESETS
from tests.app.conftest import open_page
from tools.server import ROOT

PAGE = "5_gradients.py"
SPEC_LIMIT = 1_000_000  # bytes of one chart's spec sent to the browser


def specs(at) -> dict[str, dict]:
    """Each plotly chart's spec, by the end of its key (grad_chart, grad_loss, grad_slice)."""
    return {el.proto.id.rsplit("-", 1)[-1]: json.loads(el.proto.spec) for el in at.get("plotly_chart")}


def array(value) -> np.ndarray:
    """A spec's array: a list, or Plotly 7's {"dtype", "bdata": base64}."""
    if isinstance(value, dict):
        return np.frombuffer(base64.b64decode(value["bdata"]), dtype=value["dtype"]).astype(float)
    return np.asarray(value, dtype=float)


def names(at, key: str) -> list[str]:
    return [tr.get("name") or "" for tr in specs(at)[key]["data"]]


def metrics(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def assert_fine(at) -> None:
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]


def test_opens_in_portuguese_with_core_numbers():
    at = open_page(PAGE)
    assert_fine(at)
    assert at.title[0].value.startswith("Gradientes")
    bowl = PRESETS["bowl"]
    core = hessian(bowl.text, bowl.start)
    assert metrics(at)["f(p)"] == f"{core.value:.6g}"
    table = at.dataframe[0].value
    assert list(table["autograd"]) == [f"{v:.10g}" for v in core.gradient]
    assert list(table["exato (SymPy)"]) == [f"{v:.10g}" for v in core.gradient_exact]
    assert metrics(at)["Curvatura em p"] == "mínimo"
    latex = " ".join(el.value for el in at.latex)
    assert "2 x" in latex and "2 y" in latex and r"\begin{pmatrix}" in latex
    chart = specs(at)["grad_chart"]
    assert len(json.dumps(chart)) <= SPEC_LIMIT
    assert any("SGD" in n for n in names(at, "grad_chart")) and any("autovetor" in n for n in names(at, "grad_chart"))
    assert specs(at)["grad_loss"]["layout"]["yaxis"]["type"] == "log"
    assert any("torch.optim.Adam([p], lr=0.1)" in c.value for c in at.code)
    # the path drawn is core's path
    sgd = descend(bowl.text, bowl.start, optimizer="sgd", lr=bowl.lr, steps=bowl.steps)
    drawn = next(tr for tr in chart["data"] if tr.get("name", "").startswith("SGD (lr"))
    assert np.allclose(array(drawn["x"])[:5], sgd.path[:5, 0], rtol=0, atol=1e-12)


def test_opens_in_english():
    at = open_page(PAGE, lang="en")
    assert_fine(at)
    assert at.title[0].value.startswith("Gradients")
    assert at.text_input(key="grad_expr").label == "f(x, y) ="
    assert metrics(at)["Curvature at p"] == "minimum"
    assert "Optimizer race" in [h.value for h in at.subheader]


def test_every_preset_then_every_optimizer():
    at = open_page(PAGE, lang="en")
    for name, preset in PRESETS.items():
        at.selectbox(key="grad_preset").set_value(name).run()
        assert_fine(at)
        assert at.text_input(key="grad_expr").value == preset.text
        core = hessian(preset.text, preset.start)
        assert metrics(at)["f(p)"] == f"{core.value:.6g}", name
        assert metrics(at)["Curvature at p"] == core.kind, name
    at.multiselect(key="grad_opts").set_value(list(OPTIMIZERS)).run()
    assert not at.exception
    assert len(names(at, "grad_loss")) == len(OPTIMIZERS)
    assert len(at.code[0].value.split("opt = torch.optim.")) == len(OPTIMIZERS) + 1


def test_bad_expression_is_a_message_and_the_page_recovers():
    at = open_page(PAGE)
    at.text_input(key="grad_expr").set_value("x +* y").run()
    assert not at.exception
    assert len(at.error) == 1
    at.text_input(key="grad_expr").set_value("__import__('os')").run()
    assert not at.exception and len(at.error) == 1
    at.text_input(key="grad_expr").set_value("sin(x)*cos(y)").run()
    assert_fine(at)


def test_just_above_the_stable_step_diverges_with_a_message():
    at = open_page(PAGE, lang="en")
    at.selectbox(key="grad_preset").set_value("ill_bowl").run()
    assert any("2/λmax = 0.1" in i.value for i in at.info)  # λmax = 20 for x**2 + 10*y**2
    at.toggle(key="grad_above").set_value(True).run()
    assert not at.exception
    # |1 - 0.105·20| = 1.1: f grows by 1.21 a step; core's values say from where to where
    run = descend("x**2 + 10*y**2", (2.5, 1.5), optimizer="sgd", lr=0.105, steps=PRESETS["ill_bowl"].steps)
    note = next(w.value for w in at.warning if "just above" in w.value)
    assert "= 1.1 > 1" in note and f"from {run.values[0]:.4g} to {run.values[-1]:.4g}" in note
    assert run.values[-1] > 1e6 * run.values[0]
    at.number_input(key="grad_steps").set_value(200).run()  # long enough to leave |coordinate| <= 1e6
    run = descend("x**2 + 10*y**2", (2.5, 1.5), optimizer="sgd", lr=0.105, steps=200)
    assert run.diverged
    assert any("diverged" in w.value and f"step {run.stopped_at}" in w.value for w in at.warning)


def test_widgets_at_their_bounds():
    at = open_page(PAGE, lang="en")
    for key, value in (("grad_points", 2), ("grad_lr", 10.0), ("grad_steps", 1), ("grad_px", 1000.0), ("grad_py", -1000.0)):
        at.number_input(key=key).set_value(value).run()
        assert not at.exception, key
    at.slider(key="grad_angle").set_value(360.0).run()
    at.button(key="grad_start_here").click().run()  # the race starts at p = (1000, -1000), the largest start allowed
    assert (at.number_input(key="grad_sx").value, at.number_input(key="grad_sy").value) == (1000.0, -1000.0)
    assert not at.exception
    at.number_input(key="grad_points").set_value(5000).run()  # beyond the box's range: clamped, with a notice
    assert not at.exception
    assert any("5000" in w.value and "1\u202f000" in w.value for w in at.warning)
    at.number_input(key="grad_xmin").set_value(5.0).run()  # x from > x to: core's message
    assert not at.exception and at.error


def test_link_restores_the_view_and_the_share_link_holds_it():
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    query = {"grad_expr": "x**2 - y**2", "grad_px": "0.5", "grad_opts": "adam,sgd", "grad_lr": "0.02", "lang": "en"}
    for k, v in query.items():
        at.query_params[k] = v
    at.run()
    at.switch_page(f"pages/{PAGE}").run()
    assert_fine(at)
    assert at.text_input(key="grad_expr").value == "x**2 - y**2"
    assert at.multiselect(key="grad_opts").value == ["adam", "sgd"]
    assert metrics(at)["Curvature at p"] == "saddle"
    link = next(c.value for c in at.sidebar.code if "grad_expr=" in c.value)
    values = parse_qs(urlparse(link).query)
    assert values["grad_opts"] == ["adam,sgd"] and values["grad_px"] == ["0.5"] and values["grad_lr"] == ["0.02"]
    assert not [w for w in at.warning if "link" in w.value.lower()]


@pytest.mark.parametrize("bad", ["grad_opts=adam,lbfgs"])
def test_bad_optimizer_in_the_link_gets_a_notice(bad):
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    key, raw = bad.split("=")
    at.query_params[key] = raw
    at.run()
    at.switch_page(f"pages/{PAGE}").run()
    assert not at.exception
    assert at.multiselect(key="grad_opts").value == ["adam"]
    assert any(bad in w.value for w in at.warning)


def test_the_longest_race_runs_within_the_interaction():
    """steps at its maximum (10,000) for every optimizer the page starts with: no exception, and
    each path drawn has all its points (or stops where core says it diverged)."""
    at = open_page(PAGE, lang="en")
    at.number_input(key="grad_steps").set_value(10_000).run()
    assert_fine(at)
    chosen = at.multiselect(key="grad_opts").value
    assert chosen
    loss = specs(at)["grad_loss"]
    assert len(loss["data"]) >= len(chosen)
