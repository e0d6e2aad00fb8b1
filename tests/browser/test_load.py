"""The CI-sized load test: 5 concurrent browser sessions tour every lab with zero errors."""

import subprocess
import sys

import pytest

from tests.browser.conftest import ARTIFACTS
from tests.conftest import ROOT

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_five_concurrent_sessions_tour_every_lab_without_errors(browser):
    # the browser fixture only proves Chromium and Playwright are here (or fails under CI)
    out = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "load_test.py"), "--sessions", "5", "--timeout", "240"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=900,
    )
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "load-test-5.txt").write_text(out.stdout + out.stderr)
    assert "errors: 0" in out.stdout, out.stdout[-3000:] + out.stderr[-2000:]
    assert out.returncode == 0
    assert "interaction -> updated chart" in out.stdout
