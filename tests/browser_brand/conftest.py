"""The brand manager's pages in Chromium run on the browser fixtures of `tests/browser/`
(Debian's Chromium, the seeded live server, the screenshots folder)."""

from tests.browser.conftest import browser, screenshots, seeded  # noqa: F401
