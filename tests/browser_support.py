"""What the tests in a real browser share: Debian's Chromium, driven by Playwright."""

import os
import shutil
from contextlib import contextmanager

import pytest
from playwright.sync_api import sync_playwright

CHROMIUM = shutil.which("chromium")  # Debian's package; .ci/run installs it
# A developer's machine may lack the browser and says so; CI installs it, so there a missing
# browser fails the run instead of skipping the tests.
needs_chromium = pytest.mark.skipif(
    CHROMIUM is None and not os.environ.get("CI"),
    reason="Debian's chromium is not installed (apt-get install chromium)",
)
PHONE, DESKTOP = {"width": 360, "height": 740}, {"width": 1280, "height": 800}


@contextmanager
def chromium_browser():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM)
        yield browser
        browser.close()
