"""The accessibility scan runs on the browser fixtures of `tests/browser/` (Debian's Chromium,
the live server with the county seed, screenshots folder)."""

from tests.browser.conftest import browser, screenshots, seeded  # noqa: F401
