import os
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
# CI runs as root on a closed network: no sandbox, and nothing that phones home.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts"

# Playwright's sync API runs an event loop in this thread; the test's own ORM
# calls are still plain synchronous code.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


def _watched_page(browser, **context_options):
    """A page that fails its test if the Content-Security-Policy refuses anything on it.

    Chromium reports each refusal on the console ("Refused to execute inline
    script because it violates ... Content Security Policy ..."): the whole
    browser suite runs under the site's real policy, so a page that relies on
    inline script or style, or on another origin, shows up here.
    """
    context = browser.new_context(viewport={"width": 1100, "height": 900}, **context_options)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.csp_violations = []
    page.on(
        "console",
        lambda message: (
            page.csp_violations.append(message.text)
            if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text
            else None
        ),
    )
    return context, page


@pytest.fixture
def page(browser):
    context, page = _watched_page(browser)
    yield page
    context.close()
    assert page.csp_violations == []


@pytest.fixture
def page_without_javascript(browser):
    context, page = _watched_page(browser, java_script_enabled=False)
    yield page
    context.close()
    assert page.csp_violations == []


def wait_until(page, expression: str, arg=None, *, timeout_ms: int = 15_000) -> None:
    """Poll `expression` until it is true. Playwright's wait_for_function compiles its predicate
    with eval in the page, which the site's Content-Security-Policy rightly refuses."""
    from playwright.sync_api import Error

    def holds() -> bool:
        try:
            return bool(page.evaluate(expression, arg))
        except Error:  # the page is navigating: ask the next one
            return False

    waited = 0
    while not holds():
        if waited >= timeout_ms:
            raise AssertionError(f"Still false after {timeout_ms} ms: {expression}")
        page.wait_for_timeout(50)
        waited += 50


@pytest.fixture
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
