"""Check the pinned packages (requirements.lock, requirements-dev.lock) for known vulnerabilities.

``pip-audit`` reads the lock files (hashes required, pip itself not used to resolve anything)
and asks a vulnerability service about every pinned release. The outcome is one of:

* no known vulnerability: exit 0;
* a vulnerability that is not accepted in ``scripts/audit-ignore.txt``: each is printed, exit 1;
* a locked package the service could not check although it answers for others: exit 1 (an
  audit with holes must not pass as a clean one);
* the service cannot be reached, or answers nothing about single releases (as happens behind
  some registry mirrors): "vulnerability audit skipped: <reason>" on stderr, exit 0, so an
  offline machine can still run the tests, and the log says plainly that nothing was checked.
  ``--strict`` turns this case into exit 2.

Service: PyPI's JSON API by default (the package registry, which CI reaches); set
``KZATLAS_AUDIT_SERVICE=osv`` and ``KZATLAS_OSV_URL`` to use an OSV API, e.g. a mirror inside
the network. Usage: ``.venv/bin/python scripts/audit.py [--strict]``.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOCK_FILES = ("requirements.lock", "requirements-dev.lock")
IGNORE_FILE = ROOT / "scripts" / "audit-ignore.txt"
PYPI_URL = "https://pypi.org/pypi"
OSV_URL = "https://api.osv.dev/v1/query"
PROBE_TIMEOUT_S = 10
AUDIT_TIMEOUT_S = 600
PIN_LINE = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)")


@dataclass(frozen=True)
class Finding:
    package: str
    version: str
    vuln_id: str
    aliases: tuple[str, ...]
    fix_versions: tuple[str, ...]


@dataclass(frozen=True)
class Verdict:
    exit_code: int
    lines: tuple[str, ...]


def locked_pins(lock_text: str) -> list[tuple[str, str]]:
    """``(name, version)`` for every pinned line of a pip-compile lock file."""
    return [(m.group(1), m.group(2)) for m in map(PIN_LINE.match, lock_text.splitlines()) if m]


def read_ignores(text: str) -> dict[str, str]:
    """Accepted vulnerability ids -> the reason recorded for each; a line without a reason is an error."""
    accepted = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        vuln_id, _, reason = line.partition(" ")
        if not reason.strip():
            raise ValueError(f"{IGNORE_FILE.name}:{number}: {vuln_id} needs a reason after the id")
        accepted[vuln_id] = reason.strip()
    return accepted


def _json_answer(request: urllib.request.Request | str, url: str, timeout: float, http_note: str = "") -> str | None:
    """None when ``request`` is answered with JSON, else why not (``http_note`` follows an HTTP error)."""
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            json.load(response)
        return None
    except urllib.error.HTTPError as exc:
        return f"{url} answered HTTP {exc.code}{http_note}"
    except (urllib.error.URLError, OSError, ValueError) as exc:
        return f"{url} cannot be reached ({getattr(exc, 'reason', exc)})"


def probe_pypi(pin: tuple[str, str], base_url: str = PYPI_URL, timeout: float = PROBE_TIMEOUT_S) -> str | None:
    """None when the per-release JSON API answers for ``pin``, else why the audit cannot run."""
    name, version = pin
    url = f"{base_url}/{name}/{version}/json"
    return _json_answer(url, url, timeout, ": the service gives no data about single releases here")


def probe_osv(url: str, pin: tuple[str, str], timeout: float = PROBE_TIMEOUT_S) -> str | None:
    """None when the OSV API at ``url`` answers a query for ``pin``, else why the audit cannot run."""
    name, version = pin
    body = json.dumps({"package": {"name": name, "ecosystem": "PyPI"}, "version": version}).encode()
    request = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json"})
    return _json_answer(request, url, timeout)


def judge(report: dict, accepted: dict[str, str]) -> Verdict:
    """Turn pip-audit's JSON report into an exit code and the lines to print."""
    findings, skipped, audited = [], [], 0
    for dependency in report.get("dependencies", []):
        if "skip_reason" in dependency:
            skipped.append(f"{dependency['name']}: {dependency['skip_reason']}")
            continue
        audited += 1
        for vuln in dependency.get("vulns", []):
            findings.append(
                Finding(
                    dependency["name"],
                    dependency.get("version", "?"),
                    vuln["id"],
                    tuple(vuln.get("aliases", [])),
                    tuple(vuln.get("fix_versions", [])),
                )
            )
    if audited == 0:
        reason = skipped[0] if skipped else "the lock files name no package"
        return Verdict(0, (f"vulnerability audit skipped: the service checked no package ({reason})",))
    lines, failing = [], 0
    for finding in findings:
        ids = {finding.vuln_id, *finding.aliases}
        reason = next((accepted[i] for i in sorted(ids) if i in accepted), None)
        fixed = ", ".join(finding.fix_versions) or "no fixed release yet"
        label = f"{finding.package} {finding.version}: {finding.vuln_id} ({', '.join(finding.aliases) or 'no alias'}); fixed in {fixed}"
        if reason is None:
            failing += 1
            lines.append(f"VULNERABLE {label}")
        else:
            lines.append(f"accepted   {label}: {reason}")
    for entry in skipped:
        lines.append(f"NOT CHECKED {entry}")
    summary = f"vulnerability audit: {audited} packages checked, {failing} vulnerable, {len(skipped)} not checked"
    return Verdict(1 if failing or skipped else 0, (*lines, summary))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--strict", action="store_true", help="fail (exit 2) when the audit cannot run")
    args = parser.parse_args(argv)

    pins = [pin for name in LOCK_FILES for pin in locked_pins((ROOT / name).read_text())]
    if not pins:
        print("vulnerability audit: the lock files name no package", file=sys.stderr)
        return 1
    accepted = read_ignores(IGNORE_FILE.read_text() if IGNORE_FILE.exists() else "")
    service = os.environ.get("KZATLAS_AUDIT_SERVICE", "pypi")
    osv_url = os.environ.get("KZATLAS_OSV_URL", OSV_URL)
    if service == "osv":
        problem = probe_osv(osv_url, pins[0])
    elif service == "pypi":
        problem = probe_pypi(pins[0])
    else:
        print(f"vulnerability audit: unknown service {service!r} (pypi or osv)", file=sys.stderr)
        return 1
    if problem is not None:
        print(f"vulnerability audit skipped: {problem}", file=sys.stderr)
        return 2 if args.strict else 0

    command = [sys.executable, "-m", "pip_audit", "--vulnerability-service", service, "--format", "json"]
    command += ["--progress-spinner", "off", "--require-hashes", "--disable-pip", "--timeout", "30"]
    if service == "osv":
        command += ["--osv-url", osv_url]
    for name in LOCK_FILES:
        command += ["--requirement", str(ROOT / name)]
    result = subprocess.run(command, capture_output=True, text=True, timeout=AUDIT_TIMEOUT_S, cwd=ROOT)
    try:
        report = json.loads(result.stdout)
    except json.JSONDecodeError:
        print(
            f"vulnerability audit failed to run (exit {result.returncode}):\n{result.stderr[-2000:]}", file=sys.stderr
        )
        return 1
    verdict = judge(report, accepted)
    skipped = verdict.lines[0].startswith("vulnerability audit skipped")
    stream = sys.stdout if verdict.exit_code == 0 and not skipped else sys.stderr
    for line in verdict.lines:
        print(line, file=stream)
    return 2 if skipped and args.strict else verdict.exit_code


if __name__ == "__main__":
    sys.exit(main())
