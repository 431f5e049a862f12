"""Browser fixtures: the app served by uvicorn on a free port, driven by Debian's headless Chromium.

``live_server`` yields the base URL; ``browser`` is one Chromium per test session; ``page`` a fresh context
(optionally phone-sized via ``new_page(viewport=...)``). Tests using them are marked ``browser``.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from typing import Any

import pytest
import uvicorn
from tests.live_server import running_server

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture
def live_server(app: Any) -> Iterator[str]:
    with running_server(uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning")) as url:
        yield url


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    executable = shutil.which("chromium") or "/usr/bin/chromium"
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def new_page(browser: Any) -> Iterator[Any]:
    """Factory for pages in fresh contexts: ``new_page(viewport={"width": 390, "height": 844})``."""
    contexts: list[Any] = []

    def make(**context_kw: Any) -> Any:
        ctx = browser.new_context(locale="zh-CN", **context_kw)
        contexts.append(ctx)
        return ctx.new_page()

    yield make
    for ctx in contexts:
        ctx.close()


@pytest.fixture
def page(new_page: Any) -> Any:
    return new_page()
