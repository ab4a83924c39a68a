"""Real-browser fixtures: a streamlit server on a free port, Debian's Chromium, a recording page.

Every test in this folder is marked ``browser`` (deselect with ``-m "not browser"``).
On failure the page is saved to ``test-artifacts/<test name>.png``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from localnet import StreamlitServer, start_streamlit
from playwright.sync_api import Browser, Page, sync_playwright

ROOT_DIR = Path(__file__).resolve().parents[2]
ARTIFACTS_DIR = ROOT_DIR / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SERVER_START_TIMEOUT_S = 60.0
VIEWPORT = {"width": 1400, "height": 1000}


def pytest_collection_modifyitems(config, items):
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.path).parents:
            item.add_marker(pytest.mark.browser)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the item so fixtures can see whether the test failed."""
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)


# ---------------------------------------------------------------- the server




def launch_server(
    env_overrides: dict[str, str] | None = None, log_dir: Path | None = None, script: str = "serve.py"
) -> StreamlitServer:
    """Start the app on a free port (``serve.py``: the app with its security headers); see ``start_streamlit``."""
    return start_streamlit(script, env_overrides, log_dir=log_dir, timeout_s=SERVER_START_TIMEOUT_S)


@pytest.fixture(scope="session")
def start_server(tmp_path_factory) -> Iterator[Callable[..., str]]:
    """Factory: ``start_server(env={...}, script=...)`` starts another server and returns its base URL.

    Every server started through it is stopped at the end of the session.
    """
    servers: list[StreamlitServer] = []

    def start(env: dict[str, str] | None = None, script: str = "serve.py") -> str:
        server = launch_server(env, log_dir=tmp_path_factory.mktemp("server-log"), script=script)
        servers.append(server)
        return server.base_url

    yield start
    for server in servers:
        server.stop()


@pytest.fixture(scope="module")
def start_servers(tmp_path_factory) -> Iterator[Callable[..., list[StreamlitServer]]]:
    """Factory: ``start_servers(count, env={...})`` starts servers side by side and returns them.

    For tests that stop a server themselves; the rest are stopped at the end of the module.
    """
    servers: list[StreamlitServer] = []

    def start(count: int, env: dict[str, str] | None = None, script: str = "serve.py") -> list[StreamlitServer]:
        log_dirs = [tmp_path_factory.mktemp("server-log") for _ in range(count)]
        with ThreadPoolExecutor(max_workers=count) as pool:
            started = list(pool.map(lambda log_dir: launch_server(env, log_dir=log_dir, script=script), log_dirs))
        servers.extend(started)
        return started

    yield start
    for server in servers:
        server.stop()


@pytest.fixture()
def launch(tmp_path_factory) -> Iterator[Callable[..., StreamlitServer]]:
    """Factory for servers a test stops and starts itself (``server.stop()``), e.g. to restart one.

    Any still running at the end of the test are stopped.
    """
    servers: list[StreamlitServer] = []

    def start(env: dict[str, str] | None = None, script: str = "serve.py") -> StreamlitServer:
        server = launch_server(env, log_dir=tmp_path_factory.mktemp("server-log"), script=script)
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()


@pytest.fixture(scope="session")
def base_url(start_server) -> str:
    """The app with its bundled geodata."""
    return start_server()


# ---------------------------------------------------------------- the browser


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


# What Streamlit says when a component frame it no longer knows sends a message.
LOST_FRAME = "unregistered ComponentInstance"


@dataclass
class PageLog:
    """What the page did: console errors, uncaught exceptions, requests, dialogs."""

    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    websockets: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    # Messages from a map frame the page no longer knows: the frame was reloaded (moved in the
    # page) and stays collapsed at height 0 for the user.
    lost_frames: list[str] = field(default_factory=list)


@pytest.fixture()
def page_log() -> PageLog:
    return PageLog()


def _artifact_name(nodeid_name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", nodeid_name)


@pytest.fixture()
def page(browser: Browser, page_log: PageLog, request) -> Iterator[Page]:
    """A fresh browser context and page that records into ``page_log``.

    Dialogs are recorded and dismissed (a pending dialog would freeze the page).
    """
    context = browser.new_context(viewport=VIEWPORT)
    context.set_default_timeout(20_000)
    page = context.new_page()

    def on_console(message) -> None:
        if message.type == "error":
            page_log.console_errors.append(f"{message.text} @ {message.location.get('url', '')}")
        elif LOST_FRAME in message.text:
            page_log.lost_frames.append(message.text)

    def on_dialog(dialog) -> None:
        page_log.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    page.on("console", on_console)
    page.on("pageerror", lambda error: page_log.page_errors.append(str(error)))
    page.on("request", lambda req: page_log.requests.append(req.url))
    page.on("websocket", lambda ws: page_log.websockets.append(ws.url))
    page.on("dialog", on_dialog)
    yield page
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        ARTIFACTS_DIR.mkdir(exist_ok=True)
        try:
            page.screenshot(path=str(ARTIFACTS_DIR / f"{_artifact_name(request.node.name)}.png"), full_page=True)
        except Exception as exc:  # a screenshot must never hide the real failure
            print(f"screenshot failed: {exc!r}")
    context.close()
    # Every browser test also checks that no map frame was cut off from the page on the way.
    assert page_log.lost_frames == [], f"a map frame lost its link to the page: {page_log.lost_frames[:2]}"
