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
import sys
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from load_report import (  # noqa: E402
    P95_TARGET_S,
    cpu_per_rerun,
    filter_consistency,
    latency_summary,
    machine,
    print_report,
    probe,
    process_cpu_s,
    process_rss_mb,
)
from load_workloads import MATCHING_LABEL, Tally, load_session, soak_session  # noqa: E402
from localnet import start_streamlit  # noqa: E402
from streamlit_session import Session  # noqa: E402

# The protocol client, the workloads and the report are in streamlit_session.py,
# load_workloads.py and load_report.py; the tests and bench_replicas.py use them through here.
__all__ = ["MATCHING_LABEL", "Session", "latency_summary", "main", "print_report", "run_load", "run_soak"]


MAX_SESSIONS = 100
MAX_RERUNS_PER_SESSION = 2000
SOAK_SAMPLE_EVERY = 20
LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1"}


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
    rss_before, cpu_before = probe(pid, process_rss_mb), probe(pid, process_cpu_s)
    started = time.monotonic()
    deadline = started + duration_s

    async def one(index: int, url: str):
        await load_session(index, url, changes, think_s, deadline, tally, timeout_s)

    asyncio.run(_run_sessions(one, sessions, urls, duration_s, ramp_s))
    wall = time.monotonic() - started
    cpu_after = probe(pid, process_cpu_s)
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
        "rss_mb_after": probe(pid, process_rss_mb),
        "server_cpu_s_per_rerun": cpu_per_rerun(cpu_before, cpu_after, len(tally.samples)),
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
    cpu_before = probe(pid, process_cpu_s)
    started = time.monotonic()
    deadline = started + duration_s

    async def sampler():
        next_mark = 0
        while True:
            per_session = len(tally.samples) / sessions
            if per_session >= next_mark:
                value = probe(pid, process_rss_mb)
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
    final = probe(pid, process_rss_mb)
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
        "server_cpu_s_per_rerun": cpu_per_rerun(cpu_before, probe(pid, process_cpu_s), len(tally.samples)),
        "errors": sum(tally.errors.values()),
        "errors_by_kind": tally.errors,
        "error_examples": tally.error_examples,
        "incomplete_sessions": [i for i in range(sessions) if tally.reruns_done.get(i, 0) < reruns],
        "rss_curve": [{"reruns_per_session": r, "seconds": s, "rss_mb": m} for r, s, m in curve],
        "rss_growth_after_warmup_mb": None if growth is None else round(growth, 1),
        "machine": machine(),
    }




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

    server = None if args.url else start_streamlit("serve.py")
    urls = args.url or [server.base_url]
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
