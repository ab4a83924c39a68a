"""The whole atlas against hostile input, under AppTest: tampered links, a poisoned catalogue and
hostile scene-list files.

* Tampered links: every page of the router x every link parameter the atlas reads x hostile
  values (``payloads.URL_PARAMS``, ``payloads.ALL_TEXT``, numeric edge cases), one fresh session
  each, over the bundled catalogue. A tampered link may be refused with a notice, never an
  exception box, and nothing it carries may come back as a live link, image or tag.
* Poisoned catalogue: every page over a catalogue whose every text field is hostile.
* Hostile scene files: each opened on the Present page; refused files get a plain message and
  leave the current scene list as it was.

A failure names the page, the parameter or field, the payload and the sink that let it through.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from pathlib import Path

import pytest
from payloads import ALL_TEXT, URL_PARAMS
from poison import (
    HostileScene,
    RouterPage,
    hostile_scene_files,
    is_web_or_local_link,
    live_markup,
    poison_geodata,
    router_pages,
    shorten,
)
from streamlit.testing.v1 import AppTest

from kzatlas.analysis import PROTECTED_KINDS
from kzatlas.catalog import GEODATA_DIR_ENV, feature_frame, load_catalogue
from kzatlas.config import ROOT_DIR

TIMEOUT = 60
PAGES = router_pages()
PAGE_IDS = [page.name for page in PAGES]
ALL_PARAMS = tuple(dict.fromkeys(param for page in PAGES for param in page.reads))
NUMERIC_EDGES = [
    "0",
    "-0",
    "-1",
    "1e309",
    "-1e309",
    "NaN",
    "inf",
    "9" * 5000,
    "0x1F",
    "1_000",
    "\uff11",  # full-width digit one
    "\u00b2",
    "",
    " ",
    "%00",
    "1,2,3,4,5",
    "4.9e-324",
    "2147483648",
]
POOL = list(dict.fromkeys([value for _, value in URL_PARAMS] + ALL_TEXT + NUMERIC_EDGES))
VALUES_FOR_READ_PARAM = 9  # a parameter the page reads meets this many hostile values
VALUES_FOR_OTHER_PARAM = 2  # one it ignores, this many
MIN_TAMPERED_LINKS = 300
SINK_TEXT_ELEMENTS = ("title", "header", "subheader", "markdown", "caption", "warning", "error", "info", "success")
LABELLED_ELEMENTS = (
    "metric",
    "expander",
    "button",
    "download_button",
    "selectbox",
    "multiselect",
    "text_input",
    "slider",
    "checkbox",
    "radio",
    "file_uploader",
)


def tampered_links() -> dict[str, list[tuple[str, str]]]:
    """Page name -> (parameter, value) pairs; the pool is walked in turn so every value is used."""
    links: dict[str, list[tuple[str, str]]] = {}
    cursor = 0
    for page in PAGES:
        pairs = []
        for param in ALL_PARAMS:
            count = VALUES_FOR_READ_PARAM if param in page.reads else VALUES_FOR_OTHER_PARAM
            for _ in range(count):
                pairs.append((param, POOL[cursor % len(POOL)]))
                cursor += 1
        # The link values the payload list pairs with this very parameter, always.
        pairs += [(param, value) for param, value in URL_PARAMS if param in page.reads]
        links[page.name] = list(dict.fromkeys(pairs))
    return links


TAMPERED = tampered_links()


# ---------------------------------------------------------------- what the page shows


def sink_problems(at: AppTest) -> list[str]:
    """Everything on the page that a hostile value could have turned live, as readable lines."""
    problems = [f"exception box: {shorten(exc.value, 200)}" for exc in at.exception]
    for kind in SINK_TEXT_ELEMENTS:
        for element in getattr(at, kind):
            allow_html = bool(getattr(element.proto, "allow_html", False))
            for found in live_markup(str(element.value), allow_html=allow_html):
                problems.append(f"st.{kind}: {found} in {shorten(element.value, 160)}")
    for kind in LABELLED_ELEMENTS:
        for element in at.get(kind):
            label = getattr(element, "label", None) or ""
            for found in live_markup(str(label)):
                problems.append(f"st.{kind} label: {found} in {shorten(label, 160)}")
    for number, frame in enumerate(at.dataframe):
        config = json.loads(frame.proto.columns or "{}")
        links = [name for name, column in config.items() if column.get("type_config", {}).get("type") == "link"]
        table = frame.value
        for column in links:
            if column not in table.columns:
                continue
            bad = [
                value
                for value in table[column]
                if not (value is None or (isinstance(value, float) and math.isnan(value)) or value == "")
                and not is_web_or_local_link(str(value))
            ]
            if bad:
                distinct = ", ".join(shorten(value, 50) for value in dict.fromkeys(bad))
                problems.append(
                    f"st.dataframe #{number} link column {column!r}: {len(bad)} clickable non-web links: {distinct}"
                )
    return problems


def run_with(page: RouterPage, **query: str) -> AppTest:
    at = AppTest.from_file(str(ROOT_DIR / page.script), default_timeout=TIMEOUT)
    for key, value in query.items():
        at.query_params[key] = value
    at.run()
    return at


# ---------------------------------------------------------------- tampered links


def test_the_sweep_covers_every_page_parameter_and_payload():
    total = sum(len(pairs) for pairs in TAMPERED.values())
    assert total >= MIN_TAMPERED_LINKS, f"only {total} tampered links"
    used = {value for pairs in TAMPERED.values() for _, value in pairs}
    assert set(POOL) <= used, f"never tried: {[shorten(v) for v in set(POOL) - used]}"
    for page in PAGES:
        assert {param for param, _ in TAMPERED[page.name]} == set(ALL_PARAMS), page.name


@pytest.mark.parametrize("page", PAGES, ids=PAGE_IDS)
def test_tampered_links_are_refused_quietly(page: RouterPage):
    failures = []
    for param, value in TAMPERED[page.name]:
        link = f"/{page.url_path}?{param}={shorten(value, 60)}"
        try:
            at = run_with(page, **{param: value})
        except Exception as exc:  # a run that dies or hangs is a failure of this link, not of the sweep
            failures.append(f"{link}: the run failed: {type(exc).__name__}: {shorten(str(exc), 160)}")
            continue
        failures += [f"{link}: {problem}" for problem in sink_problems(at)]
    assert not failures, f"{len(failures)} problems on {page.title}:\n" + "\n".join(failures)


# ---------------------------------------------------------------- the poisoned catalogue


@pytest.fixture(scope="module")
def poisoned_dir(tmp_path_factory) -> Iterator[Path]:
    target = tmp_path_factory.mktemp("poisoned-app") / "geodata"
    poison_geodata(target)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(GEODATA_DIR_ENV, str(target))
        yield target


def catalogue_messages(at: AppTest) -> list[str]:
    return [str(e.value) for e in (*at.error, *at.warning) if "Layer '" in str(e.value)]


def test_the_poisoned_copy_loads_in_full(poisoned_dir: Path):
    catalogue = load_catalogue(poisoned_dir)
    assert catalogue.problems == [], "the poisoned copy must pass every manifest check"
    bundled = load_catalogue()
    assert {name: len(frame) for name, frame in catalogue.layers.items()} == {
        name: len(frame) for name, frame in bundled.layers.items()
    }


def poisoned_visits() -> list[tuple[RouterPage, dict[str, str]]]:
    """Each page plainly, plus the views that show one feature or region in detail."""
    visits: list[tuple[RouterPage, dict[str, str]]] = [(page, {}) for page in PAGES]
    bundled = feature_frame(load_catalogue())
    explorer = next(page for page in PAGES if page.url_path == "")
    present = next(page for page in PAGES if page.name == "present")
    for kind in ("national_park", "ecological_corridor", "undp_site", "undp_programme"):
        feature_id = bundled.loc[bundled["kind"] == kind, "id"].iloc[0]
        visits.append((explorer, {"sel": feature_id}))
    visits.append((present, {"scene": "1"}))
    return visits


VISITS = poisoned_visits()


@pytest.mark.parametrize(
    ("page", "query"), VISITS, ids=[f"{p.name}-{'-'.join(q.values()) or 'plain'}" for p, q in VISITS]
)
def test_a_poisoned_catalogue_shows_only_inert_text(poisoned_dir: Path, page: RouterPage, query: dict[str, str]):
    at = run_with(page, **query)
    assert catalogue_messages(at) == [], "the poisoned copy did not load cleanly"
    problems = sink_problems(at)
    assert not problems, f"{page.title} {query or ''} over the poisoned catalogue:\n" + "\n".join(problems)


def test_a_poisoned_briefing_pack_is_prepared_without_live_markup(poisoned_dir: Path):
    briefing = next(page for page in PAGES if page.name == "briefing")
    features = feature_frame(load_catalogue(poisoned_dir))
    at = run_with(briefing)
    problems = []
    scopes = (("area", (*PROTECTED_KINDS, "ecological_corridor")), ("site", ("undp_site",)))
    for scope, kinds in scopes:
        at.radio(key="briefing.scope").set_value(scope).run()
        for feature_id in features.loc[features["kind"].isin(kinds), "id"].iloc[:3]:
            at.selectbox(key=f"briefing.feature.{scope}").set_value(feature_id).run()
            problems += [f"scope {scope}, {feature_id}: {p}" for p in sink_problems(at)]
    next(b for b in at.button if b.label == "Prepare").click().run()
    problems += [f"after Prepare: {p}" for p in sink_problems(at)]
    assert not at.error, [e.value for e in at.error]
    assert [b.label for b in at.get("download_button")] == ["Download the PDF", "Download the slides (PPTX)"]
    assert not problems, "\n".join(problems)


# ---------------------------------------------------------------- hostile scene files


HOSTILE = hostile_scene_files()
PRESENT = next(page for page in PAGES if page.name == "present")
REFUSAL = "could not be opened"


def scene_captions(at: AppTest) -> list[str]:
    tables = [frame.value for frame in at.dataframe if "Caption" in frame.value.columns]
    return list(tables[0]["Caption"]) if tables else []


def scene_captions_opened(hostile: HostileScene) -> list:
    """The scenes a file holds (for stepping through them when it opens)."""
    return json.loads(hostile.data.decode("utf-8-sig"))["scenes"]


def test_there_are_enough_hostile_scene_files():
    assert len(HOSTILE) >= 19
    assert len({scene.name for scene in HOSTILE}) == len(HOSTILE)


@pytest.mark.parametrize("hostile", HOSTILE, ids=[scene.name for scene in HOSTILE])
def test_a_hostile_scene_file_is_refused_plainly_or_opened_inert(hostile: HostileScene):
    at = run_with(PRESENT)
    at.button(key="present.delete").click().run()  # a list the user changed, not the shipped one
    before = scene_captions(at)
    assert before, "the editor shows no scene table"

    try:
        at.file_uploader(key="present.upload").set_value((f"{hostile.name}.json", hostile.data, "application/json"))
        at.run()
    except Exception as exc:
        pytest.fail(f"{hostile.name} ({hostile.why}): the run failed: {type(exc).__name__}: {shorten(str(exc), 200)}")

    where = f"{hostile.name} ({hostile.why})"
    assert not at.exception, f"{where}: exception box: {shorten(at.exception[0].value, 300)}"
    refusals = [str(e.value) for e in at.error if REFUSAL in str(e.value)]
    opened = [str(s.value) for s in at.success if "Opened" in str(s.value)]
    assert bool(refusals) != bool(opened), f"{where}: neither refused nor opened (errors {refusals}, {opened})"
    if hostile.refuse is True:
        assert refusals, f"{where}: was opened ({opened}) but must be refused"
    if hostile.refuse is False:
        assert opened, f"{where}: was refused ({refusals}) but is a valid list whose values must show as text"
    problems = sink_problems(at)
    for message in refusals:
        for marker in ("Traceback", str(ROOT_DIR), 'File "'):
            if marker in message:
                problems.append(f"refusal shows {marker!r}: {shorten(message, 200)}")
    if refusals:
        assert scene_captions(at) == before, f"{where}: the refusal changed the current scene list"
    else:
        at.button(key="present.start").click().run()
        for number in range(1, len(scene_captions_opened(hostile)) + 1):
            problems += [f"playing scene {number}: {p}" for p in sink_problems(at)]
            if at.button(key="present.next").disabled:
                break
            at.button(key="present.next").click().run()
    assert not problems, f"{where}:\n" + "\n".join(problems)
