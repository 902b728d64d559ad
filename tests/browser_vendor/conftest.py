"""The vendor workspace in Chromium runs on the browser fixtures of `tests/browser/` (Debian's
Chromium, the screenshots folder) and the two cooperatives of `tests/vendordesk/`."""

from tests.browser.conftest import browser, screenshots  # noqa: F401
from tests.vendordesk.conftest import world  # noqa: F401
