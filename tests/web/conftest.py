"""Portal tests: a real server on a free port, and Debian's chromium driven by Playwright.

Browser tests run on SQLite only (the services under the pages are tested on both stores);
they need /usr/bin/chromium (`.ci/run` installs it) and are skipped without it unless
``CI`` is set, where a missing browser fails the run.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from typing import Any

import pytest
from litestar.testing import TestClient

from eport.bootstrap import EPort
from eport.entrypoints.api.app import create_app
from eport.entrypoints.demo import _server
from eport.entrypoints.seed import DEMO_PASSWORD, set_demo_passwords

CHROMIUM = os.environ.get("EPORT_CHROMIUM", "/usr/bin/chromium")


@pytest.fixture
def backend() -> str:
    return "sqlite"


@pytest.fixture
def portal_eport(eport: EPort) -> EPort:
    eport.ensure_ca()
    set_demo_passwords(eport)
    return eport


@pytest.fixture
def web(portal_eport: EPort) -> Iterator[TestClient[Any]]:
    """An HTTP client for the portal (no browser): cookies kept, redirects not followed."""
    with TestClient(create_app(portal_eport, manage_lifecycle=False)) as client:
        portal_eport.start()
        yield client


def csrf(client: TestClient[Any], path: str = "/login") -> str:
    page = client.get(path)
    found = re.search(r'name="_csrf_token" value="([^"]+)"', page.text)
    assert found, page.text[:500]
    return found.group(1)


def log_in(client: TestClient[Any], email: str) -> None:
    r = client.post(
        "/login",
        data={"email": email, "password": DEMO_PASSWORD, "_csrf_token": csrf(client)},
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text


@pytest.fixture
def base_url(portal_eport: EPort) -> Iterator[str]:
    """The portal served by uvicorn on a free port."""
    with _server(portal_eport) as base:
        yield base


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not shutil.which(CHROMIUM) and not os.path.exists(CHROMIUM):
        if os.environ.get("CI"):
            pytest.fail(f"no chromium at {CHROMIUM}: .ci/run installs Debian's chromium")
        pytest.skip(f"no chromium at {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=["--no-sandbox", "--disable-background-networking", "--disable-component-update"],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Any, base_url: str) -> Iterator[Any]:
    context = browser.new_context(base_url=base_url, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def browser_log_in(page: Any, email: str) -> None:
    page.goto("/login")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Log in").last.click()
    page.wait_for_url(re.compile(r"/portal"))
