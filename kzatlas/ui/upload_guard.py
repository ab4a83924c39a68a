"""Uploads only where a page offers them, and never more than that page takes.

Streamlit accepts a file for any live session at ``/_stcore/upload_file/<session>/<file>``, up
to ``server.maxUploadSize``, whether or not the session's page shows a file uploader, and keeps it
in memory until the session ends. So a viewer who never signed in could fill the server's memory.
Two parts close that:

* the pages say which uploaders a session is shown (:func:`offer_upload`, next to each
  ``st.file_uploader``): an editor's import takes 50 MB, the scene list that anyone may open
  takes 1 MB, and a session shown neither takes nothing;
* :class:`UploadGuard`, ASGI middleware in ``serve.py``, reads only the request line and headers
  and refuses, before a byte of the body is read: a session shown no uploader (403), a file
  larger than its uploader takes (413), a request without a length (411), and a session (or the
  whole server) that already holds too many files or bytes waiting (429).

What a session was shown is what its last finished run rendered, together with what the run
under way has rendered so far: a run that is cut short by a rerun changes nothing, and a session
that moves to a page without an uploader loses the allowance when that page has run.
"""

from __future__ import annotations

import os
import re
import threading
from dataclasses import dataclass
from typing import NamedTuple

from streamlit.runtime import Runtime
from streamlit.runtime.scriptrunner import get_script_run_ctx

MEGABYTE = 1024 * 1024
# Room for the multipart form around the file (its boundary and part headers).
FORM_MARGIN_BYTES = 64 * 1024
# Files a session may have waiting on the server at once (a replaced file is deleted by the page).
MAX_WAITING_FILES = 4
# Bytes a session may have waiting: twice its largest uploader (a file and its replacement).
WAITING_FILES_FACTOR = 2
# Bytes all sessions of this server may have waiting together; KZATLAS_UPLOAD_TOTAL_MB changes it.
SERVER_WAITING_ENV = "KZATLAS_UPLOAD_TOTAL_MB"
DEFAULT_SERVER_WAITING_MB = 400
_UPLOAD_PATH = re.compile(r"/_stcore/upload_file/(?P<session>[^/]+)/(?P<file>[^/]+)/?$")
# Sessions kept in the table before ended ones are swept out of it.
_SWEEP_AT = 256


class Refusal(NamedTuple):
    """Why an upload is refused, and the HTTP status that says so."""

    status: int
    why: str


NO_UPLOADER = Refusal(403, "no file uploader on this page")
TOO_LARGE = Refusal(413, "the file is larger than this page takes")
TOO_MANY_FILES = Refusal(429, "too many files are waiting for this page")
TOO_MANY_BYTES = Refusal(429, "too many bytes are waiting for this page")
SERVER_FULL = Refusal(429, "the server holds too many uploads just now")
NO_LENGTH = Refusal(411, "an upload must say its length")


@dataclass
class _Session:
    settled: int = 0  # the largest file the last finished run offered to take
    current: int = 0  # the largest file the run under way has offered so far
    sending_files: int = 0
    sending_bytes: int = 0

    @property
    def largest(self) -> int:
        return max(self.settled, self.current)


class UploadAllowances:
    """Which sessions may upload how much, and what they are sending now; thread-safe."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._sessions: dict[str, _Session] = {}

    def run_started(self, session_id: str) -> None:
        """A run of the session's page begins: what it offers is counted afresh."""
        with self._lock:
            if len(self._sessions) >= _SWEEP_AT:
                self._sweep()
            self._sessions.setdefault(session_id, _Session()).current = 0

    def offer(self, session_id: str, max_file_bytes: int) -> None:
        """The run under way shows an uploader that takes files up to ``max_file_bytes``."""
        with self._lock:
            entry = self._sessions.setdefault(session_id, _Session())
            entry.current = max(entry.current, int(max_file_bytes))

    def run_finished(self, session_id: str) -> None:
        """The run finished: what it offered is what the session's page shows."""
        with self._lock:
            entry = self._sessions.setdefault(session_id, _Session())
            entry.settled = entry.current

    def largest_file(self, session_id: str) -> int:
        """The largest file the session's page takes now (0: it shows no uploader)."""
        with self._lock:
            entry = self._sessions.get(session_id)
            return entry.largest if entry else 0

    def start_sending(
        self, session_id: str, length: int, waiting: tuple[int, int, int], server_limit: int
    ) -> Refusal | None:
        """Count a request of ``length`` bytes, unless it would pass a limit.

        Parameters
        ----------
        session_id : str
            The session the file is for.
        length : int
            The request's declared length.
        waiting : tuple of int
            Files and bytes the server holds for the session, and bytes it holds for all sessions,
            as ``(files, bytes, all_bytes)``.
        server_limit : int
            Bytes all sessions may have waiting together.

        Returns
        -------
        Refusal or None
            None when the request may go on (then call :meth:`done_sending`); else why not.
        """
        files, held, all_held = waiting
        with self._lock:
            entry = self._sessions.get(session_id)
            largest = entry.largest if entry else 0
            if largest <= 0:
                return NO_UPLOADER
            if length > largest + FORM_MARGIN_BYTES:
                return TOO_LARGE
            if files + entry.sending_files >= MAX_WAITING_FILES:
                return TOO_MANY_FILES
            if held + entry.sending_bytes + length > WAITING_FILES_FACTOR * largest + FORM_MARGIN_BYTES:
                return TOO_MANY_BYTES
            sending = sum(other.sending_bytes for other in self._sessions.values())
            if all_held + sending + length > server_limit:
                return SERVER_FULL
            entry.sending_files += 1
            entry.sending_bytes += length
            return None

    def done_sending(self, session_id: str, length: int) -> None:
        """The request counted by :meth:`start_sending` has ended (either way)."""
        with self._lock:
            entry = self._sessions.get(session_id)
            if entry is not None:
                entry.sending_files = max(0, entry.sending_files - 1)
                entry.sending_bytes = max(0, entry.sending_bytes - length)

    def _sweep(self) -> None:
        """Forget sessions that have ended (called with the lock held)."""
        runtime = Runtime.instance() if Runtime.exists() else None
        if runtime is None:
            return
        for session_id in [key for key, entry in self._sessions.items() if not entry.sending_files]:
            if not runtime.is_active_session(session_id):
                del self._sessions[session_id]


ALLOWANCES = UploadAllowances()


def _session_id() -> str | None:
    ctx = get_script_run_ctx()
    return ctx.session_id if ctx is not None else None


def run_started() -> None:
    """Call first in every run of the router (``app.py``)."""
    session_id = _session_id()
    if session_id:
        ALLOWANCES.run_started(session_id)


def run_finished() -> None:
    """Call after the page of the run has finished (not reached when a rerun cuts it short)."""
    session_id = _session_id()
    if session_id:
        ALLOWANCES.run_finished(session_id)


def offer_upload(max_megabytes: int) -> int:
    """Say that the page shows an uploader taking files of ``max_megabytes``; returns the same number.

    Use it as the uploader's ``max_upload_size``, so the limit the browser shows and the one the
    server keeps are the same.
    """
    session_id = _session_id()
    if session_id:
        ALLOWANCES.offer(session_id, max_megabytes * MEGABYTE)
    return max_megabytes


def _waiting(session_id: str) -> tuple[int, int, int]:
    """Files and bytes Streamlit holds for the session, and bytes it holds for all sessions."""
    if not Runtime.exists():
        return 0, 0, 0
    manager = Runtime.instance().uploaded_file_mgr
    storage = getattr(manager, "file_storage", None)
    if not isinstance(storage, dict):
        return 0, 0, 0
    # The manager's own lock, held for a moment, so no file is added while the sizes are read.
    with getattr(manager, "_lock", None) or threading.Lock():
        sizes = {key: [len(record.data) for record in files.values()] for key, files in storage.items()}
    own = sizes.get(session_id, [])
    return len(own), sum(own), sum(sum(values) for values in sizes.values())


def server_limit_bytes() -> int:
    """Bytes all sessions may have waiting together (``KZATLAS_UPLOAD_TOTAL_MB``, default 400)."""
    text = os.environ.get(SERVER_WAITING_ENV, "").strip()
    megabytes = int(text) if text.isascii() and text.isdigit() else DEFAULT_SERVER_WAITING_MB
    return max(1, megabytes) * MEGABYTE


class UploadGuard:
    """ASGI middleware: refuse an upload request the session's page did not ask for, before its body.

    Parameters
    ----------
    app
        The ASGI application to wrap.
    allowances : UploadAllowances, optional
        Defaults to the process-wide :data:`ALLOWANCES` the pages fill.
    """

    def __init__(self, app, allowances: UploadAllowances | None = None) -> None:
        self.app = app
        self.allowances = allowances or ALLOWANCES

    async def __call__(self, scope, receive, send) -> None:
        """Pass every request on, except an upload that a limit refuses."""
        if scope["type"] != "http" or scope.get("method") != "PUT":
            await self.app(scope, receive, send)
            return
        match = _UPLOAD_PATH.search(scope.get("path", ""))
        if match is None:
            await self.app(scope, receive, send)
            return
        session_id = match["session"]
        declared = dict(scope.get("headers") or []).get(b"content-length", b"")
        if not (declared.isdigit() and len(declared) <= 12):
            await _refuse(send, NO_LENGTH)
            return
        length = int(declared)
        refusal = self.allowances.start_sending(session_id, length, _waiting(session_id), server_limit_bytes())
        if refusal is not None:
            await _refuse(send, refusal)
            return
        received = 0

        async def counted_receive():
            nonlocal received
            message = await receive()
            if message.get("type") == "http.request":
                received += len(message.get("body", b""))
                if received > length:  # more than it said: stop reading it
                    return {"type": "http.disconnect"}
            return message

        try:
            await self.app(scope, counted_receive, send)
        finally:
            self.allowances.done_sending(session_id, length)


async def _refuse(send, refusal: Refusal) -> None:
    body = f"Upload refused: {refusal.why}.".encode()
    headers = [(b"content-type", b"text/plain; charset=utf-8"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": refusal.status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
