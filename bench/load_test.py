"""Many users at once: concurrent sessions speaking Streamlit's own websocket protocol.

Each session does what the browser does, without the browser: it opens ``/_stcore/stream`` (with
the ``streamlit`` subprotocol), asks for a page with a ``rerun_script`` message carrying the page,
the address's query string and the state of every widget it has seen (as the frontend keeps
them), and reads the server's messages until ``script_finished``. A filter change is the same
message with one widget's value changed, so the server runs the page script for real; the
"Matching features" figure it sends back is recorded to show that the filter took effect.

Two workloads:

* ``load`` (default): N sessions (default 25) open the map explorer, then each makes K filter
  changes (Kind, then Region, in turn) with a think time between them. Reports latency
  percentiles of the filter changes and of the page opens, errors and throughput.
* ``soak``: M sessions (default 5) make R reruns each (default 200) across pages (map explorer
  filters, protected areas, region profile with changing regions, projects by theme, about the
  data), sampling the server's memory every 20 reruns per session; reports the growth after
  the warm-up against ``--max-growth-mb``.

The server: ``--url`` (one or more, sessions are spread over them in turn; 127.0.0.1 only),
or none, and the script starts ``streamlit run serve.py`` on a free loopback port, reads its
memory from /proc, and stops it at the end. Everything is bounded: at most 100 sessions, a
deadline for the whole run (``--duration``), a timeout for every rerun.

Run: ``.venv/bin/python bench/load_test.py [--sessions 25] [--changes 5] [--json out.json]``
     ``.venv/bin/python bench/load_test.py soak [--sessions 5] [--reruns 200]``
Exit code 0 when every session completed its reruns without an error (and, for ``soak``, the
growth is within the bound); the latency target is reported, not enforced.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import websockets

# Only Streamlit's message definitions (protobuf), to speak its wire protocol as a client.
from streamlit.proto.BackMsg_pb2 import BackMsg  # noqa: TID251
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg  # noqa: TID251
from streamlit.proto.WidgetStates_pb2 import WidgetState  # noqa: TID251

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from localnet import free_port, streamlit_healthy  # noqa: E402

MAX_SESSIONS = 100
MAX_RERUNS_PER_SESSION = 2000
P95_TARGET_S = 1.5
SOAK_SAMPLE_EVERY = 20
SERVER_START_TIMEOUT_S = 90.0
MATCHING_LABEL = "Matching features"
LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1"}

# Widgets whose value the frontend keeps and sends back on every rerun, and how it encodes them.
# Buttons (triggers) and custom components (st_folium's value comes from Leaflet) are left out:
# a browser sends them only when a user clicks.
KEPT_WIDGETS = ("text_input", "text_area", "multiselect", "selectbox", "radio", "checkbox", "slider")


class LoadError(Exception):
    """A rerun that did not finish cleanly; ``kind`` groups them in the report."""

    def __init__(self, kind: str, detail: str = "") -> None:
        super().__init__(f"{kind}: {detail}" if detail else kind)
        self.kind = kind


@dataclass
class Widget:
    """One widget as the last run drew it."""

    kind: str
    id: str
    label: str
    options: tuple[str, ...]


@dataclass
class RunResult:
    """What one rerun sent back."""

    seconds: float
    widgets: list[Widget]
    metrics: dict[str, str]
    deltas: int
    received_bytes: int


def _initial_state(kind: str, element) -> WidgetState | None:
    """The value the frontend would hold for a widget it has just drawn (``None``: it holds none)."""
    state = WidgetState(id=element.id)
    if kind in ("text_input", "text_area"):
        if element.set_value:
            state.string_value = element.value
        elif element.HasField("default"):
            state.string_value = element.default
        else:
            return None
    elif kind == "multiselect":
        values = list(element.raw_values) if element.set_value else [element.options[i] for i in element.default]
        state.string_array_value.data.extend(values)
    elif kind in ("selectbox", "radio"):
        if element.set_value:
            state.string_value = element.raw_value
        elif element.HasField("default") and element.default < len(element.options):
            state.string_value = element.options[element.default]
        else:
            return None
    elif kind == "checkbox":
        state.bool_value = element.value if element.set_value else element.default
    elif kind == "slider":
        state.double_array_value.data.extend(element.value if element.set_value else element.default)
    return state


class Session:
    """One user's websocket session: pages are asked for, widgets changed, reruns timed."""

    def __init__(self, base_url: str, timeout_s: float) -> None:
        split = urlsplit(base_url)
        self.base_url = base_url.rstrip("/")
        self.stream_url = (
            f"{'wss' if split.scheme == 'https' else 'ws'}://{split.netloc}{split.path.rstrip('/')}/_stcore/stream"
        )
        self.timeout_s = timeout_s
        self.websocket = None
        self.states: dict[str, WidgetState] = {}
        self.query_string = ""
        self.page = ""
        self.widgets: list[Widget] = []

    async def connect(self) -> None:
        try:
            self.websocket = await asyncio.wait_for(
                websockets.connect(self.stream_url, subprotocols=["streamlit"], max_size=None, ping_interval=None),
                self.timeout_s,
            )
        except (OSError, TimeoutError, websockets.WebSocketException) as exc:
            raise LoadError("connect", repr(exc)) from exc

    async def close(self) -> None:
        if self.websocket is not None:
            await self.websocket.close()

    def widget(self, kind: str, label: str) -> Widget:
        for widget in self.widgets:
            if widget.kind == kind and widget.label == label:
                return widget
        raise LoadError("missing widget", f"{kind} {label!r} on page {self.page or 'map_explorer'}")

    async def open_page(self, page: str) -> RunResult:
        """Ask for ``page`` (a URL path such as ``protected_areas``; ``""`` is the home page)."""
        if page != self.page:
            self.page, self.query_string = page, ""
        return await self._rerun()

    async def change(self, widget: Widget, value: list[str] | str) -> RunResult:
        """Set ``widget`` to ``value`` (a list for a multiselect, a string for a selectbox) and rerun."""
        state = WidgetState(id=widget.id)
        if isinstance(value, list):
            state.string_array_value.data.extend(value)
        else:
            state.string_value = value
        self.states[widget.id] = state
        return await self._rerun()

    async def _rerun(self) -> RunResult:
        message = BackMsg()
        client = message.rerun_script
        client.query_string = self.query_string
        client.page_name = self.page
        client.context_info.timezone = "Asia/Almaty"
        client.context_info.locale = "en-US"
        client.context_info.url = f"{self.base_url}/{self.page}" + (
            f"?{self.query_string}" if self.query_string else ""
        )
        client.widget_states.SetInParent()
        client.widget_states.widgets.extend(self.states.values())
        started = time.perf_counter()
        try:
            await self.websocket.send(message.SerializeToString())
            return await asyncio.wait_for(self._read_until_finished(started), self.timeout_s)
        except TimeoutError as exc:
            raise LoadError("timeout", f"no script_finished within {self.timeout_s:.0f} s") from exc
        except websockets.ConnectionClosed as exc:
            raise LoadError("disconnected", repr(exc)) from exc

    async def _read_until_finished(self, started: float) -> RunResult:
        widgets, metrics, drawn = [], {}, {}
        deltas = received = 0
        while True:
            raw = await self.websocket.recv()
            received += len(raw)
            message = ForwardMsg()
            message.ParseFromString(raw)
            kind = message.WhichOneof("type")
            if kind == "delta":
                deltas += 1
                if message.delta.WhichOneof("type") != "new_element":
                    continue
                element = message.delta.new_element
                element_kind = element.WhichOneof("type")
                if element_kind == "exception":
                    raise LoadError("exception", f"{element.exception.type}: {element.exception.message[:200]}")
                if element_kind == "metric":
                    metrics[element.metric.label] = element.metric.body
                elif element_kind in KEPT_WIDGETS:
                    widget_proto = getattr(element, element_kind)
                    options = tuple(getattr(widget_proto, "options", ()))
                    widgets.append(Widget(element_kind, widget_proto.id, widget_proto.label, options))
                    drawn[widget_proto.id] = (element_kind, widget_proto)
            elif kind == "page_info_changed":
                self.query_string = message.page_info_changed.query_string
            elif kind == "page_not_found":
                raise LoadError("page not found", self.page)
            elif kind == "session_event" and message.session_event.HasField("script_compilation_exception"):
                raise LoadError("exception", message.session_event.script_compilation_exception.message[:200])
            elif kind == "script_finished":
                status = message.script_finished
                if status != ForwardMsg.FINISHED_SUCCESSFULLY:
                    raise LoadError("unfinished", ForwardMsg.ScriptFinishedStatus.Name(status))
                seconds = time.perf_counter() - started
                self._keep_states(drawn)
                self.widgets = widgets
                return RunResult(seconds, widgets, metrics, deltas, received)

    def _keep_states(self, drawn: dict) -> None:
        """Hold a value for every widget drawn in this run, as the frontend does; forget the rest."""
        kept = {}
        for widget_id, (kind, element) in drawn.items():
            if widget_id in self.states and not getattr(element, "set_value", False):
                kept[widget_id] = self.states[widget_id]
            else:
                state = _initial_state(kind, element)
                if state is not None:
                    kept[widget_id] = state
        self.states = kept


# ------------------------------------------------------------------ workloads


@dataclass
class Sample:
    """One timed rerun."""

    session: int
    step: str
    seconds: float
    matching: str | None
    filters: str


@dataclass
class Tally:
    """Everything the sessions measured, shared between them."""

    samples: list[Sample] = field(default_factory=list)
    errors: dict[str, int] = field(default_factory=dict)
    error_examples: list[str] = field(default_factory=list)
    reruns_done: dict[int, int] = field(default_factory=dict)
    received_bytes: int = 0

    def record(self, session: int, step: str, result: RunResult, filters: str = "") -> None:
        self.samples.append(Sample(session, step, result.seconds, result.metrics.get(MATCHING_LABEL), filters))
        self.reruns_done[session] = self.reruns_done.get(session, 0) + 1
        self.received_bytes += result.received_bytes

    def fail(self, error: LoadError) -> None:
        self.errors[error.kind] = self.errors.get(error.kind, 0) + 1
        if len(self.error_examples) < 10:
            self.error_examples.append(str(error))


def _filter_value(index: int, options: tuple[str, ...], step: int) -> list[str]:
    """Every third change of a widget clears it; the others pick one option, different per session."""
    if (step // 2) % 3 == 2 or not options:
        return []
    return [options[(index * 7 + step) % len(options)]]


async def load_session(
    index: int, base_url: str, changes: int, think_s: float, deadline: float, tally: Tally, timeout_s: float
) -> None:
    """Open the map explorer, then change Kind and Region in turn ``changes`` times."""
    session = Session(base_url, timeout_s)
    rng = random.Random(index)
    try:
        await session.connect()
        tally.record(index, "open", await session.open_page(""))
        chosen = {"Kind": [], "Region": []}
        for step in range(changes):
            if time.monotonic() + think_s > deadline:
                raise LoadError("deadline", f"session {index} stopped after {step} of {changes} changes")
            await asyncio.sleep(think_s * rng.uniform(0.5, 1.5))
            label = ("Kind", "Region")[step % 2]
            widget = session.widget("multiselect", label)
            chosen[label] = _filter_value(index, widget.options, step)
            result = await session.change(widget, chosen[label])
            tally.record(index, "filter", result, json.dumps(chosen, sort_keys=True, ensure_ascii=False))
    except LoadError as error:
        tally.fail(error)
    finally:
        await session.close()


# One soak round: each entry is a page and what to change there (widget kind and label), if anything.
SOAK_ROUND = (
    ("", ("multiselect", "Kind")),
    ("", ("multiselect", "Region")),
    ("protected_areas", None),
    ("region_profile", ("selectbox", "Region")),
    ("projects", ("multiselect", "Theme")),
    ("about_data", None),
)


async def soak_session(index: int, base_url: str, reruns: int, deadline: float, tally: Tally, timeout_s: float) -> None:
    """``reruns`` reruns across the pages of :data:`SOAK_ROUND`, opening each page then changing its widget."""
    session = Session(base_url, timeout_s)
    done = 0
    try:
        await session.connect()
        step = 0
        while done < reruns:
            page, target = SOAK_ROUND[step % len(SOAK_ROUND)]
            if time.monotonic() > deadline:
                raise LoadError("deadline", f"session {index} stopped after {done} of {reruns} reruns")
            if session.page != page or target is None or not session.widgets:
                tally.record(index, f"open {page or 'map_explorer'}", await session.open_page(page))
                done += 1
            if target is not None and done < reruns:
                widget = session.widget(*target)
                if target[0] == "selectbox":
                    value = widget.options[(index + step) % len(widget.options)]
                else:
                    value = _filter_value(index, widget.options, step)
                tally.record(index, f"change {page or 'map_explorer'}", await session.change(widget, value))
                done += 1
            step += 1
    except LoadError as error:
        tally.fail(error)
    finally:
        await session.close()


# ------------------------------------------------------------------ the server


@dataclass
class Server:
    """A ``streamlit run serve.py`` this script started, in its own process group."""

    process: subprocess.Popen
    url: str
    log_path: Path

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=15)


def start_server(script: str = "serve.py", env_overrides: dict[str, str] | None = None) -> Server:
    """Start the atlas with its bundled data on a free loopback port; return once it is healthy.

    ``env_overrides`` are added to the server's environment (e.g. ``KZATLAS_STORE_URL``).
    """
    python = ROOT / ".venv" / "bin" / "python"
    port = free_port()
    log_path = Path(tempfile.mkdtemp(prefix="kzatlas-load-")) / "server.log"
    env = {key: value for key, value in os.environ.items() if key != "KZATLAS_GEODATA_DIR"}
    env.update(env_overrides or {})
    command = [str(python if python.exists() else sys.executable), "-m", "streamlit", "run", script]
    command += ["--server.port", str(port), "--server.address", "127.0.0.1", "--server.headless", "true"]
    command += ["--browser.gatherUsageStats", "false"]
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
    server = Server(process, f"http://127.0.0.1:{port}", log_path)
    deadline = time.monotonic() + SERVER_START_TIMEOUT_S
    while not streamlit_healthy(server.url):
        if process.poll() is not None or time.monotonic() > deadline:
            server.stop()
            raise RuntimeError(f"the server did not start; log: {log_path}")
        time.sleep(0.2)
    return server


def process_rss_mb(pid: int) -> float | None:
    """Resident memory of ``pid`` and its children in MB (from /proc), or None when unreadable."""
    total_kb, pids = 0, [pid]
    while pids:
        current = pids.pop()
        try:
            status = Path(f"/proc/{current}/status").read_text()
        except OSError:
            if current == pid:
                return None
            continue
        total_kb += next((int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:")), 0)
        for task in Path(f"/proc/{current}/task").glob("*/children"):
            try:
                pids.extend(int(child) for child in task.read_text().split())
            except OSError:
                pass
    return total_kb / 1024


def process_cpu_s(pid: int) -> float | None:
    """CPU time (user + system) that ``pid`` has used so far, in seconds, or None when unreadable."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _probe(pid: int | None, reader: Callable[[int], float | None]) -> float | None:
    return None if pid is None else reader(pid)


# ------------------------------------------------------------------ reporting


def percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile (no interpolation): the value at least ``fraction`` of the samples reach."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


def latency_summary(seconds: list[float]) -> dict[str, float | int]:
    if not seconds:
        return {"count": 0}
    return {
        "count": len(seconds),
        "p50": percentile(seconds, 0.50),
        "p95": percentile(seconds, 0.95),
        "p99": percentile(seconds, 0.99),
        "max": max(seconds),
        "mean": statistics.fmean(seconds),
    }


def filter_consistency(samples: list[Sample]) -> dict[str, list[str]]:
    """Filter set -> the distinct "Matching features" figures the server sent for it (one each if consistent)."""
    seen: dict[str, set[str]] = {}
    for sample in samples:
        if sample.filters:
            seen.setdefault(sample.filters, set()).add(sample.matching or "?")
    return {key: sorted(values) for key, values in sorted(seen.items())}


def _cpu_per_rerun(before: float | None, after: float | None, reruns: int) -> float | None:
    return None if before is None or after is None or not reruns else round((after - before) / reruns, 3)


def machine() -> dict[str, object]:
    load = os.getloadavg()
    model = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        "unknown",
    )
    return {"cpus": os.cpu_count(), "cpu_model": model, "load_average": [round(value, 2) for value in load]}


def _format_latency(name: str, summary: dict) -> str:
    if not summary.get("count"):
        return f"{name:<15} no samples"
    return (
        f"{name:<15} n={summary['count']:<5} p50 {summary['p50']:.3f} s  p95 {summary['p95']:.3f} s  "
        f"p99 {summary['p99']:.3f} s  max {summary['max']:.3f} s"
    )


# ------------------------------------------------------------------ running


def _check_urls(urls: list[str]) -> None:
    for url in urls:
        host = urlsplit(url).hostname
        if host not in LOOPBACK_HOSTS:
            raise SystemExit(f"load tests may only target this machine (127.0.0.1), not {host!r}")


async def _run_sessions(
    make: Callable[[int, str], object], sessions: int, urls: list[str], duration_s: float, ramp_s: float
) -> None:
    async def delayed(index: int):
        await asyncio.sleep(ramp_s * index / max(sessions, 1))
        await make(index, urls[index % len(urls)])

    tasks = [asyncio.create_task(delayed(index)) for index in range(sessions)]
    done, pending = await asyncio.wait(tasks, timeout=duration_s + 30)
    for task in pending:
        task.cancel()
    await asyncio.gather(*pending, return_exceptions=True)
    for task in done:
        task.result()


def run_load(
    urls: list[str],
    sessions: int = 25,
    changes: int = 5,
    think_s: float = 2.0,
    duration_s: float = 120.0,
    timeout_s: float = 30.0,
    ramp_s: float = 0.0,
    pid: int | None = None,
    keep_samples: bool = False,
) -> dict:
    """Run the ``load`` workload against ``urls`` and return the report as a dict.

    ``pid``: the server process (one server), whose memory and CPU time are reported.
    ``keep_samples``: also return every filter change's and page open's seconds (to pool runs).
    """
    if not 1 <= sessions <= MAX_SESSIONS:
        raise ValueError(f"sessions must be 1..{MAX_SESSIONS}")
    tally = Tally()
    rss_before, cpu_before = _probe(pid, process_rss_mb), _probe(pid, process_cpu_s)
    started = time.monotonic()
    deadline = started + duration_s

    async def one(index: int, url: str):
        await load_session(index, url, changes, think_s, deadline, tally, timeout_s)

    asyncio.run(_run_sessions(one, sessions, urls, duration_s, ramp_s))
    wall = time.monotonic() - started
    cpu_after = _probe(pid, process_cpu_s)
    filters = [s.seconds for s in tally.samples if s.step == "filter"]
    incomplete = [i for i in range(sessions) if tally.reruns_done.get(i, 0) < changes + 1]
    report = {
        "workload": "load",
        "urls": urls,
        "sessions": sessions,
        "changes_per_session": changes,
        "think_time_s": think_s,
        "wall_s": round(wall, 2),
        "reruns": len(tally.samples),
        "throughput_reruns_per_s": round(len(tally.samples) / wall, 2) if wall else 0.0,
        "filter_change": latency_summary(filters),
        "page_open": latency_summary([s.seconds for s in tally.samples if s.step == "open"]),
        "errors": sum(tally.errors.values()),
        "errors_by_kind": tally.errors,
        "error_examples": tally.error_examples,
        "incomplete_sessions": incomplete,
        "matching_by_filters": filter_consistency(tally.samples),
        "received_mb": round(tally.received_bytes / 1e6, 2),
        "rss_mb_before": rss_before,
        "rss_mb_after": _probe(pid, process_rss_mb),
        "server_cpu_s_per_rerun": _cpu_per_rerun(cpu_before, cpu_after, len(tally.samples)),
        "p95_target_s": P95_TARGET_S,
        "machine": machine(),
    }
    if keep_samples:
        report["filter_change_s"] = filters
        report["page_open_s"] = [s.seconds for s in tally.samples if s.step == "open"]
    return report


def run_soak(
    urls: list[str],
    sessions: int = 5,
    reruns: int = 200,
    duration_s: float = 900.0,
    timeout_s: float = 60.0,
    pid: int | None = None,
    warmup_reruns: int = 40,
) -> dict:
    """Run the ``soak`` workload; memory is sampled every :data:`SOAK_SAMPLE_EVERY` reruns per session."""
    if not 1 <= sessions <= MAX_SESSIONS or not 1 <= reruns <= MAX_RERUNS_PER_SESSION:
        raise ValueError("sessions or reruns out of bounds")
    tally = Tally()
    curve: list[tuple[int, float, float]] = []
    cpu_before = _probe(pid, process_cpu_s)
    started = time.monotonic()
    deadline = started + duration_s

    async def sampler():
        next_mark = 0
        while True:
            per_session = len(tally.samples) / sessions
            if per_session >= next_mark:
                value = _probe(pid, process_rss_mb)
                if value is not None:
                    curve.append((next_mark, round(time.monotonic() - started, 1), round(value, 1)))
                next_mark += SOAK_SAMPLE_EVERY
            await asyncio.sleep(0.2)

    async def main():
        watcher = asyncio.create_task(sampler())

        async def one(index: int, url: str):
            await soak_session(index, url, reruns, deadline, tally, timeout_s)

        try:
            await _run_sessions(one, sessions, urls, duration_s, 0.0)
        finally:
            watcher.cancel()

    asyncio.run(main())
    final = _probe(pid, process_rss_mb)
    if final is not None:
        curve.append((round(len(tally.samples) / sessions), round(time.monotonic() - started, 1), round(final, 1)))
    after_warmup = [point for point in curve if point[0] >= warmup_reruns]
    growth = after_warmup[-1][2] - after_warmup[0][2] if len(after_warmup) >= 2 else None
    wall = time.monotonic() - started
    return {
        "workload": "soak",
        "urls": urls,
        "sessions": sessions,
        "reruns_per_session": reruns,
        "warmup_reruns_per_session": warmup_reruns,
        "wall_s": round(wall, 1),
        "reruns": len(tally.samples),
        "throughput_reruns_per_s": round(len(tally.samples) / wall, 2) if wall else 0.0,
        "latency": latency_summary([s.seconds for s in tally.samples]),
        "server_cpu_s_per_rerun": _cpu_per_rerun(cpu_before, _probe(pid, process_cpu_s), len(tally.samples)),
        "errors": sum(tally.errors.values()),
        "errors_by_kind": tally.errors,
        "error_examples": tally.error_examples,
        "incomplete_sessions": [i for i in range(sessions) if tally.reruns_done.get(i, 0) < reruns],
        "rss_curve": [{"reruns_per_session": r, "seconds": s, "rss_mb": m} for r, s, m in curve],
        "rss_growth_after_warmup_mb": None if growth is None else round(growth, 1),
        "machine": machine(),
    }


def print_report(report: dict, max_growth_mb: float | None = None) -> None:
    host = report["machine"]
    print(f"machine: {host['cpus']} CPUs ({host['cpu_model']}), load average {host['load_average']}")
    print(f"servers: {', '.join(report['urls'])}")
    print(
        f"{report['sessions']} sessions, {report['reruns']} reruns in {report['wall_s']} s: {report['throughput_reruns_per_s']} reruns/s"
    )
    if report["workload"] == "load":
        print(
            f"think time {report['think_time_s']} s (x0.5-1.5), {report['changes_per_session']} filter changes per session"
        )
        print(_format_latency("filter change", report["filter_change"]))
        print(_format_latency("page open", report["page_open"]))
        p95 = report["filter_change"].get("p95")
        if p95 is not None:
            verdict = "meets" if p95 <= P95_TARGET_S else f"misses by {p95 - P95_TARGET_S:.3f} s"
            print(f"target: filter-change p95 <= {P95_TARGET_S} s with 0 errors: p95 {verdict}")
        inconsistent = {key: values for key, values in report["matching_by_filters"].items() if len(values) > 1}
        print(f"filter sets seen: {len(report['matching_by_filters'])}, with inconsistent results: {len(inconsistent)}")
    else:
        print(_format_latency("rerun", report["latency"]))
        for point in report["rss_curve"]:
            print(
                f"  after {point['reruns_per_session']:>4} reruns/session ({point['seconds']:>6} s): {point['rss_mb']:.1f} MB"
            )
        growth = report["rss_growth_after_warmup_mb"]
        if growth is not None and max_growth_mb is not None:
            verdict = "within" if growth <= max_growth_mb else "OVER"
            print(f"growth after warm-up: {growth:+.1f} MB ({verdict} the bound of {max_growth_mb} MB)")
    if report.get("server_cpu_s_per_rerun") is not None:
        print(f"server CPU time per rerun: {report['server_cpu_s_per_rerun']:.3f} s")
    if report.get("rss_mb_before") is not None:
        print(f"server memory: {report['rss_mb_before']:.1f} MB before, {report['rss_mb_after']:.1f} MB after")
    print(
        f"errors: {report['errors']} {report['errors_by_kind'] or ''}; incomplete sessions: {len(report['incomplete_sessions'])}"
    )
    for example in report["error_examples"]:
        print(f"  {example}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Concurrent Streamlit sessions against the atlas (127.0.0.1 only).")
    parser.add_argument("workload", nargs="?", choices=("load", "soak"), default="load")
    parser.add_argument(
        "--url", action="append", default=[], help="a running server (repeat for several); default: start one"
    )
    parser.add_argument("--sessions", type=int, help="concurrent sessions (load: 25, soak: 5; at most 100)")
    parser.add_argument("--changes", type=int, default=5, help="load: filter changes per session")
    parser.add_argument("--think", type=float, default=2.0, help="load: mean seconds between a session's changes")
    parser.add_argument("--ramp", type=float, default=0.0, help="load: seconds over which sessions start")
    parser.add_argument("--reruns", type=int, default=200, help="soak: reruns per session")
    parser.add_argument("--max-growth-mb", type=float, default=50.0, help="soak: allowed memory growth after warm-up")
    parser.add_argument("--duration", type=float, help="deadline for the whole run in seconds (load 120, soak 1200)")
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds one rerun may take")
    parser.add_argument("--server-pid", type=int, help="with one --url: that server's process, for memory and CPU")
    parser.add_argument("--json", type=Path, help="also write the report here")
    args = parser.parse_args(argv)
    _check_urls(args.url)

    server = None if args.url else start_server()
    urls = args.url or [server.url]
    pid = server.process.pid if server else args.server_pid
    try:
        if args.workload == "load":
            report = run_load(
                urls,
                args.sessions or 25,
                args.changes,
                args.think,
                args.duration or 120.0,
                args.timeout,
                args.ramp,
                pid,
            )
            ok = report["errors"] == 0 and not report["incomplete_sessions"]
            print_report(report)
        else:
            report = run_soak(urls, args.sessions or 5, args.reruns, args.duration or 1200.0, args.timeout, pid)
            growth = report["rss_growth_after_warmup_mb"]
            report["max_growth_mb"] = args.max_growth_mb
            ok = report["errors"] == 0 and not report["incomplete_sessions"]
            ok = ok and (growth is None or growth <= args.max_growth_mb)
            print_report(report, args.max_growth_mb)
    finally:
        if server:
            server.stop()
    if args.json:
        args.json.write_text(json.dumps(report, indent=2, ensure_ascii=False))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
