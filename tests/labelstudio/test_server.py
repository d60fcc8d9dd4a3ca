"""The local server: loopback only, a clean environment, secrets kept out of sight, the answering port."""

from __future__ import annotations

import socket
import stat
import time
from pathlib import Path

import pytest
from labelstudio_helpers import LiveServer, free_port

from akhbar.errors import UsageError
from akhbar.labelstudio import server as local

pytestmark = pytest.mark.labelstudio


def listening_addresses(port: int) -> set[str]:
    """Local addresses (hex, as /proc/net/tcp* shows them) of sockets listening on `port`."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            local_address, state = line.split()[1], line.split()[3]
            address, _, hex_port = local_address.rpartition(":")
            if state == "0A" and int(hex_port, 16) == port:
                found.add(address)
    return found


def environ_of(pid: int) -> dict[str, str]:
    raw = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
    return dict(item.decode().split("=", 1) for item in raw if b"=" in item)


def test_install_is_a_quick_no_op_when_the_venv_is_there(live: LiveServer) -> None:
    started = time.monotonic()
    assert local.install(live.server) is False
    assert time.monotonic() - started < 1
    assert (live.server.venv / "bin" / "label-studio").is_file()


def test_it_listens_on_loopback_only_and_keeps_its_files_in_its_folder(live: LiveServer) -> None:
    assert local.healthy(live.url)
    assert listening_addresses(live.port) == {"0100007F"}  # 127.0.0.1, not 0.0.0.0 nor ::
    assert (live.server.data / "label_studio.sqlite3").is_file()
    # Label Studio writes under HOME; HOME is the state folder's home/.
    assert (live.server.home / ".config" / "label-studio").is_dir()


def test_secrets_stay_in_a_private_file_never_on_a_command_line_or_in_the_log(live: LiveServer) -> None:
    mode = stat.S_IMODE(live.server.credentials_file.stat().st_mode)
    assert mode == 0o600
    status = local.status(live.server)
    assert status.pid is not None
    cmdline = Path(f"/proc/{status.pid}/cmdline").read_bytes().decode()
    log = live.server.log.read_text("utf-8", "replace")
    for secret in (live.creds.password, live.creds.api_key):
        assert len(secret) >= 20
        assert secret not in cmdline and secret not in log
    assert "--internal-host\x00127.0.0.1" in cmdline
    assert "password" not in repr(live.creds) and live.creds.api_key not in repr(live.creds)


def test_up_again_is_a_no_op(live: LiveServer) -> None:
    before = local.status(live.server)
    again = local.up(live.server, port=live.port)
    assert (again.pid, again.url, again.healthy) == (before.pid, before.url, True)


def test_a_busy_port_the_clean_environment_and_the_port_that_answers(
    live: LiveServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    busy = free_port()
    with socket.socket() as squatter:
        squatter.bind(("127.0.0.1", busy))
        squatter.listen()
        local.down(live.server)
        # Asked for exactly this port (LABEL_STUDIO_URL): refused before anything starts.
        with pytest.raises(UsageError, match=f"port {busy} on 127.0.0.1 is taken"):
            local.up(live.server, port=busy, exact=True)
        assert not local.status(live.server).running
        # Stray variables that Label Studio would read as its own settings.
        for name, value in {
            "USERNAME": "intruder@x",
            "PASSWORD": "intruder",
            "PORT": "1",
            "HOST": "http://x",
        }.items():
            monkeypatch.setenv(name, value)
        moved = local.up(live.server, port=busy)
    try:
        assert moved.url is not None and local.port_of(moved.url) != busy
        assert local.healthy(moved.url)
        assert moved.pid is not None
        environment = environ_of(moved.pid)
        assert not {"USERNAME", "PASSWORD", "PORT", "HOST"} & environment.keys()
        assert environment["HOME"] == str(live.server.home)
        assert environment["LABEL_STUDIO_COLLECT_ANALYTICS"] == "false"
        assert environment["LABEL_STUDIO_LATEST_VERSION_CHECK"] == "false"
        assert environment["LABEL_STUDIO_SENTRY_DSN"] == ""
    finally:
        local.down(live.server)
        monkeypatch.undo()
        live.restart()
    assert local.port_of(live.url) == live.port
