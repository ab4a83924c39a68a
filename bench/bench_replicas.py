"""Two replicas behind nginx beside one replica alone: the same load run against each, alternating.

Everything is on 127.0.0.1 and thrown away at the end: a PostgreSQL/PostGIS cluster in a
temporary folder (``tests/pgcluster.py``), two ``streamlit run serve.py`` replicas with
``KZATLAS_STORE_URL`` pointing at it (``localnet.start_streamlit``), and Debian's nginx with the
shipped ``deploy/nginx/loadbalancer.conf`` in front of both, only its ports and paths changed
(``tests/nginxkit.py``, the same configuration the replica test runs).

Both replicas first get a short warm-up run each, so neither pays for its cold caches (or the
first copy of the catalogue into the database) in a measured round. Then the same ``load``
workload of ``load_test.py`` (sessions opening the map explorer and changing its filters) runs
against (a) replica 1 directly and (b) nginx in front of replicas 1 and 2, in the order
a, b, a, b, ... so that the other work on a shared machine falls on both alike. Reported for
each: reruns per second, filter-change latency p50/p95 (pooled over its rounds), errors, the
replicas' CPU time per rerun and how many CPUs they kept busy, and the ratio b / a.

One replica reruns pages one at a time under Python's interpreter lock, so it uses at most one
CPU; two can use two. On a 2-CPU machine, which also runs this load generator and nginx, b / a
can therefore be at most about 2.

Run: ``.venv/bin/python bench/bench_replicas.py [--sessions 16] [--changes 3] [--rounds 2]``
Shorter: ``--sessions 8 --changes 2 --rounds 1``. ``--budget`` (default 240 s) bounds the whole
run: a pair of rounds that would not fit is not started. Exit code 0 when no round had an error.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

import load_test  # noqa: E402
from localnet import StreamlitServer, free_port, start_streamlit  # noqa: E402
from nginxkit import NGINX, NGINX_DIR, start_nginx  # noqa: E402
from pgcluster import PgCluster, missing_reason  # noqa: E402

SITE_CONF = NGINX_DIR / "loadbalancer.conf"
MAX_ROUNDS = 5
# Time the run may take beyond a round's own deadline: a rerun in flight at the deadline.
ROUND_GRACE_S = 15.0


def _cpu_seconds(pids: list[int]) -> float | None:
    values = [load_test.process_cpu_s(pid) for pid in pids]
    return None if any(value is None for value in values) else sum(values)


def _stream_upstreams(access_log: Path, skip_bytes: int) -> tuple[dict[str, int], int]:
    """Websockets nginx handed to each replica since byte ``skip_bytes`` of its log, and the log's size.

    nginx writes a websocket's line when it closes: after the round's sessions have closed.
    """
    try:
        data = access_log.read_bytes()
    except OSError:
        return {}, skip_bytes
    counts: dict[str, int] = {}
    for line in data[skip_bytes:].decode(errors="replace").splitlines():
        parts = line.split(" ")
        if len(parts) >= 3 and parts[0] == "/_stcore/stream":
            # A retried request lists every replica tried; the last one answered.
            replica = parts[-2].rsplit(",", 1)[-1].strip()
            counts[replica] = counts.get(replica, 0) + 1
    return counts, len(data)


def run_round(config: str, url: str, pids: list[int], args: argparse.Namespace, access_log: Path | None) -> dict:
    """One load run against ``url``; the CPU time of the replicas ``pids`` is read before and after."""
    log_offset = access_log.stat().st_size if access_log and access_log.exists() else 0
    load_before = os.getloadavg()[0]
    cpu_before = _cpu_seconds(pids)
    client_before = time.process_time()
    report = load_test.run_load(
        [url],
        sessions=args.sessions,
        changes=args.changes,
        think_s=args.think,
        duration_s=args.round_duration,
        timeout_s=args.timeout,
        keep_samples=True,
    )
    client_cpu = time.process_time() - client_before
    cpu_after = _cpu_seconds(pids)
    server_cpu = None if cpu_before is None or cpu_after is None else cpu_after - cpu_before
    split = {}
    if access_log is not None:
        time.sleep(0.5)  # let nginx write the closed websockets' lines
        split, _ = _stream_upstreams(access_log, log_offset)
    return {
        "config": config,
        "load_average_at_start": round(load_before, 2),
        "wall_s": report["wall_s"],
        "reruns": report["reruns"],
        "throughput_reruns_per_s": report["throughput_reruns_per_s"],
        "filter_change": report["filter_change"],
        "page_open": report["page_open"],
        "errors": report["errors"] + len(report["incomplete_sessions"]),
        "errors_by_kind": report["errors_by_kind"],
        "error_examples": report["error_examples"],
        "server_cpu_s": None if server_cpu is None else round(server_cpu, 2),
        "server_cpu_s_per_rerun": round(server_cpu / report["reruns"], 3) if server_cpu and report["reruns"] else None,
        "server_cpus_busy": round(server_cpu / report["wall_s"], 2) if server_cpu and report["wall_s"] else None,
        "load_generator_cpu_s": round(client_cpu, 2),
        "sessions_per_replica": split,
        "_filter_s": report["filter_change_s"],
        "_open_s": report["page_open_s"],
    }


def summarise(rounds: list[dict]) -> dict:
    """One configuration's rounds pooled: reruns over total time, percentiles over every sample."""
    wall = sum(item["wall_s"] for item in rounds)
    reruns = sum(item["reruns"] for item in rounds)
    cpu = [item["server_cpu_s"] for item in rounds]
    cpu_total = None if any(value is None for value in cpu) else sum(cpu)
    return {
        "rounds": len(rounds),
        "reruns": reruns,
        "wall_s": round(wall, 2),
        "throughput_reruns_per_s": round(reruns / wall, 2) if wall else 0.0,
        "round_throughputs": [item["throughput_reruns_per_s"] for item in rounds],
        "filter_change": load_test.latency_summary([s for item in rounds for s in item["_filter_s"]]),
        "page_open": load_test.latency_summary([s for item in rounds for s in item["_open_s"]]),
        "errors": sum(item["errors"] for item in rounds),
        "server_cpu_s_per_rerun": round(cpu_total / reruns, 3) if cpu_total and reruns else None,
        "server_cpus_busy": round(cpu_total / wall, 2) if cpu_total and wall else None,
        "load_average_at_starts": [item["load_average_at_start"] for item in rounds],
    }


def _ratio(b: float | None, a: float | None) -> float | None:
    return round(b / a, 2) if a and b is not None else None


def print_summary(result: dict) -> None:
    host = result["machine"]
    print()
    print(f"machine: {host['cpus']} CPUs ({host['cpu_model']})")
    print(f"load average at start {result['load_average_start']}, at end {result['load_average_end']}")
    print(
        f"workload: {result['sessions']} sessions x (1 page open + {result['changes']} filter changes), "
        f"think time {result['think_s']} s (x0.5-1.5), rounds in the order {' '.join(result['order'])}"
    )
    header = f"{'':<28}{'reruns/s':>10}{'p50 s':>9}{'p95 s':>9}{'errors':>8}{'CPU/rerun':>11}{'CPUs busy':>11}"
    print(header)
    for key, name in (("a", "a: one replica"), ("b", "b: nginx + two replicas")):
        summary = result["summary"][key]
        change = summary["filter_change"]
        print(
            f"{name:<28}{summary['throughput_reruns_per_s']:>10.2f}{change.get('p50', float('nan')):>9.2f}"
            f"{change.get('p95', float('nan')):>9.2f}{summary['errors']:>8}"
            f"{summary['server_cpu_s_per_rerun'] or float('nan'):>11.3f}{summary['server_cpus_busy'] or float('nan'):>11.2f}"
        )
        print(f"{'':<28}rounds: {summary['round_throughputs']} reruns/s")
    ratio = result["ratio_b_over_a"]
    print(
        f"b / a: throughput x{ratio['throughput']}, filter-change p50 x{ratio['filter_change_p50']}, "
        f"p95 x{ratio['filter_change_p95']} (at most about 2 on 2 CPUs)"
    )
    splits = [item["sessions_per_replica"] for item in result["rounds"] if item["config"] == "b"]
    print(f"sessions per replica through nginx (affinity cookie hash), per round: {splits}")


def add_round_arguments(
    parser: argparse.ArgumentParser, *, sessions: int, changes: int, think: float, rounds: int, round_s: float, timeout_s: float
) -> None:
    """The options of a run made of load rounds (shared with ``bench_versions.py``), with their defaults."""
    parser.add_argument("--sessions", type=int, default=sessions, help="concurrent sessions per round (at most 100)")
    parser.add_argument("--changes", type=int, default=changes, help="filter changes per session")
    parser.add_argument("--think", type=float, default=think, help="mean seconds between a session's changes")
    parser.add_argument("--rounds", type=int, default=rounds, help=f"rounds of each configuration (at most {MAX_ROUNDS})")
    parser.add_argument("--round-duration", type=float, default=round_s, help="deadline of one round in seconds")
    parser.add_argument("--timeout", type=float, default=timeout_s, help="seconds one rerun may take")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="One replica vs two behind nginx, same load, alternating.")
    add_round_arguments(parser, sessions=16, changes=3, think=1.0, rounds=2, round_s=45.0, timeout_s=30.0)
    parser.add_argument("--budget", type=float, default=240.0, help="seconds the whole run may take (about)")
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args(argv)
    if not 1 <= args.rounds <= MAX_ROUNDS or not 1 <= args.sessions <= load_test.MAX_SESSIONS:
        parser.error(f"--rounds must be 1..{MAX_ROUNDS} and --sessions 1..{load_test.MAX_SESSIONS}")
    reason = missing_reason() or (None if NGINX.exists() else f"{NGINX} is missing: apt-get install -y nginx")
    if reason:
        print(reason, file=sys.stderr)
        return 2

    started = time.monotonic()
    load_start = [round(value, 2) for value in os.getloadavg()]
    # Ctrl-C raises KeyboardInterrupt; a plain kill should clean up the same way.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    cluster = PgCluster()
    replicas: list[StreamlitServer] = []
    nginx = None
    nginx_root = Path(tempfile.mkdtemp(prefix="kzatlas-bench-nginx-"))
    data_dir = Path(tempfile.mkdtemp(prefix="kzatlas-bench-data-"))
    rounds: list[dict] = []
    try:
        cluster.start()
        env = {"KZATLAS_STORE_URL": cluster.create_database(), "KZATLAS_DATA_DIR": str(data_dir)}
        print(f"PostGIS ready on 127.0.0.1:{cluster.port} ({time.monotonic() - started:.0f} s)", flush=True)
        with ThreadPoolExecutor(max_workers=2) as pool:
            futures = [pool.submit(start_streamlit, "serve.py", env) for _ in range(2)]
        failures = []
        for future in futures:
            try:
                replicas.append(future.result())
            except Exception as error:  # the started ones are stopped below, then it is raised
                failures.append(error)
        if failures:
            raise failures[0]
        ports = [urlsplit(server.base_url).port for server in replicas]
        nginx = start_nginx(SITE_CONF.read_text(), ports, nginx_root, free_port())
        print(f"replicas on {ports}, nginx on {urlsplit(nginx.url).port} ({time.monotonic() - started:.0f} s)")

        for server in replicas:  # warm-up, not measured; the first also copies the catalogue in
            warm = load_test.run_load([server.base_url], sessions=2, changes=2, think_s=0.2, duration_s=60, timeout_s=60)
            if warm["errors"] or warm["incomplete_sessions"]:
                raise RuntimeError(f"warm-up on {server.base_url} failed: {warm['error_examples']}")
        print(f"warmed up ({time.monotonic() - started:.0f} s)", flush=True)

        configs = {
            "a": (replicas[0].base_url, [replicas[0].process.pid], None),
            "b": (nginx.url, [server.process.pid for server in replicas], nginx.root / "access.log"),
        }
        pair_s = 2 * (args.round_duration + ROUND_GRACE_S)
        for number in range(args.rounds):
            if time.monotonic() - started + pair_s > args.budget and number > 0:
                print(f"budget of {args.budget:.0f} s reached: {number} round(s) of each instead of {args.rounds}")
                break
            for config in ("a", "b"):
                url, pids, access_log = configs[config]
                result = run_round(config, url, pids, args, access_log)
                rounds.append(result)
                change = result["filter_change"]
                print(
                    f"round {number + 1} {config}: {result['throughput_reruns_per_s']} reruns/s, "
                    f"p50 {change.get('p50', 0):.2f} s, p95 {change.get('p95', 0):.2f} s, errors {result['errors']}, "
                    f"load {result['load_average_at_start']} ({time.monotonic() - started:.0f} s)",
                    flush=True,
                )
    finally:
        if nginx is not None:
            nginx.stop()
        for server in replicas:
            server.stop()
        cluster.remove()
        shutil.rmtree(nginx_root, ignore_errors=True)
        shutil.rmtree(data_dir, ignore_errors=True)

    summary = {key: summarise([item for item in rounds if item["config"] == key]) for key in ("a", "b")}
    a, b = summary["a"], summary["b"]
    result = {
        "machine": load_test.machine(),
        "load_average_start": load_start,
        "load_average_end": [round(value, 2) for value in os.getloadavg()],
        "total_s": round(time.monotonic() - started, 1),
        "sessions": args.sessions,
        "changes": args.changes,
        "think_s": args.think,
        "order": [item["config"] for item in rounds],
        "summary": summary,
        "ratio_b_over_a": {
            "throughput": _ratio(b["throughput_reruns_per_s"], a["throughput_reruns_per_s"]),
            "filter_change_p50": _ratio(b["filter_change"].get("p50"), a["filter_change"].get("p50")),
            "filter_change_p95": _ratio(b["filter_change"].get("p95"), a["filter_change"].get("p95")),
        },
        "rounds": [{key: value for key, value in item.items() if not key.startswith("_")} for item in rounds],
    }
    print_summary(result)
    print(f"total {result['total_s']} s; every process stopped")
    if args.json:
        args.json.write_text(json.dumps(result, indent=2, ensure_ascii=False))
    return 0 if a["errors"] == 0 and b["errors"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
