"""Autograd's version counter: the real error for an in-place change, and the fix's gradient."""

from __future__ import annotations

import numpy as np

from core.performance.version_counter import version_counter_demo


def test_version_counter_error_is_the_real_message():
    demo = version_counter_demo()
    assert "modified by an inplace operation" in demo.error_message
    assert (demo.version_before, demo.version_after) == (0, 1)


def test_version_counter_fix_gives_right_gradient():
    demo = version_counter_demo()
    np.testing.assert_allclose(demo.fixed_grad, demo.expected_grad, rtol=1e-12)
