"""The same load against an earlier version of the atlas, this one and the naive app, in one run.

The earlier version (``--baseline``, by default the atlas before its reruns were cached) is
exported from this repository's history into a temporary folder (``git archive``) and started
from there with the same Python packages and npm assets; this checkout is started beside it,
and the naive app (``naive_map_app.py``: a plain folium map rebuilt on every rerun, with the
same Kind and Region filters) as a third server. Each gets a short warm-up run that is not
measured. Then the ``load`` workload of ``load_test.py`` (sessions open the map explorer, or the
naive app's page, and change Kind and Region in turn) runs against each in turn, round after
round (baseline, current, naive, baseline, current, naive...), so other work on a shared
machine falls on all alike.

Reported for each: server CPU time per rerun (from ``/proc/<pid>/stat``, the figure that
depends least on other load), reruns per second, filter-change p50/p95 pooled over its rounds
and errors; and the ratios current / baseline and current / naive. ``--check-cpu-ratio R``
makes the exit code 1 when current / baseline CPU per rerun is above ``R``.

Run: ``.venv/bin/python bench/bench_versions.py [--sessions 25] [--changes 5] [--think 2] [--rounds 2]``
Shorter: ``--sessions 4 --changes 6 --think 0.3 --rounds 1``. ``--no-naive`` leaves the naive
app out. Exit code 2 when the baseline cannot be exported (no git history, e.g. a shallow clone).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(BENCH))

import load_test  # noqa: E402
from bench_replicas import MAX_ROUNDS, add_round_arguments, run_round, summarise  # noqa: E402
from localnet import StreamlitServer, start_streamlit  # noqa: E402

# The atlas before a rerun's map, summary, charts and table were cached and shared: every
# filter change rendered the whole map and recomputed every panel.
BASELINE = "046c30d"
CONFIGS = ("baseline", "current", "naive")


def export_version(revision: str, target: Path) -> None:
    """Write the files of ``revision`` into ``target`` (from git; nothing else is touched)."""
    target.mkdir(parents=True)
    archive = target / "version.tar"
    with archive.open("wb") as out:
        subprocess.run(["git", "-C", str(ROOT), "archive", "--format=tar", revision], stdout=out, check=True)
    with tarfile.open(archive) as tar:
        tar.extractall(target, filter="data")
    archive.unlink()
    # The same npm assets as this checkout (Leaflet and its plugins, installed by npm and copied
    # into static/ by the setup), so the earlier version serves its map as this one does.
    modules = ROOT / "node_modules"
    if modules.is_dir() and not (target / "node_modules").exists():
        (target / "node_modules").symlink_to(modules)
    # Copied, not linked: Streamlit's static file serving does not follow links out of its folder.
    for assets in ("leaflet", "leaflet-draw"):
        source = ROOT / "static" / assets
        if source.is_dir() and not (target / "static" / assets).exists():
            shutil.copytree(source, target / "static" / assets)


def alternate(servers: dict, rounds: int):
    """``(round, name, server)`` for every server in turn, round after round (rounds from 1).

    Alternating spreads the machine's other work over every version alike.
    """
    for number in range(rounds):
        for name, server in servers.items():
            yield number + 1, name, server


def stop_all(servers: dict, folder: Path) -> None:
    """Stop the started servers and remove the temporary folder (the exported versions, logs)."""
    for server in servers.values():
        server.stop()
    shutil.rmtree(folder, ignore_errors=True)


def _ratio(value: float | None, against: float | None) -> float | None:
    return round(value / against, 3) if value is not None and against else None


def compare(args: argparse.Namespace, configs: list[str]) -> dict:
    """Start ``configs`` (of :data:`CONFIGS`), warm them up, run the rounds and return the results.

    ``args`` carries ``baseline``, ``sessions``, ``changes``, ``think``, ``rounds``,
    ``round_duration`` and ``timeout`` (as the command line gives them). Raises
    ``subprocess.CalledProcessError`` or ``OSError`` when the baseline cannot be exported.
    """
    started = time.monotonic()
    load_start = [round(value, 2) for value in os.getloadavg()]
    folder = Path(tempfile.mkdtemp(prefix="kzatlas-bench-versions-"))
    servers: dict[str, StreamlitServer] = {}
    rounds: list[dict] = []
    try:
        if "baseline" in configs:
            export_version(args.baseline, folder / "baseline")
        starts = {
            "baseline": ("serve.py", folder / "baseline"),
            "current": ("serve.py", ROOT),
            "naive": (str(BENCH / "naive_map_app.py"), ROOT),
        }
        for name in configs:
            script, cwd = starts[name]
            data = folder / f"data-{name}"
            data.mkdir()
            servers[name] = start_streamlit(script, {"KZATLAS_DATA_DIR": str(data)}, cwd=cwd)
            warm = load_test.run_load([servers[name].base_url], sessions=2, changes=2, think_s=0.2, duration_s=90, timeout_s=90)
            if warm["errors"] or warm["incomplete_sessions"]:
                raise RuntimeError(f"warm-up of {name} failed: {warm['error_examples']}")
        print(f"{', '.join(configs)} started and warmed up ({time.monotonic() - started:.0f} s)", flush=True)
        for number, name, server in alternate(servers, args.rounds):
            result = run_round(name, server.base_url, [server.process.pid], args, None)
            rounds.append(result)
            change = result["filter_change"]
            print(
                f"round {number} {name}: CPU/rerun {result['server_cpu_s_per_rerun']} s, "
                f"{result['throughput_reruns_per_s']} reruns/s, p50 {change.get('p50', 0):.2f} s, "
                f"p95 {change.get('p95', 0):.2f} s, errors {result['errors']}, load {result['load_average_at_start']}",
                flush=True,
            )
    finally:
        stop_all(servers, folder)

    summary = {name: summarise([item for item in rounds if item["config"] == name]) for name in configs}
    cpu = {name: summary[name]["server_cpu_s_per_rerun"] for name in configs}
    p95 = {name: summary[name]["filter_change"].get("p95") for name in configs}
    throughput = {name: summary[name]["throughput_reruns_per_s"] for name in configs}
    return {
        "machine": load_test.machine(),
        "load_average_start": load_start,
        "load_average_end": [round(value, 2) for value in os.getloadavg()],
        "baseline": args.baseline if "baseline" in configs else None,
        "sessions": args.sessions,
        "changes": args.changes,
        "think_s": args.think,
        "summary": summary,
        "ratios": {
            "cpu_per_rerun_current_over_baseline": _ratio(cpu["current"], cpu.get("baseline")),
            "cpu_per_rerun_current_over_naive": _ratio(cpu["current"], cpu.get("naive")),
            "p95_current_over_baseline": _ratio(p95["current"], p95.get("baseline")),
            "throughput_current_over_baseline": _ratio(throughput["current"], throughput.get("baseline")),
        },
        "rounds": [{key: value for key, value in item.items() if not key.startswith("_")} for item in rounds],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="An earlier version, this one and the naive app under the same load.")
    parser.add_argument("--baseline", default=BASELINE, help=f"the earlier version's git revision (default {BASELINE})")
    add_round_arguments(parser, sessions=25, changes=5, think=2.0, rounds=2, round_s=90.0, timeout_s=60.0)
    parser.add_argument("--no-naive", action="store_true", help="leave the naive app out")
    parser.add_argument("--check-cpu-ratio", type=float, help="exit 1 when current / baseline CPU per rerun is above this")
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args(argv)
    if not 1 <= args.rounds <= MAX_ROUNDS or not 1 <= args.sessions <= load_test.MAX_SESSIONS:
        parser.error(f"--rounds must be 1..{MAX_ROUNDS} and --sessions 1..{load_test.MAX_SESSIONS}")
    configs = [name for name in CONFIGS if not (args.no_naive and name == "naive")]

    try:
        result = compare(args, configs)
    except (subprocess.CalledProcessError, OSError) as error:
        print(f"cannot export {args.baseline} from git ({error}); a full clone is needed", file=sys.stderr)
        return 2
    summary = result["summary"]
    load_start = result["load_average_start"]
    host = result["machine"]
    print(f"\nmachine: {host['cpus']} CPUs ({host['cpu_model']}); load average {load_start} -> {result['load_average_end']}")
    print(f"workload: {args.sessions} sessions x (1 page open + {args.changes} filter changes), think {args.think} s")
    print(f"{'':<10}{'CPU/rerun s':>12}{'reruns/s':>10}{'p50 s':>8}{'p95 s':>8}{'errors':>8}")
    for name in configs:
        item = summary[name]
        change = item["filter_change"]
        print(
            f"{name:<10}{item['server_cpu_s_per_rerun'] or float('nan'):>12.3f}{item['throughput_reruns_per_s']:>10.2f}"
            f"{change.get('p50', float('nan')):>8.2f}{change.get('p95', float('nan')):>8.2f}{item['errors']:>8}"
        )
    print("ratios:", json.dumps(result["ratios"]))
    if args.json:
        args.json.write_text(json.dumps(result, indent=2))
    errors = sum(summary[name]["errors"] for name in configs)
    ratio = result["ratios"]["cpu_per_rerun_current_over_baseline"]
    if args.check_cpu_ratio is not None and (ratio is None or ratio > args.check_cpu_ratio):
        print(f"CPU per rerun is {ratio} of the baseline's, above {args.check_cpu_ratio}", file=sys.stderr)
        return 1
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
