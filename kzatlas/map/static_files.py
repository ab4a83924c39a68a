"""The base map's unchanging data as static files the live map fetches. Nothing here talks to Streamlit.

The region outlines and the offline basemap are the same on every run of a page, yet the map
component sends its whole HTML again whenever a filter changes. The live app therefore writes
that data once into ``static/mapdata/<hash>.json`` (served by the app's static file serving,
same origin, cached by the browser) and the map fetches it; only the address travels with the
page. The file name is the SHA-256 of its bytes, so a file never changes once written and a
browser's cached copy is never stale.

Files saved for use elsewhere (the offline meeting kit, the map download) never use this:
they keep every shape inside the file.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
import time
from pathlib import Path

from kzatlas.config import STATIC_DIR, STATIC_URL

MAPDATA_DIR = STATIC_DIR / "mapdata"
MAPDATA_URL = f"{STATIC_URL}/mapdata"
# Hex digits of the SHA-256 in a file name: 128 bits, so two payloads never share a name.
NAME_DIGITS = 32
# Files kept in the folder: the base map's and the time line's per language (6) for a few data
# versions. The oldest go first.
KEEP_FILES = 24
SUFFIX = ".json"
TEMP_PREFIX = ".part-"
STALE_TEMP_SECONDS = 60


def payload_name(payload: bytes) -> str:
    """The file name of ``payload``: the first :data:`NAME_DIGITS` hex digits of its SHA-256.

    Parameters
    ----------
    payload : bytes
        The file's exact bytes.

    Returns
    -------
    str
        For example ``"3f2a...c9.json"``; the same bytes always give the same name.
    """
    return hashlib.sha256(payload).hexdigest()[:NAME_DIGITS] + SUFFIX


def publish_json(
    payload: bytes,
    folder: Path = MAPDATA_DIR,
    url_prefix: str = MAPDATA_URL,
    keep: int = KEEP_FILES,
) -> str | None:
    """Write ``payload`` once as a content-addressed file in ``folder`` and return its address.

    The file is written to a temporary name in the same folder and renamed into place, so a
    browser never reads half a file, and several server processes may write the same file at
    once. When the folder holds more than ``keep`` files, the oldest others are removed.

    Parameters
    ----------
    payload : bytes
        JSON text, UTF-8.
    folder : Path
        Where the files live (served by the app under ``url_prefix``).
    url_prefix : str
        The address of ``folder`` in the browser.
    keep : int
        How many files to keep at most.

    Returns
    -------
    str or None
        ``url_prefix/<name>``, or ``None`` when the folder cannot be written (a read-only
        install): the caller then puts the data inside the page as before.
    """
    name = payload_name(payload)
    target = folder / name
    if not target.is_file():
        temporary = None
        try:
            folder.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=folder, prefix=TEMP_PREFIX, suffix=SUFFIX)
            with os.fdopen(handle, "wb") as stream:
                stream.write(payload)
            os.chmod(temporary, 0o644)
            os.replace(temporary, target)
        except OSError:
            if temporary is not None:
                with contextlib.suppress(OSError):
                    os.unlink(temporary)
            return None
        prune(folder, keep, spare=name)
    return f"{url_prefix}/{name}"


def prune(folder: Path, keep: int, spare: str | None = None) -> list[str]:
    """Remove all but the ``keep`` newest data files of ``folder`` (never ``spare``).

    Half-written files left by a stopped process are removed once they are a minute old.

    Parameters
    ----------
    folder : Path
        The data folder.
    keep : int
        How many files stay, ``spare`` included.
    spare : str, optional
        A file name that is never removed (the one just written).

    Returns
    -------
    list of str
        The names removed. Files another process removed first are skipped quietly.
    """
    now = time.time()
    finished, stale = [], []
    try:
        with os.scandir(folder) as entries:
            for entry in entries:
                if not entry.name.endswith(SUFFIX) or entry.name == spare:
                    continue
                with contextlib.suppress(OSError):
                    modified = entry.stat().st_mtime
                    if not entry.name.startswith(TEMP_PREFIX):
                        finished.append((modified, entry.name))
                    elif now - modified > STALE_TEMP_SECONDS:
                        stale.append(entry.name)
    except OSError:
        return []
    finished.sort(reverse=True)
    room = max(0, keep - (1 if spare else 0))
    removed = []
    for name in [name for _modified, name in finished[room:]] + stale:
        with contextlib.suppress(OSError):
            os.unlink(folder / name)
            removed.append(name)
    return removed
