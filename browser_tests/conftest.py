"""Fixtures for the browser tests: Playwright (sync API) driving Debian's Chromium.

Every test in this directory gets the ``browser`` marker automatically. The
browser is never downloaded: Playwright launches /usr/bin/chromium (install it
with ``apt-get install -y chromium``); without it the tests skip on a laptop and
fail under CI=true (testsupport.services.require_service).

Helpers, all fixtures:
- ``page``: a fresh browser context and page whose base URL is ``live_server``;
- ``axe_check(page, name)``: runs axe and fails on any serious or critical violation;
- ``screenshot(page, name)``: saves ``var/screenshots/<name>.png``;
- ``shoot(page, name)``: both of the above, the usual call after each page;
- ``outbox_link(email)``: the first link in the newest outbox e-mail to ``email``.

And ``log_in(page, email)``, a plain function: log in with the cast's password
and land on the dashboard.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.conf import settings

from testsupport.services import require_service

# Playwright's sync API runs an event loop in the test thread; Django would
# otherwise refuse the test's own database queries as "async unsafe".
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path(os.environ.get("GESTOR_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"
BLOCKING_IMPACTS = {"serious", "critical"}
HERE = Path(__file__).resolve().parent


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if HERE in Path(item.path).resolve().parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    require_service(
        "Chromium",
        CHROMIUM.exists(),
        f"{CHROMIUM} not found (apt-get install -y chromium)",
    )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Any, live_server: Any) -> Iterator[Any]:
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 1280, "height": 900}, locale="en-GB"
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()


def _axe_check(page: Any, name: str = "") -> None:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    blocking = [v for v in results.response["violations"] if v.get("impact") in BLOCKING_IMPACTS]
    if blocking:
        lines = [f"axe found serious/critical violations on {name or page.url}:"]
        for violation in blocking:
            lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']}")
            for node in violation["nodes"][:5]:
                lines.append(f"    {node['target']}: {node.get('failureSummary', '')}")
        pytest.fail("\n".join(lines))


def _screenshot(page: Any, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


@pytest.fixture
def axe_check() -> Callable[..., None]:
    return _axe_check


@pytest.fixture
def screenshot() -> Callable[[Any, str], Path]:
    return _screenshot


@pytest.fixture
def shoot() -> Callable[[Any, str], Path]:
    """Screenshot the page, then check it with axe."""

    def shoot(page: Any, name: str) -> Path:
        path = _screenshot(page, name)
        _axe_check(page, name)
        return path

    return shoot


def log_in(page: Any, email: str, password: str = "") -> None:
    from playwright.sync_api import expect

    from testsupport.cast import TEST_PASSWORD

    page.goto("/accounts/login/")
    page.locator("input[type=email]").fill(email)
    page.locator("input[type=password]").fill(password or TEST_PASSWORD)
    page.locator("form button[type=submit]").last.click()
    expect(page).to_have_url(re.compile(r"/$"))


URL = re.compile(r"https?://[^\s<>\"']+")


def newest_email_link(email: str, contains: str = "") -> str:
    """The first link (containing ``contains``) in the newest outbox e-mail to ``email``.

    Returned as path and query, so that ``page.goto`` opens it on the live server.
    """
    from core.models import OutboxEmail

    message = OutboxEmail.objects.filter(to__iexact=email).order_by("-created_at", "-id").first()
    assert message is not None, f"no e-mail in the outbox for {email}"
    links = [link for link in URL.findall(message.body_text) if contains in link]
    assert links, f"no link with {contains!r} in {message.subject!r}:\n{message.body_text}"
    parts = urlsplit(links[0])
    return parts.path + (f"?{parts.query}" if parts.query else "")


@pytest.fixture
def outbox_link() -> Callable[..., str]:
    return newest_email_link
