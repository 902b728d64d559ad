"""The end-to-end flow runs on the browser fixtures of `tests/browser/` (Debian's Chromium,
the live server with the county seed, screenshots folder) and reads SMS codes from the log
as the account tests do."""

from tests.accounts.conftest import sms  # noqa: F401
from tests.browser.conftest import browser, screenshots, seeded  # noqa: F401
