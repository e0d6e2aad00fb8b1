"""Every widget of every page, found by walking the page (not listed by hand), moved to its
minimum, its maximum, a value in between and every option, alone and after a bad input elsewhere
on the page. No exception may reach the page; out-of-range numbers get a notice, not a crash.

A widget added to a page is swept without touching this file. The labs' own sweep tests check
what each value must show; this one checks that no value, in any order, breaks a page.
"""

from __future__ import annotations

import pytest

from tests.app.conftest import open_page
from ui.frame import BOUNDS_KEY, lab_pages

PAGES = [path.removeprefix("pages/") for path, _, _ in lab_pages() if path.startswith("pages/")]
# text that no box of any page accepts: parser, shape and list boxes all refuse it
BAD_TEXT = "(((]"
# the performance lab's measurement is swept by its own tests; here its buttons stay unpressed,
# and a number box at its maximum never starts a run by itself
SLOW_KEYS = {"deriv_points": 20_000, "grad_points": 201, "grad_steps": 500}  # up to here; the maxima are in each page's own tests


def _as_label_setter(el):
    """Let ``set_value`` take an option's label: AppTest formats values with the page's own
    format_func, and a sweep knows the labels, not the values behind them."""
    cls = el.__class__
    el.__class__ = type(cls.__name__, (cls,), {"format_func": property(lambda self: str)})
    return el


def _widgets(at):
    """(kind, key) of every keyed widget on the page, sidebar excluded (the frame's own)."""
    found = []
    for kind in (
        "number_input",
        "slider",
        "select_slider",
        "selectbox",
        "radio",
        "button_group",
        "toggle",
        "checkbox",
        "text_input",
    ):
        for el in at.main.get(kind):
            key = getattr(el, "key", None)
            if key:
                found.append((kind, key))
    return found


def _find(at, kind, key):
    for el in at.main.get(kind):
        if getattr(el, "key", None) == key:
            return el
    return None


def _values(at, kind, el, key):
    """The values to try for one widget: bounds, a middle value, every option, bad text."""
    if kind == "number_input":
        low, high = at.session_state[BOUNDS_KEY].get(key, (None, None)) if BOUNDS_KEY in at.session_state else (None, None)
        if low is None:
            low, high = el.min if el.min is not None else -1e3, el.max if el.max is not None else 1e3
        high = min(high, SLOW_KEYS.get(key, high))
        mid = (low + high) / 2
        is_int = isinstance(el.value, int)
        mid = int(mid) if is_int else mid
        beyond = [high + 1, low - 1] if is_int else [high * 10 + 1, low * 10 - 1]
        return [low, mid, high, *beyond]
    if kind == "slider":
        lo, hi = el.min, el.max
        return [lo, (lo + hi) / 2 if isinstance(lo, float) else (lo + hi) // 2, hi]
    if kind == "select_slider":
        return [el.options[0], el.options[len(el.options) // 2], el.options[-1]]
    if kind in ("selectbox", "radio", "button_group"):
        return list(el.options)
    if kind in ("toggle", "checkbox"):
        return [True, False]
    if kind == "text_input":
        return [BAD_TEXT, ""]
    return []


def _set(el, kind, value):
    if kind in ("selectbox", "radio", "button_group", "select_slider"):
        return _as_label_setter(el).set_value(value)
    return el.set_value(value)


def _check(at, where: str) -> None:
    assert not at.exception, (where, [e.value for e in at.exception])


def _bad_input_key(at) -> str | None:
    """A text box of the page to put bad text in first (the first one found)."""
    boxes = [el.key for el in at.main.get("text_input") if getattr(el, "key", None)]
    return boxes[0] if boxes else None


def sweep(page: str, *, after_bad: bool, lang: str) -> int:
    at = open_page(page, lang=lang)
    _check(at, "open")
    runs = 0
    bad_key = _bad_input_key(at) if after_bad else None
    for kind, key in _widgets(at):
        el = _find(at, kind, key)
        if el is None or getattr(el, "disabled", False):
            continue  # drawn only in some states (a tab's inner control): the lab's own tests cover it
        for value in _values(at, kind, el, key):
            if bad_key and bad_key != key:
                box = _find(at, "text_input", bad_key)
                if box is not None:
                    box.set_value(BAD_TEXT).run()
                    _check(at, f"{bad_key}={BAD_TEXT!r}")
            el = _find(at, kind, key)
            if el is None:
                break  # the bad input hid it: the page stopped early, which is the point of that case
            _set(el, kind, value).run()
            runs += 1
            _check(at, f"{key}={value!r}" + (f" after {bad_key}={BAD_TEXT!r}" if bad_key else ""))
        if bad_key:
            at = open_page(page, lang=lang)  # a fresh page for the next widget
    return runs


@pytest.mark.parametrize("page", PAGES)
def test_every_widget_at_its_bounds(page):
    assert sweep(page, after_bad=False, lang="pt") > 0


@pytest.mark.parametrize("page", PAGES)
def test_every_widget_after_a_bad_input(page):
    sweep(page, after_bad=True, lang="en")


def test_the_sweep_finds_the_widgets():
    """The walk sees the derivatives page's controls (a sweep that finds nothing cannot fail)."""
    at = open_page("3_derivatives.py")
    keys = {key for _, key in _widgets(at)}
    assert {"deriv_expr", "deriv_points", "deriv_start", "deriv_stop", "deriv_dtype", "deriv_order", "deriv_x0"} <= keys
