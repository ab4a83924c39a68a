"""Read an uploaded file in a separate, resource-limited process.

The app never parses an upload in its own process. :func:`run_reader` starts
``python -I -c <bootstrap>`` with the reader's arguments; the child first caps its own
address space (``RLIMIT_AS``), CPU time (``RLIMIT_CPU``), the size of files it may write
(``RLIMIT_FSIZE``) and core dumps, then reads the file with :mod:`kzatlas.ingest.readers`
and writes the result as JSON (shapes as base64 WKB) into the temporary folder it was given.
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
from kzatlas.ingest.errors import RefusalError

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


def _message_for_exit(code: int) -> str:
    if code in (-signal.SIGXCPU, -signal.SIGKILL):
        return f"reading the file used more than {limits.PARSE_CPU_SECONDS} seconds of processing time; it was stopped"
    if code in (-signal.SIGSEGV, -signal.SIGABRT, -signal.SIGBUS):
        return "the reader stopped on this file (it may be damaged or built to crash readers); nothing was imported"
    return "the file could not be read: the reader stopped unexpectedly"


def run_reader(fmt: str, source: Path, folder: Path) -> dict:
    """Read ``source`` in a child process within the limits of :mod:`kzatlas.ingest.limits`.

    Parameters
    ----------
    fmt : str
        The sniffed format.
    source : Path
        The file to read, inside ``folder``.
    folder : Path
        A temporary folder owned by the caller; the child writes its result there only.

    Returns
    -------
    dict
        The reader's result (see :func:`kzatlas.ingest.readers.read`).

    Raises
    ------
    RefusalError
        When the reader refused the file, ran out of time or memory, or crashed.
    """
    out = folder / RESULT_NAME
    settings = json.dumps({name: getattr(limits, name) for name in LIMIT_NAMES})
    # -I: no user site or environment paths; -B: the reader writes nothing but its result file.
    command = [sys.executable, "-I", "-B", "-c", BOOTSTRAP, str(ROOT), fmt, str(source), str(out), settings]
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
        raise RefusalError(f"reading the file took longer than {limits.PARSE_TIMEOUT_SECONDS} seconds; it was stopped") from exc
    except OSError as exc:
        raise RefusalError("the file could not be read: the reader could not be started") from exc
    if not out.is_file():
        raise RefusalError(_message_for_exit(process.returncode))
    if out.stat().st_size > limits.MAX_RESULT_BYTES:
        raise RefusalError("the file holds more data than the atlas accepts from one import")
    try:
        result = json.loads(out.read_text(encoding="utf-8"))
    except (ValueError, OSError, RecursionError) as exc:
        raise RefusalError(_message_for_exit(process.returncode)) from exc
    if not isinstance(result, dict):
        raise RefusalError("the file could not be read: the reader gave no result")
    if "refused" in result:
        raise RefusalError(str(result["refused"]))
    return result


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
    """Entry point of the reading process: ``FORMAT SOURCE RESULT LIMITS_JSON``.

    Parameters
    ----------
    argv : list of str
        The format, the file to read, where to write the result, and the parent's limits.
    """
    fmt, source, out, settings = argv
    for name, value in json.loads(settings).items():
        if name in LIMIT_NAMES:
            setattr(limits, name, value)
    _limit_resources()
    from kzatlas.ingest import readers
    from kzatlas.ingest.sniff import FORMAT_LABELS

    try:
        result = readers.read(fmt, Path(source))
    except RefusalError as refusal:
        result = {"refused": refusal.reason}
    except MemoryError:
        result = {"refused": f"reading the file needs more than {limits.PARSE_MEMORY_BYTES // (1024 * 1024)} MB of memory; it was stopped"}
    except RecursionError:
        result = {"refused": "the file is nested too deeply to read"}
    except Exception as exc:  # anything a damaged file makes a library raise
        result = {"refused": f"the file could not be read as {FORMAT_LABELS.get(fmt, fmt)} ({type(exc).__name__})"}
    try:
        text = json.dumps(result, ensure_ascii=True)
    except (ValueError, TypeError, MemoryError, RecursionError):
        text = json.dumps({"refused": "the file could not be read: its content could not be passed on"})
    try:
        Path(out).write_text(text, encoding="ascii")
    except OSError:
        Path(out).unlink(missing_ok=True)
        Path(out).write_text(json.dumps({"refused": "the file holds more data than the atlas accepts from one import"}))
