"""A real Label Studio for the whole test session, and small corpora (seed article plus synthetic ones).

The server runs from the checkout's server venv (installed through `akhbar labelstudio install`'s code
path when missing) with its own data folder and a free port, and is stopped at the end.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from browser_helpers import ARGS, CHROMIUM
from labelstudio_helpers import REPO, LiveServer, free_port

from akhbar.labelstudio import server as local
from akhbar.labelstudio.client import Connection
from akhbar.paths import Project


@pytest.fixture(scope="session")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    with pytest.MonkeyPatch.context() as patch:
        # The session's own credentials, whatever the developer's shell exports.
        for name in (
            "LABEL_STUDIO_URL",
            "LABEL_STUDIO_USERNAME",
            "LABEL_STUDIO_PASSWORD",
            "LABEL_STUDIO_API_KEY",
        ):
            patch.delenv(name, raising=False)
        # A project of its own whose local server this is, so the CLI finds it as `akhbar` would;
        # its venv is the checkout's, installed by the code path of `akhbar labelstudio install`.
        home = Project(tmp_path_factory.mktemp("home"))
        shared = local.Server.of(REPO)
        local.install(shared)
        home.state.joinpath("labelstudio").mkdir(parents=True)
        home.state.joinpath("labelstudio", "venv").symlink_to(shared.venv)
        server = local.Server.of(home)
        port = free_port()
        started = local.up(server, port=port)
        assert started.url is not None
        try:
            yield LiveServer(home, server, port, started.url, local.credentials(server))
        finally:
            local.down(server)


@pytest.fixture
def connection(live: LiveServer) -> Iterator[Connection]:
    with live.connection() as made:
        yield made


@pytest.fixture
def browser_page(live: LiveServer) -> Iterator[Any]:
    if not CHROMIUM.is_file():
        pytest.skip("Debian's chromium is not installed (bash scripts/setup.sh --browser)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            page.outside = []  # type: ignore[attr-defined]
            page.dialogs = []  # type: ignore[attr-defined]

            def loopback_only(route: Any) -> None:
                url = route.request.url
                if url.startswith((live.url, "data:", "blob:")):
                    route.continue_()
                else:
                    page.outside.append(url)  # type: ignore[attr-defined]
                    route.abort()

            page.route("**/*", loopback_only)
            page.on("dialog", lambda dialog: (page.dialogs.append(dialog.message), dialog.dismiss()))  # type: ignore[attr-defined]
            page.goto(f"{live.url}/user/login/")
            page.fill("input[name=email]", live.creds.username)
            page.fill("input[name=password]", live.creds.password)
            page.click("button[type=submit]")
            page.wait_for_url(lambda url: "/user/login" not in url)
            yield page
        finally:
            browser.close()
