"""The local Label Studio server: installed in its own venv, run on 127.0.0.1 from a project-local folder.

(One module of about 370 lines, by intent: installing, starting and stopping one server process and its
state folder belong together.)

Everything lives under one state folder (default `.akhbar/labelstudio/`, git-ignored):
  venv/               the pinned server, apart from the project's own environment (it pins other pyarrow)
  data/               SQLite database, uploads, exports
  home/               HOME of the server process, so it writes nothing to the user's ~/.config
  server.log          its output, appended at each start
  server.json         pid and URL of the running server
  credentials.json    generated admin credentials, mode 0600

Secrets reach the server only through its environment, never its command line, and are never printed.
"""

from __future__ import annotations

import contextlib
import ipaddress
import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from akhbar.errors import UsageError
from akhbar.paths import Project

VERSION = "1.23.2"
DEFAULT_PORT = 8080
DEFAULT_USERNAME = "admin@akhbar.local"
START_TIMEOUT = 240.0
STOP_TIMEOUT = 20.0
_STARTED = re.compile(rb"Starting development server at http://[^:/]+:(\d+)/")
# The loopback opener: a proxy from the environment must never see traffic to the local server.
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))
# Servers started by this process, kept so that stopping one also collects its exit status.
_CHILDREN: dict[int, subprocess.Popen[bytes]] = {}


@dataclass(frozen=True)
class Credentials:
    username: str
    password: str = field(repr=False)
    api_key: str = field(repr=False)


@dataclass(frozen=True)
class Server:
    """The files of one local server; tests give each session its own `root` and share the venv."""

    root: Path
    venv: Path

    @classmethod
    def of(cls, project: Project) -> Server:
        root = project.state / "labelstudio"
        return cls(root=root, venv=root / "venv")

    @property
    def data(self) -> Path:
        return self.root / "data"

    @property
    def home(self) -> Path:
        return self.root / "home"

    @property
    def log(self) -> Path:
        return self.root / "server.log"

    @property
    def state_file(self) -> Path:
        return self.root / "server.json"

    @property
    def credentials_file(self) -> Path:
        return self.root / "credentials.json"

    @property
    def executable(self) -> Path:
        return self.venv / "bin" / "label-studio"

    @property
    def _stamp(self) -> Path:
        return self.venv / f".akhbar-label-studio-{VERSION}"


@dataclass(frozen=True)
class Status:
    running: bool
    pid: int | None = None
    url: str | None = None
    healthy: bool = False


def is_loopback(url: str) -> bool:
    host = urllib.parse.urlsplit(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def port_of(url: str) -> int:
    parts = urllib.parse.urlsplit(url)
    if parts.port is not None:
        return parts.port
    return 443 if parts.scheme == "https" else 80


def healthy(url: str, timeout: float = 2.0) -> bool:
    try:
        with _OPENER.open(url.rstrip("/") + "/health", timeout=timeout) as response:
            return response.status == 200 and b'"UP"' in response.read()
    except (OSError, urllib.error.URLError):
        return False


def install(server: Server, *, quiet: bool = True) -> bool:
    """Create the server's venv with label-studio pinned; True if it installed, False if already there."""
    if server._stamp.is_file() and server.executable.is_file():
        return False
    server.venv.parent.mkdir(parents=True, exist_ok=True)
    # The base interpreter, not this venv's: the server's venv must not inherit the project's packages.
    python = getattr(sys, "_base_executable", None) or sys.executable
    if not (server.venv / "bin" / "python").is_file():
        _run([python, "-m", "venv", str(server.venv)], "creating the server venv")
    pip = [str(server.venv / "bin" / "python"), "-m", "pip", "install", *(["--quiet"] if quiet else [])]
    _run([*pip, f"label-studio=={VERSION}"], f"installing label-studio {VERSION}")
    server._stamp.touch()
    return True


def _run(command: list[str], what: str) -> None:
    result = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, check=False)
    if result.returncode != 0:
        tail = result.stdout.decode("utf-8", "replace").strip().splitlines()[-15:]
        raise UsageError(f"{what} failed (exit {result.returncode}):\n" + "\n".join(tail))


_CREDENTIAL_ENV = {
    "username": "LABEL_STUDIO_USERNAME",
    "password": "LABEL_STUDIO_PASSWORD",
    "api_key": "LABEL_STUDIO_API_KEY",
}


def stored_credentials(server: Server) -> Credentials | None:
    """Each field from its LABEL_STUDIO_* variable, else from the credentials file; None if incomplete."""
    stored: dict[str, str] = {}
    if server.credentials_file.is_file():
        try:
            stored = json.loads(server.credentials_file.read_text("utf-8"))
        except (OSError, ValueError) as error:
            raise UsageError(
                f"{server.credentials_file} is unreadable ({error}); remove it to regenerate"
            ) from None
    values = {
        name: os.environ.get(variable) or stored.get(name) for name, variable in _CREDENTIAL_ENV.items()
    }
    if not all(isinstance(value, str) and value for value in values.values()):
        return None
    return Credentials(**values)  # type: ignore[arg-type]


def credentials(server: Server) -> Credentials:
    """The local server's admin credentials; what the environment does not give is generated once (0600)."""
    found = stored_credentials(server)
    if found is not None:
        return found
    generated = {
        "username": DEFAULT_USERNAME,
        "password": secrets.token_urlsafe(18),
        # A legacy token is 40 hex characters; the server takes it at its first start.
        "api_key": secrets.token_hex(20),
    }
    _write_private(server.credentials_file, json.dumps(generated, indent=1) + "\n")
    return Credentials(
        **{name: os.environ.get(variable) or generated[name] for name, variable in _CREDENTIAL_ENV.items()}
    )


def _write_private(path: Path, content: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(content)
    os.replace(tmp, path)


def server_environment(server: Server, creds: Credentials) -> dict[str, str]:
    """A clean environment: Label Studio reads bare USERNAME, PASSWORD, PORT, HOST; nothing is inherited."""
    home = server.home
    return {
        "PATH": f"{server.venv / 'bin'}:/usr/local/bin:/usr/bin:/bin",
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / ".config"),
        "XDG_DATA_HOME": str(home / ".local" / "share"),
        "XDG_CACHE_HOME": str(home / ".cache"),
        "TMPDIR": os.environ.get("TMPDIR", "/tmp"),
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
        "PYTHONUNBUFFERED": "1",
        "LABEL_STUDIO_BASE_DATA_DIR": str(server.data),
        "LABEL_STUDIO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "LABEL_STUDIO_DISABLE_SIGNUP_WITHOUT_LINK": "true",
        "LABEL_STUDIO_ENABLE_LEGACY_API_TOKEN": "true",
        # No error reports, version checks, telemetry or remote feature flags.
        "LABEL_STUDIO_SENTRY_DSN": "",
        "LABEL_STUDIO_FRONTEND_SENTRY_DSN": "",
        "LABEL_STUDIO_LATEST_VERSION_CHECK": "false",
        "LABEL_STUDIO_COLLECT_ANALYTICS": "false",
        "LABEL_STUDIO_FEATURE_FLAGS_OFFLINE": "true",
        "LABEL_STUDIO_USERNAME": creds.username,
        "LABEL_STUDIO_PASSWORD": creds.password,
        "LABEL_STUDIO_USER_TOKEN": creds.api_key,
    }


def status(server: Server) -> Status:
    pid, url = _recorded(server)
    if pid is None:
        return Status(running=False)
    return Status(running=True, pid=pid, url=url, healthy=bool(url) and healthy(url))


def _recorded(server: Server) -> tuple[int | None, str | None]:
    """The pid and URL in the state file, if that pid still runs this server."""
    try:
        saved = json.loads(server.state_file.read_text("utf-8"))
    except (OSError, ValueError):
        return None, None
    pid, url = saved.get("pid"), saved.get("url")
    if not isinstance(pid, int) or not _alive(server, pid):
        return None, None
    return pid, url if isinstance(url, str) else None


def _is_ours(server: Server, pid: int) -> bool:
    """The pid is alive and runs this server's label-studio (pids get reused)."""
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False
    return str(server.executable).encode() in cmdline


def _alive(server: Server, pid: int) -> bool:
    # A child of ours is asked directly: between fork and exec its cmdline is still this program's.
    child = _CHILDREN.get(pid)
    return child.poll() is None if child is not None else _is_ours(server, pid)


def _port_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        return probe.connect_ex(("127.0.0.1", port)) != 0


def up(
    server: Server, *, port: int = DEFAULT_PORT, exact: bool = False, timeout: float = START_TIMEOUT
) -> Status:
    """Install if needed, start in the background, wait for /health; the URL is the port that answers.

    Label Studio silently moves to the next free port when `port` is busy. With `exact` (the port came
    from LABEL_STUDIO_URL) a busy port is an error instead, since nothing would answer where asked.
    """
    current = status(server)
    if current.running:
        if exact and current.url and port_of(current.url) != port:
            raise UsageError(
                f"the local server already runs at {current.url}; run `akhbar labelstudio down` first"
            )
        return current if current.healthy else _wait(server, current.pid or 0, timeout, 0, current.url)
    if exact and not _port_free(port):
        raise UsageError(
            f"port {port} on 127.0.0.1 is taken by another program; name another in LABEL_STUDIO_URL"
        )
    install(server)
    creds = credentials(server)
    for folder in (server.data, server.home):
        folder.mkdir(parents=True, exist_ok=True)
    command = [
        str(server.executable),
        "start",
        "--no-browser",
        "--internal-host",
        "127.0.0.1",
        "--port",
        str(port),
        "--enable-legacy-api-token",
    ]
    start_of_run = server.log.stat().st_size if server.log.is_file() else 0
    with server.log.open("ab") as log:
        process = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            env=server_environment(server, creds),
            cwd=server.root,
            start_new_session=True,
        )
    _CHILDREN[process.pid] = process
    _save_state(server, process.pid, None)
    try:
        return _wait(server, process.pid, timeout, start_of_run)
    except BaseException:
        down(server, force=True)
        raise


def _save_state(server: Server, pid: int, url: str | None) -> None:
    server.state_file.write_text(json.dumps({"pid": pid, "url": url}) + "\n", "utf-8")


def _wait(server: Server, pid: int, timeout: float, log_from: int, url: str | None = None) -> Status:
    """Until /health answers at the port this run's log names (the log before `log_from` is older runs)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not _alive(server, pid):
            raise UsageError(
                f"the Label Studio server exited during start; its log says:\n{_log_tail(server)}"
            )
        if url is None:
            found = (
                list(_STARTED.finditer(server.log.read_bytes()[log_from:])) if server.log.is_file() else []
            )
            if found:
                url = f"http://127.0.0.1:{int(found[-1].group(1))}"
                _save_state(server, pid, url)
        if url is not None and healthy(url):
            return Status(running=True, pid=pid, url=url, healthy=True)
        time.sleep(0.5)
    raise UsageError(f"the Label Studio server did not answer within {timeout:.0f} s; see {server.log}")


def _log_tail(server: Server, lines: int = 20) -> str:
    try:
        return "\n".join(server.log.read_text("utf-8", "replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def down(server: Server, *, force: bool = False, timeout: float = STOP_TIMEOUT) -> bool:
    """Stop the server this folder started (its own process group only); True if one was running."""
    pid, _ = _recorded(server)
    if pid is not None:
        _signal_group(pid, signal.SIGKILL if force else signal.SIGTERM)
        deadline = time.monotonic() + timeout
        while _alive(server, pid) and time.monotonic() < deadline:
            time.sleep(0.1)
        if _alive(server, pid):
            _signal_group(pid, signal.SIGKILL)
        child = _CHILDREN.pop(pid, None)
        if child is not None:
            child.wait()
    server.state_file.unlink(missing_ok=True)
    return pid is not None


def _signal_group(pid: int, sig: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, sig)
