"""Uploads bounded for everyone: the attack of a viewer filling the server's memory, replayed.

A viewer opens a session the way the page does (the websocket), makes up file ids and an XSRF
cookie and header pair of its own, and sends 45 MB files straight to Streamlit's upload address.
``serve.py`` must refuse them before reading them, so the server's memory stays where it was.
"""

from __future__ import annotations

import contextlib
import os
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import requests
from localnet import free_port
from nginxkit import NGINX_DIR, require_nginx, start_nginx
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.web.server.starlette.starlette_app_utils import generate_xsrf_token_string
from websockets.sync.client import connect

FLOOD_FILES = 8
FLOOD_BYTES = 45_000_000
# Eight 45 MB files kept would add some 360 MB; refused before their bodies are read, the
# server may grow by little more than the requests' buffers.
MEMORY_BOUND_MB = 40


@pytest.fixture(scope="module")
def server(start_servers):
    return start_servers(1)[0]


@pytest.fixture(scope="module")
def proxied(server, tmp_path_factory):
    """The same server behind Debian's nginx with the shipped site file; its address."""
    require_nginx()
    nginx = start_nginx(
        (NGINX_DIR / "kzatlas.conf").read_text(), [urlsplit(server.base_url).port], tmp_path_factory.mktemp("nginx"), free_port()
    )
    yield nginx.url
    nginx.stop()


def group_rss_mb(pid: int) -> int:
    """Resident memory of the server's process group, in MB."""
    group = os.getpgid(pid)
    total = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if os.getpgid(int(entry.name)) != group:
                continue
            status = (entry / "status").read_text()
        except (OSError, ProcessLookupError):
            continue
        total += next((int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:")), 0)
    return total // 1024


class ViewerSession:
    """A session opened over the websocket as a browser would, without signing in."""

    def __init__(self, base_url: str, page: str = "") -> None:
        self.base_url = base_url
        self._open = contextlib.ExitStack()
        self.socket = self._open.enter_context(
            connect(base_url.replace("http", "ws", 1) + "/_stcore/stream", subprotocols=["streamlit"], origin=base_url)
        )
        request = BackMsg()
        request.rerun_script.query_string = ""
        request.rerun_script.page_name = page
        self.socket.send(request.SerializeToString())
        self.session_id = ""
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            message = ForwardMsg()
            message.ParseFromString(self.socket.recv(timeout=90))
            kind = message.WhichOneof("type")
            if kind == "new_session":
                self.session_id = message.new_session.initialize.session_id
            elif kind == "script_finished" and self.session_id:
                break
        assert self.session_id, "the server opened no session"
        token = generate_xsrf_token_string()  # made up here, as an attacker would
        self.http = requests.Session()
        self.http.headers["X-Xsrftoken"] = token
        self.http.cookies.set("_streamlit_xsrf", token)

    def send_file(self, file_id: str, size: int) -> requests.Response:
        url = f"{self.base_url}/_stcore/upload_file/{self.session_id}/{file_id}"
        return self.http.put(url, files={"file": ("scenes.json", b"x" * size, "application/json")}, timeout=120)

    def close(self) -> None:
        self.http.close()
        self._open.close()


def test_a_viewer_flooding_the_upload_address_is_refused_and_memory_stays_put(server):
    viewer = ViewerSession(server.base_url)
    try:
        before = group_rss_mb(server.process.pid)
        answers = [viewer.send_file(f"made-up-{index}", FLOOD_BYTES) for index in range(FLOOD_FILES)]
        after = group_rss_mb(server.process.pid)
    finally:
        viewer.close()
    assert [answer.status_code for answer in answers] == [403] * FLOOD_FILES, [answer.text for answer in answers]
    assert "no file uploader on this page" in answers[0].text
    assert after - before < MEMORY_BOUND_MB, f"memory grew from {before} MB to {after} MB"


def test_the_scene_list_uploader_takes_a_scene_file_but_nothing_large_and_only_a_few(server):
    viewer = ViewerSession(server.base_url, page="present")
    try:
        small = viewer.send_file("scene-1", 150_000)
        large = viewer.send_file("large", FLOOD_BYTES)
        more = [viewer.send_file(f"scene-{index}", 150_000) for index in range(2, 6)]
    finally:
        viewer.close()
    assert small.status_code == 204, small.text
    assert large.status_code == 413 and "larger than this page takes" in large.text
    # Four files may wait for a session at once; the fifth is refused.
    assert [answer.status_code for answer in more] == [204, 204, 204, 429], [answer.text for answer in more]
    assert "too many files are waiting" in more[-1].text


def test_an_upload_that_does_not_say_its_length_is_refused(server):
    viewer = ViewerSession(server.base_url, page="present")
    try:
        url = f"{server.base_url}/_stcore/upload_file/{viewer.session_id}/chunked"
        chunks = (b"x" * 65536 for _ in range(4))
        answer = viewer.http.put(url, data=chunks, headers={"Content-Type": "multipart/form-data; boundary=b"})
    finally:
        viewer.close()
    assert answer.status_code == 411, answer.text


def test_a_made_up_session_gets_nothing(server):
    token = generate_xsrf_token_string()
    answer = requests.put(
        f"{server.base_url}/_stcore/upload_file/not-a-session/x",
        files={"file": ("a.json", b"{}")},
        headers={"X-Xsrftoken": token},
        cookies={"_streamlit_xsrf": token},
        timeout=30,
    )
    assert answer.status_code == 403


def test_the_proxy_lets_a_few_uploads_from_one_address_through_then_answers_too_many(proxied):
    viewer = ViewerSession(proxied, page="present")
    try:
        answers = [viewer.send_file(f"scene-{index}", 1_000) for index in range(9)]
    finally:
        viewer.close()
    statuses = [answer.status_code for answer in answers]
    # One at the rate and five in the burst reach the app (which keeps four waiting files and
    # refuses the fifth and sixth); the rest are turned away by nginx before the app sees them.
    assert statuses[:6] == [204, 204, 204, 204, 429, 429], statuses
    assert statuses[6:] == [429] * 3, statuses
    assert all("too many files are waiting" not in answer.text for answer in answers[6:])
