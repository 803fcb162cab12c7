import os
import shutil

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _fresh_cache():
    # Login throttling and other counters live in the cache; tests must not share them,
    # nor the exam's memory of sittings (test databases reuse primary keys).
    from carboncert.exams.services import forget_remembered

    cache.clear()
    forget_remembered()
    yield
    cache.clear()
    forget_remembered()


@pytest.fixture
def client():
    """The test client, with the exam's hot path in front as in production (wsgi.py)."""
    from carboncert.testing import ProductionClient

    return ProductionClient()


@pytest.fixture(scope="session")
def live_server(request):
    """pytest-django's live server, through the production WSGI stack (the exam hot path)."""
    from carboncert.testing import production_live_server

    addr = (
        request.config.getvalue("liveserver")
        or os.environ.get("DJANGO_LIVE_TEST_SERVER_ADDRESS")
        or "localhost"
    )
    server = production_live_server(addr)
    yield server
    server.stop()


@pytest.fixture
def media(settings, tmp_path):
    """Stored files (snapshots, photos, PDFs) go to this test's own folder, not the private
    one."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path},
        },
    }
    return tmp_path


@pytest.fixture
def catalogue(db):
    from carboncert.catalog.services import load_catalogue

    load_catalogue()


@pytest.fixture
def admin_user(db):
    from carboncert import testing

    return testing.administrator()


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


# --- browser tests -----------------------------------------------------------

BROWSER_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    "--use-fake-ui-for-media-stream",
    "--use-fake-device-for-media-stream",
]
_browser_skips: list[str] = []


def chromium_path() -> str | None:
    path = (
        os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    )
    return path if path and os.access(path, os.X_OK) else None


@pytest.fixture(scope="session")
def browser():
    path = chromium_path()
    if path is None:
        if os.environ.get("CI"):
            pytest.fail(
                "CI must run the browser tests, but no Chromium was found (apt-get install chromium)"
            )
        _browser_skips.append("chromium not found")
        pytest.skip("no Chromium on this machine (apt-get install chromium)")
    # Playwright's sync API runs an event loop in this thread; Django's ORM
    # refuses to run beside one unless told the tests know what they do.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=path, args=BROWSER_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def new_page(browser):
    """Another person at another computer: a browser context of their own."""
    contexts = []

    def open_page(*, permissions=(), origin=None, init_script=None):
        context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai")
        if permissions:
            context.grant_permissions(list(permissions), origin=origin)
        if init_script:
            context.add_init_script(init_script)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        return page

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page):
    return new_page()


@pytest.hookimpl(trylast=True)
def pytest_terminal_summary(terminalreporter):
    # Parallel workers skip in their own processes: the reports reach this one.
    skipped = terminalreporter.stats.get("skipped", [])
    if _browser_skips or any("no Chromium" in str(r.longrepr) for r in skipped):
        banner = "!" * 78
        terminalreporter.write_line(banner, red=True, bold=True)
        terminalreporter.write_line(
            "BROWSER TESTS SKIPPED: no Chromium found. Install Debian's `chromium` "
            "(or set CHROMIUM=/path) to run them; CI always does.",
            red=True,
            bold=True,
        )
        terminalreporter.write_line(banner, red=True, bold=True)
