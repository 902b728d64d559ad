"""The tourism pages in Chromium run on the browser fixtures of `tests/browser/`."""

from tests.browser.conftest import browser, screenshots, seeded  # noqa: F401
