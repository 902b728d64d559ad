"""Browser tests: pytest + Playwright's sync API driving Debian's Chromium (/usr/bin/chromium,
headless) against pytest-django's live server with the county seed loaded.

Playwright's own browser downloads are never used; CI installs Debian's `chromium` package
(.ci/run). Without /usr/bin/chromium the tests skip with the reason. Screenshots go to
$BROWSER_SCREENSHOTS when set, else to test-artifacts/screenshots/ in the repository (ignored by
git), so a CI run leaves them on disk as artifacts.
"""

from __future__ import annotations

import mimetypes
import os
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from backend.celery import app as celery_app

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


# One Playwright driver and one Chromium per test process. The fixture below is imported by
# the conftest of every browser test folder, and pytest keeps a separate session fixture per
# folder: a second `sync_playwright()` while the first is open fails ("Sync API inside the
# asyncio loop"), so every copy of the fixture shares this one, counted, and the last one out
# closes it.
_shared: dict = {"users": 0}


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.skip("Debian's Chromium is not at /usr/bin/chromium (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    if _shared["users"] == 0:
        # Playwright's sync API keeps an event loop in this thread; the test's own ORM calls
        # (seeding, assertions) are still synchronous, so Django's async guard is lifted here.
        _shared["saved"] = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
        _shared["playwright"] = sync_playwright().start()
        _shared["chromium"] = _shared["playwright"].chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS
        )
    _shared["users"] += 1
    try:
        yield _shared["chromium"]
    finally:
        _shared["users"] -= 1
        if _shared["users"] == 0:
            _shared.pop("chromium").close()
            _shared.pop("playwright").stop()
            saved = _shared.pop("saved")
            if saved is None:
                os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
            else:
                os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = saved


REPOSITORY = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def screenshots() -> Path:
    folder = os.environ.get("BROWSER_SCREENSHOTS")
    path = Path(folder) if folder else REPOSITORY / "test-artifacts" / "screenshots"
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture
def seeded(transactional_db, live_server):
    """The county seed in the database (thumbnails made in-process), served by the live
    server; returns the server's base URL."""
    saved = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    try:
        call_command("seed_catalog", stdout=StringIO())
    finally:
        celery_app.conf.task_always_eager = saved
    return live_server.url


def _serve_media(route) -> None:
    """The live server does not serve uploaded media (DEBUG is off in tests); the browser gets
    them from MEDIA_ROOT, as the web server or object storage does in production."""
    url = route.request.url
    relative = url.split("/media/", 1)[1].split("?", 1)[0]
    root = Path(settings.MEDIA_ROOT).resolve()
    path = (root / relative).resolve()
    if root not in path.parents or not path.is_file():
        route.fulfill(status=404, body="")
        return
    content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    route.fulfill(status=200, body=path.read_bytes(), headers={"Content-Type": content_type})


def open_page(browser, *, viewport: dict, locale: str = "zh-CN"):
    context = browser.new_context(viewport=viewport, locale=locale)
    context.route("**/media/**", _serve_media)
    return context, context.new_page()
