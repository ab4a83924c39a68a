"""Two app replicas on one PostGIS store behind Debian's nginx (deploy/nginx/loadbalancer.conf).

Everything runs on loopback without containers: a throw-away PostgreSQL/PostGIS cluster, two
``streamlit run serve.py`` servers with ``KZATLAS_STORE_URL`` pointing at it, and nginx with the
shipped load-balancer site (only its ports and paths changed). The tests run in order: an edit
saved elsewhere shows on the next interaction; a replica killed mid-session hands its users to
the other with their view kept from the address; a stopped database gives the read-only notice.
"""

from __future__ import annotations

import os
import re
import signal
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import urlsplit

import pytest
from localnet import free_port
from mapkit import address_params, metric_value, open_map_page, wait_until
from nginxkit import NGINX_DIR, Nginx, http_status, require_nginx, start_nginx
from pgcluster import PgCluster, missing_reason
from playwright.sync_api import Page, expect
from shapely.geometry import Point

from kzatlas.catalog import feature_frame, load_catalogue
from kzatlas.config import GEODATA_DIR
from kzatlas.store import open_store

pytestmark = pytest.mark.browser

SITE_CONF = NGINX_DIR / "loadbalancer.conf"
RESERVE_ID, RESERVE_NAME = "pa-altyn-dala", "Altyn Dala State Nature Reserve"
VIEW = "49.5000,66.0000,7"
NEW_SITE = {
    "id": "undp-site-saved-on-another-replica",
    "kind": "undp_site",
    "name_en": "Site saved on another replica",
    "undp_supported": True,
    "geometry": Point(71.4, 51.1),
}
BANNER = "The data store is unreachable, showing the last loaded catalogue read-only"


@dataclass
class Deployment:
    cluster: PgCluster
    store_url: str
    replicas: list  # StreamlitServer, in the order of the site's upstream lines
    nginx: Nginx

    def replica_on(self, port: int):
        return next(server for server in self.replicas if urlsplit(server.base_url).port == port)

    def page_ports(self) -> list[int]:
        """The replica that answered each finished page request through nginx, oldest first.

        nginx logs a websocket only when it closes, but the page's other requests carry the same
        affinity cookie, so the replica behind them is the one holding the session. The test's
        own health probes (no cookie) are left out; for a request nginx retried, the last
        replica it tried answered.
        """
        log = (self.nginx.root / "access.log").read_text(errors="replace")
        ports = []
        for path, upstreams in re.findall(r"^(\S+) (.+) \d{3}$", log, flags=re.M):
            if path != "/_stcore/health" and upstreams.strip() != "-":
                ports.append(int(upstreams.rsplit(":", 1)[-1]))
        return ports


@pytest.fixture(scope="module")
def deployment(start_servers, tmp_path_factory) -> Iterator[Deployment]:
    require_nginx()
    reason = missing_reason()
    if reason:
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    with PgCluster() as cluster:
        url = cluster.create_database()
        replicas = start_servers(2, env={"KZATLAS_STORE_URL": url})
        ports = [urlsplit(server.base_url).port for server in replicas]
        nginx = start_nginx(SITE_CONF.read_text(), ports, tmp_path_factory.mktemp("nginx-lb"), free_port())
        try:
            yield Deployment(cluster=cluster, store_url=url, replicas=replicas, nginx=nginx)
        finally:
            nginx.stop()
            for server in replicas:
                server.stop()


@pytest.fixture(scope="module")
def undp_count() -> int:
    return int(feature_frame(load_catalogue(GEODATA_DIR))["undp_supported"].sum())


def no_exception_box(page: Page) -> None:
    expect(page.locator('[data-testid="stException"]')).to_have_count(0)


def test_an_edit_saved_elsewhere_shows_on_the_next_interaction(page: Page, deployment, undp_count):
    replica_b = deployment.replicas[1]
    open_map_page(page, f"{replica_b.base_url}/?undp=1")
    expect(metric_value(page, "Matching features")).to_have_text(str(undp_count))
    # Saved as replica A would save it: the same store address, another process.
    with open_store(deployment.store_url) as replica_a_store:
        replica_a_store.apply([NEW_SITE], who="editor@example.org", comment="new site", action="draw")
    # The next interaction on B (untick and tick the filter) shows it; B was not restarted.
    box = page.get_by_role("checkbox", name="Only UNDP-supported")
    page.get_by_text("Only UNDP-supported").click()
    expect(box).not_to_be_checked()
    page.get_by_text("Only UNDP-supported").click()
    expect(box).to_be_checked()
    expect(metric_value(page, "Matching features")).to_have_text(str(undp_count + 1))
    assert replica_b.process.poll() is None
    no_exception_box(page)


def test_a_killed_replica_hands_its_users_to_the_other_with_the_view_from_the_address(page: Page, deployment):
    link = f"{deployment.nginx.url}/?sel={RESERVE_ID}&view={VIEW}"
    open_map_page(page, link)
    expect(page.locator("h3").filter(has_text=RESERVE_NAME)).to_be_visible()
    served = wait_until(deployment.page_ports, timeout_s=10, page=page, message="no page request through nginx")
    serving = deployment.replica_on(served[-1])
    others = [server for server in deployment.replicas if server is not serving]
    os.killpg(serving.process.pid, signal.SIGKILL)
    serving.process.wait(timeout=10)

    page.reload()
    expect(page.locator("h3").filter(has_text=RESERVE_NAME)).to_be_visible(timeout=30_000)
    assert address_params(page).get("sel") == RESERVE_ID, address_params(page)
    # The same view: once the map has opened, it writes it back within a pixel of where the link
    # put it (and keeps it there).
    want_lat, want_lng, want_zoom = (float(part) for part in VIEW.split(","))

    def same_view() -> bool:
        lat, lng, zoom = (float(part) for part in address_params(page).get("view", "0,0,0").split(","))
        return abs(lat - want_lat) < 0.01 and abs(lng - want_lng) < 0.01 and zoom == want_zoom

    wait_until(same_view, timeout_s=10, page=page, message=lambda: f"the view moved: {address_params(page)}")
    page.wait_for_timeout(2500)  # the map's frame settles (FillWindow's last fit is at 2 s)
    assert same_view(), address_params(page)
    now = deployment.page_ports()[-1]
    assert deployment.replica_on(now) is others[0], f"the new session is on port {now}"
    assert http_status(f"{deployment.nginx.url}/_stcore/health") == 200
    no_exception_box(page)


def test_a_stopped_database_gives_the_read_only_notice(page: Page, deployment, undp_count):
    open_map_page(page, f"{deployment.nginx.url}/?undp=1")
    expect(metric_value(page, "Matching features")).to_have_text(str(undp_count + 1))
    deployment.cluster.stop()
    try:
        page.reload()
        expect(page.get_by_text(BANNER)).to_be_visible(timeout=30_000)
        # The last loaded catalogue, the saved site included, still shows (the summary renders
        # after the notice at the top of the page).
        expect(metric_value(page, "Matching features")).to_have_text(str(undp_count + 1), timeout=30_000)
        expect(page.get_by_text(deployment.cluster.password)).to_have_count(0)
        no_exception_box(page)
    finally:
        deployment.cluster.start()
