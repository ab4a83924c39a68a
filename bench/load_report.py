"""Figures of a load or soak run: latency percentiles, server memory and CPU from /proc, the printed report."""

from __future__ import annotations

import math
import os
import statistics
from collections.abc import Callable
from pathlib import Path

from load_workloads import Sample

# Only Streamlit's message definitions (protobuf), to speak its wire protocol as a client.


P95_TARGET_S = 1.5  # the filter-change target the report states


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


def probe(pid: int | None, reader: Callable[[int], float | None]) -> float | None:
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


def cpu_per_rerun(before: float | None, after: float | None, reruns: int) -> float | None:
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
