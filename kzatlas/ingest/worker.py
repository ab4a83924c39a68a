"""Read an uploaded file in a separate, resource-limited process.

The app never parses an upload in its own process. :func:`run_reader` starts
``python -I -c <bootstrap>`` with the reader's arguments; the child first caps its own
address space (``RLIMIT_AS``), CPU time (``RLIMIT_CPU``), the size of files it may write
(``RLIMIT_FSIZE``) and core dumps, then reads the file with :mod:`kzatlas.ingest.readers`
and writes the result as JSON (shapes as base64 WKB, messages as their ids and parameters, see
:mod:`kzatlas.ingest.messages`) into the temporary folder it was given, so that what the child
found is translated in the app.
The parent waits with a wall-clock timeout. A crash, a kill by a limit or a timeout becomes
a plain refusal, and the app keeps running.

GDAL, in the child only, is started with every vector driver skipped except the three the
readers use, with network access and PROJ's network off.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

from kzatlas.ingest import limits
from kzatlas.ingest.encodings import ENCODINGS, unknown_encoding
from kzatlas.ingest.errors import RefusalError
from kzatlas.ingest.messages import N_, Message, from_wire, to_wire

ROOT = Path(__file__).resolve().parents[2]
RESULT_NAME = "result.json"
LIMIT_NAMES = tuple(name for name in dir(limits) if name.isupper())

# Run by ``python -I``: the package is found from ROOT only (never from a user's path or
# another installed copy), and the limits are set before anything else is imported.
BOOTSTRAP = (
    "import sys; sys.path.insert(0, sys.argv[1]); "
    "from kzatlas.ingest.worker import child_main; child_main(sys.argv[2:])"
)

_ALLOWED_DRIVERS = ("GPKG", "ESRI Shapefile", "KML")
_GDAL_ENV = {
    "GDAL_HTTP_TIMEOUT": "1",
    "GDAL_HTTP_MAX_RETRY": "0",
    "CPL_VSIL_CURL_ALLOWED_EXTENSIONS": ".kzatlas-never",
    "GDAL_DISABLE_READDIR_ON_OPEN": "EMPTY_DIR",
    "OGR_GPKG_INTEGRITY_CHECK": "NO",
    "PROJ_NETWORK": "OFF",
    "CPL_DEBUG": "OFF",
    "OPENBLAS_NUM_THREADS": "1",
    "OMP_NUM_THREADS": "1",
    "OPENPYXL_DEFUSEDXML": "True",
}


def _skip_list() -> str:
    """Every GDAL vector driver except the allowed ones, for ``GDAL_SKIP`` (read at GDAL start-up)."""
    try:
        import pyogrio
    except ImportError:  # pragma: no cover - pyogrio is a dependency
        return ""
    # GDAL_SKIP splits at spaces, so names with spaces cannot be listed; those drivers
    # (MapInfo) open only their own extensions, which the readers never pass.
    return ",".join(sorted(name for name in pyogrio.list_drivers() if name not in _ALLOWED_DRIVERS and " " not in name))


def child_environment() -> dict[str, str]:
    """The environment of the reading process.

    Returns
    -------
    dict
        A small environment: the locale and path variables the interpreter needs, GDAL
        settings that disable network access and every driver the readers do not use.
    """
    keep = ("PATH", "LANG", "LC_ALL", "TMPDIR", "HOME", "GDAL_DATA", "PROJ_DATA", "PROJ_LIB")
    env = {key: os.environ[key] for key in keep if key in os.environ}
    env.update(_GDAL_ENV)
    env["GDAL_SKIP"] = _skip_list()
    return env


def _message_for_exit(code: int) -> Message:
    if code in (-signal.SIGXCPU, -signal.SIGKILL):
        return Message(
            N_("reading the file used more than {seconds} seconds of processing time; it was stopped"),
            seconds=limits.PARSE_CPU_SECONDS,
        )
    if code in (-signal.SIGSEGV, -signal.SIGABRT, -signal.SIGBUS):
        return Message(N_("the reader stopped on this file (it may be damaged or built to crash readers); nothing was imported"))
    return Message(N_("the file could not be read: the reader stopped unexpectedly"))


TOO_MUCH_DATA = N_("the file holds more data than the atlas accepts from one import")


def encode_messages(result: dict) -> dict:
    """The reader's result with its messages as plain JSON data (see :func:`from_wire`).

    Messages are the refusal, the file's notes and each row's ``error`` and ``notes``; a
    message written as plain JSON text would lose its id and could not be translated.
    """
    out = dict(result)
    if "refused" in out:
        out["refused"] = to_wire(out["refused"])
    if isinstance(out.get("notes"), list):
        out["notes"] = [to_wire(note) for note in out["notes"]]
    if isinstance(out.get("rows"), list):
        out["rows"] = [_encode_row(row) for row in out["rows"]]
    return out


def _encode_row(row: dict) -> dict:
    if not isinstance(row, dict):
        return row
    encoded = dict(row)
    encoded["error"] = to_wire(row.get("error"))
    encoded["notes"] = [to_wire(note) for note in row.get("notes") or []]
    return encoded


def decode_messages(result: dict) -> dict:
    """The reader's result with its messages rebuilt (the reverse of :func:`encode_messages`)."""
    if isinstance(result.get("notes"), list):
        result["notes"] = [from_wire(note) for note in result["notes"]]
    rows = result.get("rows")
    if isinstance(rows, list):
        for row in rows:
            if isinstance(row, dict):
                row["error"] = from_wire(row.get("error"))
                row["notes"] = [from_wire(note) for note in row.get("notes") or [] if note is not None]
    return result


def _argument(text: str | None) -> str:
    """A user's choice as a command-line argument (no NUL, which no argument can hold)."""
    return (text or "").replace("\x00", "")[:200]


def run_reader(fmt: str, source: Path, folder: Path, encoding: str | None = None, sheet: str | None = None) -> dict:
    """Read ``source`` in a child process within the limits of :mod:`kzatlas.ingest.limits`.

    Parameters
    ----------
    fmt : str
        The sniffed format.
    source : Path
        The file to read, inside ``folder``.
    folder : Path
        A temporary folder owned by the caller; the child writes its result there only.
    encoding : str, optional
        A text encoding the user chose (a key of :data:`kzatlas.ingest.encodings.ENCODINGS`;
        any other name is refused before the child starts).
    sheet : str, optional
        The workbook sheet to read, by name or number (default: the first that holds a table).

    Returns
    -------
    dict
        The reader's result (see :func:`kzatlas.ingest.readers.read`), its notes and row errors
        rebuilt as :class:`~kzatlas.ingest.messages.Message` objects.

    Raises
    ------
    RefusalError
        When the reader refused the file, ran out of time or memory, or crashed.
    """
    if encoding is not None and encoding not in ENCODINGS:
        raise unknown_encoding(encoding)
    out = folder / RESULT_NAME
    settings = json.dumps({name: getattr(limits, name) for name in LIMIT_NAMES})
    # -I: no user site or environment paths; -B: the reader writes nothing but its result file.
    command = [sys.executable, "-I", "-B", "-c", BOOTSTRAP, str(ROOT), fmt, str(source), str(out), settings, encoding or "", _argument(sheet)]
    try:
        process = subprocess.run(
            command,
            env=child_environment(),
            cwd=folder,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            timeout=limits.PARSE_TIMEOUT_SECONDS,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise RefusalError(
            N_("reading the file took longer than {seconds} seconds; it was stopped"), seconds=limits.PARSE_TIMEOUT_SECONDS
        ) from exc
    except OSError as exc:
        raise RefusalError(N_("the file could not be read: the reader could not be started")) from exc
    if not out.is_file():
        raise RefusalError(_message_for_exit(process.returncode))
    if out.stat().st_size > limits.MAX_RESULT_BYTES:
        raise RefusalError(TOO_MUCH_DATA)
    try:
        result = json.loads(out.read_text(encoding="utf-8"))
    except (ValueError, OSError, RecursionError) as exc:
        raise RefusalError(_message_for_exit(process.returncode)) from exc
    if not isinstance(result, dict):
        raise RefusalError(N_("the file could not be read: the reader gave no result"))
    if "refused" in result:
        refused = from_wire(result["refused"])
        raise RefusalError(refused if isinstance(refused, Message) else Message(str(refused)))
    return decode_messages(result)


# ------------------------------------------------------------------ in the child


def _limit_resources() -> None:
    import resource

    memory = int(limits.PARSE_MEMORY_BYTES)
    cpu = int(limits.PARSE_CPU_SECONDS)
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 2))
    resource.setrlimit(resource.RLIMIT_FSIZE, (limits.MAX_RESULT_BYTES + 1, limits.MAX_RESULT_BYTES + 1))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    # Writing past RLIMIT_FSIZE then fails with an error instead of killing the process.
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)


def child_main(argv: list[str]) -> None:
    """Entry point of the reading process: ``FORMAT SOURCE RESULT LIMITS_JSON ENCODING SHEET``.

    Parameters
    ----------
    argv : list of str
        The format, the file to read, where to write the result, the parent's limits and the
        chosen text encoding (empty: detect it) and the chosen sheet (empty: propose one).
    """
    fmt, source, out, settings, *chosen = argv
    encoding = chosen[0] if chosen and chosen[0] in ENCODINGS else None
    sheet = chosen[1] if len(chosen) > 1 and chosen[1] else None
    for name, value in json.loads(settings).items():
        if name in LIMIT_NAMES:
            setattr(limits, name, value)
    _limit_resources()
    from kzatlas.ingest import readers
    from kzatlas.ingest.sniff import FORMAT_LABELS

    try:
        result = readers.read(fmt, Path(source), encoding, sheet)
    except RefusalError as refusal:
        result = {"refused": refusal.reason}
    except MemoryError:
        result = {
            "refused": Message(
                N_("reading the file needs more than {megabytes} MB of memory; it was stopped"),
                megabytes=limits.PARSE_MEMORY_BYTES // (1024 * 1024),
            )
        }
    except RecursionError:
        result = {"refused": Message(N_("the file is nested too deeply to read"))}
    except Exception as exc:  # anything a damaged file makes a library raise
        label = FORMAT_LABELS.get(fmt)
        result = {
            "refused": Message(
                N_("the file could not be read as {format} ({error})"),
                format=Message(label) if label else fmt,
                error=type(exc).__name__,
            )
        }
    try:
        text = json.dumps(encode_messages(result), ensure_ascii=True)
    except (ValueError, TypeError, MemoryError, RecursionError):
        unpassable = Message(N_("the file could not be read: its content could not be passed on"))
        text = json.dumps({"refused": to_wire(unpassable)})
    try:
        Path(out).write_text(text, encoding="ascii")
    except OSError:
        Path(out).unlink(missing_ok=True)
        Path(out).write_text(json.dumps({"refused": to_wire(Message(TOO_MUCH_DATA))}))
