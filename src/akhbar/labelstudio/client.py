"""Which Label Studio to talk to, with which key, and how its failures reach the user.

LABEL_STUDIO_URL and LABEL_STUDIO_API_KEY point every command at a server of the user's own; without
them the commands use the local server that `akhbar labelstudio up` started and its stored key.
"""

from __future__ import annotations

import contextlib
import functools
import os
from collections.abc import Iterator
from dataclasses import dataclass, field

import httpx
from label_studio_sdk import LabelStudio
from label_studio_sdk.core.api_error import ApiError

from akhbar.errors import UsageError
from akhbar.labelstudio.server import Server, is_loopback, stored_credentials
from akhbar.labelstudio.server import status as server_status
from akhbar.paths import Project

TIMEOUT = 300.0


@dataclass(frozen=True)
class Connection:
    url: str
    api_key: str = field(repr=False)

    def http(self) -> httpx.Client:
        # A proxy from the environment never sees traffic to a loopback server.
        return httpx.Client(timeout=TIMEOUT, trust_env=not is_loopback(self.url), follow_redirects=True)

    @functools.cached_property
    def _http(self) -> httpx.Client:
        return self.http()

    @functools.cached_property
    def sdk(self) -> LabelStudio:
        # No retries inside the SDK: it would resend an import after a dropped connection, and the
        # server may already have stored it. Push resumes on its own terms instead.
        return LabelStudio(base_url=self.url, api_key=self.api_key, max_retries=0, httpx_client=self._http)

    def close(self) -> None:
        if "_http" in self.__dict__:
            self._http.close()

    def __enter__(self) -> Connection:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def connect(project: Project, *, server: Server | None = None) -> Connection:
    """The server named by LABEL_STUDIO_URL, else the local one; its key from the environment or our file."""
    server = server or Server.of(project)
    url = os.environ.get("LABEL_STUDIO_URL", "").strip().rstrip("/")
    if not url:
        current = server_status(server)
        if not (current.running and current.url):
            raise UsageError(
                "no Label Studio server: start the local one with `akhbar labelstudio up`, "
                "or point LABEL_STUDIO_URL and LABEL_STUDIO_API_KEY at yours"
            )
        url = current.url
    key = os.environ.get("LABEL_STUDIO_API_KEY")
    if not key:
        stored = stored_credentials(server) if is_loopback(url) else None
        if stored is None:
            raise UsageError(f"set LABEL_STUDIO_API_KEY to an API key (access token) of {url}")
        key = stored.api_key
    return Connection(url=url, api_key=key)


@contextlib.contextmanager
def talking_to(connection: Connection, doing: str, resume_hint: str = "") -> Iterator[None]:
    """Turn transport and API failures into one plain message (what failed, where, what to do)."""
    hint = f"; {resume_hint}" if resume_hint else ""
    try:
        yield
    except ApiError as error:
        if error.status_code in (401, 403):
            raise UsageError(f"{connection.url} refused the API key while {doing}{hint}") from None
        body = str(error.body)[:500]
        raise UsageError(
            f"{connection.url} answered {error.status_code} while {doing}: {body}{hint}"
        ) from None
    except httpx.ConnectError:
        # Nothing listens there (or the address is wrong): it never answered, so nothing was sent.
        raise UsageError(
            f"cannot connect to Label Studio at {connection.url} while {doing}: nothing answers there; "
            f"start the local one with `akhbar labelstudio up`, or check LABEL_STUDIO_URL{hint}"
        ) from None
    except httpx.HTTPError as error:
        kind = type(error).__name__
        raise UsageError(
            f"Label Studio at {connection.url} stopped answering while {doing} ({kind}){hint}"
        ) from None
