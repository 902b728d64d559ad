"""The trace pages in Chromium run on the browser fixtures of `tests/browser/` (Debian's
Chromium, the screenshots folder, the seeded live server)."""

from tests.browser.conftest import browser, screenshots, seeded  # noqa: F401
