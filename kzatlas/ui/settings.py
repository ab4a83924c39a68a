"""What this server is told in its settings: the secrets' tables and the atlas's public address."""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import urlsplit

import streamlit as st

from kzatlas import selection
from kzatlas.config import PUBLIC_URL_ENV, PUBLIC_URL_SECRET


def secret_table(name: str) -> Mapping:
    """A table of the secrets as a plain dict; empty when there is no secrets file or no such table."""
    try:
        # The probe never raises or shows anything; reading st.secrets without a file would.
        if not st.secrets.load_if_toml_exists():
            return {}
        value = st.secrets.get(name)
    except Exception:  # a broken secrets file must not take the atlas down; the setting is then absent
        return {}
    return value.to_dict() if hasattr(value, "to_dict") else dict(value) if isinstance(value, Mapping) else {}


# A secrets file larger than this is not read for editors (it holds a few short tables).
MAX_SECRETS_FILE_BYTES = 1_000_000


def current_secret_table(name: str) -> Mapping:
    """A table of the secrets as the secrets files say it now, not as Streamlit last loaded them.

    Streamlit rereads its secrets when its file watcher notices a change, a moment after the file
    was saved; who may write is checked against the files themselves. When the secrets were not
    read from files (set by a test harness), those are used. A file that cannot be read or parsed
    gives no table, so a broken edit to the file takes write access away rather than keeping it.
    """
    from streamlit.runtime.secrets import secrets_singleton

    if st.secrets is not secrets_singleton:
        return secret_table(name)
    merged: dict = {}
    for entry in st.get_option("secrets.files") or ():
        path = Path(entry)
        try:
            if not path.is_file():
                continue
            if path.stat().st_size > MAX_SECRETS_FILE_BYTES:
                return {}
            merged.update(tomllib.loads(path.read_text(encoding="utf-8")))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
            return {}
    value = merged.get(name)
    return dict(value) if isinstance(value, Mapping) else {}


def configured_public_url() -> str | None:
    """The public address from ``$KZATLAS_PUBLIC_URL`` or ``[atlas] public_url``, if one is set and valid."""
    section, key = PUBLIC_URL_SECRET
    return selection.public_base(os.environ.get(PUBLIC_URL_ENV)) or selection.public_base(
        secret_table(section).get(key)
    )


def public_base_url() -> str | None:
    """Where readers of a pack or kit can open the atlas, or ``None`` when no one else could.

    The configured public address first; else the address the browser used, unless it is this
    computer's own (``localhost``), which would work only on the machine that made the file.
    """
    configured = configured_public_url()
    if configured:
        return configured
    parts = urlsplit(getattr(st.context, "url", None) or "")
    seen = f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""
    return seen if seen and not selection.is_local_address(seen) else None
