"""Headless Chromium for tests of what a person looks at: Debian's chromium, driven by Playwright.

Playwright's Python wheel carries its driver; the browser is Debian's package (installed by
`make setup`), so nothing is downloaded at test time. The flags keep Chromium from reaching for
Google's hosts, which this machine's closed network refuses.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest

CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


def chromium_path() -> str:
    """The Debian Chromium binary; fails the test with the install command when it is missing."""
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        pytest.fail(
            "headless Chromium not found: `apt-get install chromium` (make setup does it as root)"
        )
    return found


@dataclass
class PageLog:
    """What the page said while it ran: console errors, uncaught exceptions, failed requests."""

    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)

    @property
    def problems(self) -> list[str]:
        return [*self.console_errors, *self.page_errors, *self.failed_requests]


@contextmanager
def chromium_page(viewport: tuple[int, int] = (1280, 900)) -> Iterator[tuple[object, PageLog]]:
    """A fresh headless page and the log of its errors; the browser closes on exit."""
    from playwright.sync_api import sync_playwright

    log = PageLog()
    with sync_playwright() as driver:
        browser = driver.chromium.launch(
            executable_path=chromium_path(), headless=True, args=CHROMIUM_FLAGS
        )
        try:
            page = browser.new_page(viewport={"width": viewport[0], "height": viewport[1]})
            page.on(
                "console",
                lambda message: message.type == "error" and log.console_errors.append(message.text),
            )
            page.on("pageerror", lambda error: log.page_errors.append(str(error)))
            page.on(
                "requestfailed",
                lambda request: log.failed_requests.append(f"{request.url}: {request.failure}"),
            )
            yield page, log
        finally:
            browser.close()


def save_screenshot(page: object, path: Path) -> Path:
    """A full-page PNG kept as a test artifact."""
    path.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(path), full_page=True)  # type: ignore[attr-defined]
    return path
