"""Security headers: the nginx site in deploy/nginx and ``serve.py`` send them; metrics stay closed.

Each test runs the atlas behind Debian's nginx (the site file with only its ports and paths
changed) and, where it matters, ``streamlit run serve.py`` on its own. In Chromium the map explorer
must work through the proxy with the Content-Security-Policy enforced and not one violation.
"""

from __future__ import annotations

import re
import urllib.error
import urllib.request
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
from localnet import free_port
from mapkit import MAP_IFRAME, address_params, map_frame, map_locator, open_map_page, press_for_download, wait_until
from nginxkit import NGINX_DIR, http_status, require_nginx, start_nginx
from playwright.sync_api import Page, expect

from kzatlas.config import WEB_TILES_URL

pytestmark = pytest.mark.browser

SITE_CONF = NGINX_DIR / "kzatlas.conf"
TILE_ORIGIN = "{0.scheme}://{0.netloc}".format(urlsplit(WEB_TILES_URL))

EXPECTED_PLAIN_HEADERS = {
    "x-frame-options": "SAMEORIGIN",
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
}
# Every source the policy may name; anything wider (*, https:, another host) fails the test.
ALLOWED_SOURCES = {"'self'", "'none'", "'unsafe-inline'", "'unsafe-eval'", "data:", TILE_ORIGIN}
# Pages and files whose responses must carry the headers (an HTML page, a static asset, the
# component iframe that holds the map, a missing file).
HEADER_PATHS = (
    "/",
    "/present",
    "/app/static/leaflet/leaflet.js",
    "/component/streamlit_folium.st_folium/index.html",
    "/no-such-file",
)
METRICS_PATHS = ("/_stcore/metrics", "/_stcore/metrics/", "/_stcore/%6detrics", "/_stcore//metrics")

# Records Content-Security-Policy violations in every frame, the map's iframe included.
RECORD_VIOLATIONS_JS = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', (event) => {
    window.__cspViolations.push(
        `${event.effectiveDirective} blocked ${event.blockedURI} in ${location.pathname}`);
});
"""


# ---------------------------------------------------------------- nginx


@pytest.fixture(scope="module")
def plain_url(start_server) -> str:
    """The bare router, ``streamlit run app.py``: no security headers of its own."""
    return start_server(script="app.py")


@pytest.fixture(scope="module")
def nginx_url(plain_url: str, tmp_path_factory) -> Iterator[str]:
    """The atlas (plain ``streamlit run app.py``) behind nginx with the shipped site file."""
    require_nginx()
    root = tmp_path_factory.mktemp("nginx")
    nginx = start_nginx(SITE_CONF.read_text(), [urlsplit(plain_url).port], root, free_port())
    yield nginx.url
    nginx.stop()


@pytest.fixture(scope="module")
def hardened_url(start_server) -> str:
    """``streamlit run serve.py``: the app sending the headers itself, no proxy."""
    return start_server(script="serve.py")


# ---------------------------------------------------------------- helpers


def response_headers(url: str) -> dict[str, str]:
    """Lower-cased header names -> values; several headers of one name are joined with ", "."""
    try:
        response = urllib.request.urlopen(url, timeout=10)
    except urllib.error.HTTPError as error:
        response = error
    with response:
        headers: dict[str, list[str]] = {}
        for name, value in response.headers.items():
            headers.setdefault(name.lower(), []).append(value)
    return {name: ", ".join(values) for name, values in headers.items()}


def csp_directives(policy: str) -> dict[str, list[str]]:
    directives = {}
    for part in filter(None, (piece.strip() for piece in policy.split(";"))):
        name, *sources = part.split()
        assert name not in directives, f"{name} appears twice in the policy"
        directives[name] = sources
    return directives


def assert_security_headers(headers: dict[str, str], where: str) -> None:
    for name, value in EXPECTED_PLAIN_HEADERS.items():
        assert headers.get(name) == value, f"{where}: {name} is {headers.get(name)!r}, not {value!r}"
    assert "content-security-policy" in headers, f"{where}: no Content-Security-Policy"
    policy = csp_directives(headers["content-security-policy"])
    assert policy.get("default-src") == ["'self'"], where
    assert policy.get("frame-ancestors") == ["'self'"], where
    assert policy.get("object-src") == ["'none'"], where
    assert policy.get("base-uri") == ["'self'"], where
    wide = {f"{name} {source}" for name, sources in policy.items() for source in sources} - {
        f"{name} {source}" for name, sources in policy.items() for source in sources if source in ALLOWED_SOURCES
    }
    assert wide == set(), f"{where}: sources wider than the atlas needs: {sorted(wide)}"
    # The web tile host is the only other origin, and only for images.
    assert [name for name, sources in policy.items() if TILE_ORIGIN in sources] == ["img-src"], where


def violations(page: Page) -> list[str]:
    found = []
    for frame in page.frames:
        try:
            found += frame.evaluate("window.__cspViolations || []")
        except Exception:  # a frame that navigated away while being read has nothing to report
            continue
    return found


def open_recorded_map(page: Page, url: str, csp_console: list[str]):
    page.context.add_init_script(RECORD_VIOLATIONS_JS)
    page.on("console", lambda message: csp_console.append(message.text) if "Security Policy" in message.text else None)
    return open_map_page(page, url)


def assert_base_map_fetched(page_log, url: str) -> None:
    """The map fetched its base map file from ``url``'s origin (allowed by ``connect-src 'self'``)."""
    origin = urlsplit(url).netloc
    fetched = [seen for seen in page_log.requests if "/app/static/mapdata/" in seen]
    assert fetched and all(urlsplit(seen).netloc == origin for seen in fetched), fetched
    # The file never changes (its name is its hash): the browser may keep it instead of asking again.
    headers = response_headers(fetched[0])
    assert "max-age=31536000" in headers.get("cache-control", ""), headers
    assert_security_headers(headers, f"base map file {fetched[0]}")


# ---------------------------------------------------------------- tests


def test_proxy_and_serve_py_send_the_same_security_headers(nginx_url: str, hardened_url: str, plain_url: str):
    proxied = {path: response_headers(nginx_url + path) for path in HEADER_PATHS}
    for path, headers in proxied.items():
        assert_security_headers(headers, f"nginx {path}")
        assert "server" not in headers or "nginx/" not in headers["server"], "nginx shows its version"
    for path in HEADER_PATHS:
        headers = response_headers(hardened_url + path)
        assert_security_headers(headers, f"serve.py {path}")
        for name in ("content-security-policy", *EXPECTED_PLAIN_HEADERS):
            assert headers[name] == proxied[path][name], f"{name} differs between nginx and serve.py on {path}"
    # Plain `streamlit run app.py` sends none of them: the headers come from the proxy or serve.py.
    assert "content-security-policy" not in response_headers(plain_url + "/")


def test_metrics_are_closed_through_the_proxy_and_in_serve_py(nginx_url: str, hardened_url: str, plain_url: str):
    # Streamlit itself always answers (once pages have run, with the names of internal caches);
    # no setting turns it off.
    with urllib.request.urlopen(plain_url + "/_stcore/metrics", timeout=10) as response:
        assert response.status == 200
        assert "# TYPE" in response.read().decode()
    for path in METRICS_PATHS:
        assert http_status(nginx_url + path) == 404, f"nginx {path}"
    assert http_status(hardened_url + "/_stcore/metrics") == 404
    assert http_status(hardened_url + "/_stcore/metrics/") == 404
    # Closing metrics must not close the rest of /_stcore.
    assert http_status(nginx_url + "/_stcore/health") == 200
    assert http_status(hardened_url + "/_stcore/health") == 200


def test_serve_py_opens_metrics_only_when_asked(start_server):
    asked = start_server(env={"KZATLAS_EXPOSE_METRICS": "1"}, script="serve.py")
    assert http_status(asked + "/_stcore/metrics") == 200
    assert_security_headers(response_headers(asked + "/"), "serve.py with metrics")


# A point inside the map (iframe coordinates) where a national park's outline is the topmost element.
UNCOVERED_PARK_JS = """() => {
    const frame = window.map.getContainer().getBoundingClientRect();
    for (const path of document.querySelectorAll("path.kz-layer-national_park")) {
        const box = path.getBoundingClientRect();
        for (let i = 1; i < 8; i++) for (let j = 1; j < 8; j++) {
            const x = box.left + box.width * i / 8, y = box.top + box.height * j / 8;
            const inside = x > frame.left + 2 && x < frame.right - 2 && y > frame.top + 2 && y < frame.bottom - 2;
            if (inside && document.elementFromPoint(x, y) === path) return [x, y];
        }
    }
    return null;
}"""


def test_map_explorer_through_the_proxy_has_no_policy_violations(page: Page, page_log, nginx_url: str):
    csp_console: list[str] = []
    fmap = open_recorded_map(page, nginx_url, csp_console)
    assert any(urlsplit(url).port == urlsplit(nginx_url).port for url in page_log.websockets), (
        f"the live connection did not go through the proxy: {page_log.websockets}"
    )
    # The region outlines (painted above) came from the base map file, fetched through the proxy.
    assert_base_map_fetched(page_log, nginx_url)

    # Select a shape: the page reruns over the websocket and outlines it. The mouse clicks a
    # point of a park that no name, legend or control covers.
    page.locator(MAP_IFRAME).scroll_into_view_if_needed()
    spot = map_frame(page).evaluate(UNCOVERED_PARK_JS)
    assert spot is not None, "no national park can be clicked on the map"
    box = page.locator(MAP_IFRAME).bounding_box()
    page.mouse.click(box["x"] + spot[0], box["y"] + spot[1])
    wait_until(lambda: address_params(page).get("sel"), timeout_s=20, page=page, message="no feature was selected")
    expect(fmap.locator(".kz-selected").first).to_be_attached()

    # Every layer off and on again, the web tiles on: their host is allowed for images.
    fmap.locator(".leaflet-control-layers").hover()
    boxes = fmap.locator(".leaflet-control-layers-overlays input")
    for index in range(boxes.count()):
        boxes.nth(index).click()
        boxes.nth(index).click()
    fmap.locator(".leaflet-control-layers").get_by_text("Web map tiles").click()
    wait_until(
        lambda: any(TILE_ORIGIN in url for url in page_log.requests),
        timeout_s=10,
        page=page,
        message="the web tile layer asked for no tiles",
    )

    download = press_for_download(page, page.locator('[data-testid="stDownloadButton"] button').first)
    assert download.suggested_filename.endswith(".csv")

    page.goto(nginx_url + "/present")
    page.get_by_role("button", name="Start presenting").click()
    expect(page.get_by_text(re.compile(r"Scene 1 of \d+"))).to_be_visible()
    expect(map_locator(page).locator("path.kz-layer-regions").first).to_be_attached()
    page.keyboard.press("ArrowRight")
    expect(page.get_by_text(re.compile(r"Scene 2 of \d+"))).to_be_visible()

    page.wait_for_timeout(500)  # let a late violation event reach its listener
    assert violations(page) == []
    assert csp_console == []
    assert page_log.page_errors == []


def test_serve_py_map_paints_with_its_own_policy(page: Page, page_log, hardened_url: str):
    csp_console: list[str] = []
    fmap = open_recorded_map(page, hardened_url, csp_console)
    expect(fmap.locator(".kz-layer-undp_site").first).to_be_attached()
    assert_base_map_fetched(page_log, hardened_url)
    assert violations(page) == []
    assert csp_console == []
    assert page_log.page_errors == []


def test_another_origin_cannot_frame_the_atlas(page: Page, nginx_url: str, plain_url: str):
    refusals: list[str] = []
    page.on("console", lambda message: refusals.append(message.text) if "frame-ancestors" in message.text else None)
    # An opaque-origin page framing the plain server (no headers) and the proxied atlas.
    page.set_content(
        f'<iframe id="plain" src="{plain_url}/_stcore/health"></iframe>'
        f'<iframe id="proxied" src="{nginx_url}/_stcore/health"></iframe>'
    )
    plain = page.frame_locator("#plain").locator("body")
    expect(plain).to_have_text("ok")  # framing works at all, so the next check can fail
    wait_until(lambda: refusals, timeout_s=10, page=page, message="the proxied atlas was framed without refusal")
    expect(page.frame_locator("#proxied").locator("body")).not_to_have_text("ok")
    assert page.locator(MAP_IFRAME).count() == 0
