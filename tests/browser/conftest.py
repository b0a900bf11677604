"""The browser walks' shared fixtures: one Chromium per session (tests/browser/walker.py launches it), the portal's
small world (tests/portal/world.py) and the demonstration (`seed_demo`), both on 1 September 2026."""

from io import StringIO

import pytest
from django.core.management import call_command

from tests.browser.walker import OPEN, launch
from tests.portal.world import make_spaces


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import expect, sync_playwright

    # expect(…) waits 5 s by default: the 30 s of Playwright's actions, on a loaded machine as anywhere.
    expect.set_options(timeout=30_000)
    with sync_playwright() as playwright:
        chromium = launch(playwright)
        yield chromium
        chromium.close()


@pytest.fixture
def world(today):
    today("2026-09-01")
    return make_spaces()


@pytest.fixture
def demonstration(today):
    today("2026-09-01")
    call_command("seed_demo", stdout=StringIO())


@pytest.fixture(autouse=True)
def _walks_closed():
    yield
    while OPEN:
        OPEN.pop().close()
