"""The atlas for a shared deployment: ``app.py`` plus security headers and no metrics endpoint.

Start it like the app itself, ``streamlit run serve.py`` (Streamlit notices the ``st.App`` below
and serves it with uvicorn), or with ``uvicorn serve:app``. ``streamlit run app.py`` is the same
atlas without these protections, for a laptop.

Streamlit has no configuration option for response headers and always answers
``/_stcore/metrics``; ``st.App``'s ``middleware`` argument is its supported way to change both.
``deploy/nginx/kzatlas.conf`` sends the same headers from a reverse proxy; keep the two in step
(a browser test compares them).
"""

from __future__ import annotations

import os
from urllib.parse import urlsplit

import streamlit as st
from starlette.middleware import Middleware

from kzatlas.config import WEB_TILES_URL
from kzatlas.map.static_files import MAPDATA_URL
from kzatlas.ui.upload_guard import UploadGuard

METRICS_PATH = "/_stcore/metrics"
# Set to 1 to let a monitoring system read Streamlit's metrics (they name internal caches).
METRICS_ENV = "KZATLAS_EXPOSE_METRICS"

_TILE_ORIGIN = "{0.scheme}://{0.netloc}".format(urlsplit(WEB_TILES_URL))

# What the atlas needs, measured in Chromium on every page: Streamlit's styling libraries write
# inline <style> elements and style attributes, its index page has one inline script and its
# protobuf decoder compiles WebAssembly; folium's map is an inline script that streamlit-folium
# runs in its iframe, and it eval()s the layers it swaps in. Hence 'unsafe-inline' and
# 'unsafe-eval' (which also covers WebAssembly): neither Streamlit nor folium offers nonces.
# Icon fonts arrive as data: URLs, and Leaflet blanks a tile it drops with a data: image. The
# web tile layer is off until a user ticks it, but a fixed header cannot follow that switch, so
# its one host stays in img-src (README: "Security headers").
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self' 'unsafe-inline' 'unsafe-eval'",
        "style-src 'self' 'unsafe-inline'",
        f"img-src 'self' data: {_TILE_ORIGIN}",
        "font-src 'self' data:",
        "connect-src 'self'",
        "frame-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'self'",
    ]
)

# A base map file is named after the SHA-256 of its bytes, so it never changes: browsers (and a
# proxy in front) may keep it for a year without asking again.
IMMUTABLE_PREFIX = MAPDATA_URL + "/"
IMMUTABLE_CACHE = (b"cache-control", b"max-age=31536000, immutable")

SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Frame-Options": "SAMEORIGIN",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}


class SecurityHeaders:
    """ASGI middleware: add :data:`SECURITY_HEADERS` to every response, answer 404 for metrics.

    A base map file (under :data:`IMMUTABLE_PREFIX`) is also marked as cacheable for a year.

    Parameters
    ----------
    app
        The ASGI application to wrap.
    expose_metrics
        Pass ``/_stcore/metrics`` through instead of answering 404.
    """

    def __init__(self, app, expose_metrics: bool = False) -> None:
        self.app = app
        self.expose_metrics = expose_metrics
        self.raw_headers = [(name.lower().encode(), value.encode()) for name, value in SECURITY_HEADERS.items()]
        self.immutable_headers = [*self.raw_headers, IMMUTABLE_CACHE]

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if not self.expose_metrics and scope["path"].rstrip("/").endswith(METRICS_PATH):
            await self._not_found(send)
            return

        immutable = IMMUTABLE_PREFIX in scope["path"]

        async def send_with_headers(message) -> None:
            if message["type"] == "http.response.start":
                extra = self.immutable_headers if immutable and message.get("status") == 200 else self.raw_headers
                names = {name for name, _ in extra}
                kept = [(name, value) for name, value in message.get("headers", []) if name.lower() not in names]
                message = {**message, "headers": kept + extra}
            await send(message)

        await self.app(scope, receive, send_with_headers)

    async def _not_found(self, send) -> None:
        body = b"Not found"
        headers = [(b"content-type", b"text/plain; charset=utf-8"), (b"content-length", str(len(body)).encode())]
        await send({"type": "http.response.start", "status": 404, "headers": headers + self.raw_headers})
        await send({"type": "http.response.body", "body": body})


app = st.App(
    "app.py",
    middleware=[
        Middleware(SecurityHeaders, expose_metrics=os.environ.get(METRICS_ENV) == "1"),
        # Uploads only for a page that shows an uploader, within its size (README: "Security").
        Middleware(UploadGuard),
    ],
)
