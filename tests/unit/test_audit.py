"""The vulnerability audit wrapper: what passes, what fails, and when it says it was skipped."""

from __future__ import annotations

import importlib.util
import json
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location("kz_audit", ROOT / "scripts" / "audit.py")
audit = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = audit
_spec.loader.exec_module(audit)

LOCK = """\
#    pip-compile --generate-hashes
alembic==1.20.1 \\
    --hash=sha256:83490def1f723413db5096591f7609ac52544805be93849170088ed04f5a2e0b
    # via -r requirements.txt
typing-extensions==4.16.0 \\
    --hash=sha256:9970712cfb81ea26c8658d378aaa5b8f6ff9146e5bb111d70497c164016cf598
"""


def _vuln(vuln_id, aliases=(), fixed=()):
    return {"id": vuln_id, "aliases": list(aliases), "fix_versions": list(fixed), "description": "x"}


def test_pins_are_read_from_a_lock_file():
    assert audit.locked_pins(LOCK) == [("alembic", "1.20.1"), ("typing-extensions", "4.16.0")]


def test_both_lock_files_pin_packages():
    for name in audit.LOCK_FILES:
        pins = audit.locked_pins((ROOT / name).read_text())
        assert len(pins) > 40, name


def test_an_ignore_line_needs_a_reason():
    assert audit.read_ignores("# header\nGHSA-1 not reachable from the atlas (2026-11)\n") == {
        "GHSA-1": "not reachable from the atlas (2026-11)"
    }
    with pytest.raises(ValueError, match="needs a reason"):
        audit.read_ignores("GHSA-1\n")


def test_the_shipped_ignore_file_parses():
    audit.read_ignores(audit.IGNORE_FILE.read_text())


def test_a_clean_report_passes():
    report = {"dependencies": [{"name": "a", "version": "1", "vulns": []}, {"name": "b", "version": "2", "vulns": []}]}
    verdict = audit.judge(report, {})
    assert verdict.exit_code == 0
    assert "2 packages checked, 0 vulnerable" in verdict.lines[-1]


def test_a_vulnerability_fails_unless_accepted():
    report = {"dependencies": [{"name": "a", "version": "1", "vulns": [_vuln("PYSEC-1", ["CVE-9"], ["1.1"])]}]}
    failed = audit.judge(report, {})
    assert failed.exit_code == 1
    assert failed.lines[0].startswith("VULNERABLE a 1: PYSEC-1 (CVE-9); fixed in 1.1")
    accepted = audit.judge(report, {"CVE-9": "only in a code path the atlas never calls"})
    assert accepted.exit_code == 0
    assert "only in a code path" in accepted.lines[0]


def test_a_package_left_unchecked_fails_when_others_were_checked():
    report = {"dependencies": [{"name": "a", "version": "1", "vulns": []}, {"name": "b", "skip_reason": "not found"}]}
    verdict = audit.judge(report, {})
    assert verdict.exit_code == 1
    assert any(line.startswith("NOT CHECKED b") for line in verdict.lines)


def test_nothing_checked_is_reported_as_skipped():
    verdict = audit.judge({"dependencies": [{"name": "b", "skip_reason": "Dependency not found on PyPI"}]}, {})
    assert verdict.exit_code == 0
    assert verdict.lines[0].startswith("vulnerability audit skipped:")


def test_an_unreachable_service_is_named_in_the_reason():
    reason = audit.probe_pypi(("pip", "1.0"), base_url="http://127.0.0.1:9/pypi", timeout=2)
    assert reason is not None and "cannot be reached" in reason


class _FakeOsv(BaseHTTPRequestHandler):
    """An OSV API that knows one vulnerability: every release of ``alembic``."""

    def do_POST(self):  # noqa: N802 (http.server's name)
        query = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        vulns = []
        if query["package"]["name"] == "alembic":
            affected = {"package": {"name": "alembic", "ecosystem": "PyPI"}}
            affected["ranges"] = [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "99.0"}]}]
            vulns.append({"id": "PYSEC-0000-1", "aliases": ["CVE-0000-1"], "summary": "test", "affected": [affected]})
        body = json.dumps({"vulns": vulns} if vulns else {}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture()
def fake_osv_url():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _FakeOsv)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/v1/query"
    server.shutdown()
    server.server_close()


def test_the_wrapper_fails_on_a_vulnerability_from_a_real_pip_audit_run(fake_osv_url, monkeypatch, capsys):
    monkeypatch.setenv("KZATLAS_AUDIT_SERVICE", "osv")
    monkeypatch.setenv("KZATLAS_OSV_URL", fake_osv_url)
    assert audit.main([]) == 1
    err = capsys.readouterr().err
    assert "VULNERABLE alembic 1.20.1: PYSEC-0000-1 (CVE-0000-1); fixed in 99.0" in err
    assert "0 not checked" in err


def test_an_unreachable_service_skips_with_a_message_and_strict_fails(monkeypatch, capsys):
    monkeypatch.setenv("KZATLAS_AUDIT_SERVICE", "osv")
    monkeypatch.setenv("KZATLAS_OSV_URL", "http://127.0.0.1:9/v1/query")
    assert audit.main([]) == 0
    assert "vulnerability audit skipped: http://127.0.0.1:9/v1/query cannot be reached" in capsys.readouterr().err
    assert audit.main(["--strict"]) == 2
