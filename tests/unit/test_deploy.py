"""The deployment example holds together: compose file, image definition and nginx sites.

No container engine runs here, so the compose file and the image are checked as text; the
nginx sites are checked with Debian's ``nginx -t`` (and run for real in tests/browser).
"""

from __future__ import annotations

import re
import tomllib

import pytest
import yaml
from localnet import free_port
from nginxkit import NGINX_DIR, build_nginx_conf, check_conf, require_nginx

from kzatlas.config import ROOT_DIR

DEPLOY = ROOT_DIR / "deploy"


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((DEPLOY / "compose.yaml").read_text())


def test_compose_runs_postgis_two_replicas_and_a_load_balancer(compose):
    services = compose["services"]
    assert services["db"]["image"].startswith("postgis/postgis:")
    replicas = [name for name, service in services.items() if "KZATLAS_STORE_URL" in service.get("environment", {})]
    assert replicas == ["app1", "app2"]
    for name in replicas:
        service = services[name]
        assert service["environment"]["KZATLAS_STORE_URL"].startswith("postgresql://kzatlas:${KZATLAS_DB_PASSWORD}@db:")
        assert "/_stcore/health" in " ".join(service["healthcheck"]["test"])
        assert service["depends_on"]["db"]["condition"] == "service_healthy"
    lb = services["lb"]
    assert lb["image"].startswith("nginx:") and "/_stcore/health" in " ".join(lb["healthcheck"]["test"])
    assert set(lb["depends_on"]) == {"app1", "app2"}


def test_compose_holds_no_password(compose):
    text = (DEPLOY / "compose.yaml").read_text()
    assert compose["services"]["db"]["environment"]["POSTGRES_PASSWORD"].startswith("${KZATLAS_DB_PASSWORD")
    assert not re.search(r"postgresql://[^:]+:(?!\$\{)[^@]+@", text)


def test_the_load_balancer_container_rewrites_both_upstreams(compose):
    command = compose["services"]["lb"]["command"][-1]
    site = (NGINX_DIR / "loadbalancer.conf").read_text()
    for pattern, replacement in re.findall(r"-e 's/([^/]+)/([^/]+)/'", command):
        site, count = re.subn(pattern, replacement, site)
        assert count == 1, pattern
    assert "server app1:8501" in site and "server app2:8501" in site and "127.0.0.1:850" not in site


def test_the_image_runs_serve_py_as_an_ordinary_user():
    dockerfile = (DEPLOY / "Dockerfile").read_text()
    assert re.search(r"^FROM python:3\.11-slim$", dockerfile, flags=re.M)
    users = re.findall(r"^USER (\S+)$", dockerfile, flags=re.M)
    assert users and users[-1] not in {"root", "0"}
    assert 'CMD ["streamlit", "run", "serve.py", "--server.address", "0.0.0.0"' in dockerfile
    assert "static/leaflet/" in dockerfile  # the map assets are inside: no CDN
    # The live map's base map files are written at run time: that one folder belongs to the app user.
    assert re.search(r"chown atlas:atlas [^\n]*/app/static/mapdata", dockerfile)


def test_the_load_balancer_keeps_sessions_sticky_and_shares_the_headers():
    site = (NGINX_DIR / "loadbalancer.conf").read_text()
    upstream = re.search(r"upstream kzatlas_replicas \{(.*?)\n\}", site, flags=re.S).group(1)
    assert re.search(r"^\s*hash \$kzatlas_affinity consistent;", upstream, flags=re.M)
    assert len(re.findall(r"^\s*server 127\.0\.0\.1:850\d", upstream, flags=re.M)) == 2
    for name in ("kzatlas.conf", "loadbalancer.conf"):
        assert "include snippets/kzatlas-headers.conf;" in (NGINX_DIR / name).read_text(), name


@pytest.mark.parametrize("site", ["kzatlas.conf", "loadbalancer.conf"])
def test_the_proxy_lets_an_editor_import_a_file_as_large_as_the_app_accepts(site):
    app_limit_mb = tomllib.loads((ROOT_DIR / ".streamlit" / "config.toml").read_text())["server"]["maxUploadSize"]
    size = re.search(r"^\s*client_max_body_size (\d+)m;", (NGINX_DIR / site).read_text(), flags=re.M)
    assert size and int(size.group(1)) > app_limit_mb


@pytest.mark.parametrize(("site", "upstreams"), [("kzatlas.conf", 1), ("loadbalancer.conf", 2)])
def test_nginx_accepts_the_site_files(site, upstreams, tmp_path):
    require_nginx()
    conf = tmp_path / "nginx.conf"
    ports = [free_port() for _ in range(upstreams)]
    conf.write_text(build_nginx_conf((NGINX_DIR / site).read_text(), free_port(), ports, tmp_path))
    checked = check_conf(conf, tmp_path)
    assert checked.returncode == 0, checked.stderr
