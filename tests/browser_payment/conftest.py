"""Paying in Chromium runs on the browser fixtures of `tests/browser/` (Debian's Chromium, the
live server with the county seed, the screenshots folder)."""

from tests.browser.conftest import browser, screenshots, seeded  # noqa: F401
