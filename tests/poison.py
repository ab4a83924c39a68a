"""A poisoned catalogue and hostile scene lists, for end-to-end safety tests.

``poison_geodata(target)`` copies ``geodata/`` and puts hostile text (from ``payloads``) into every
text field a person can read: feature names in every language, notes, sources, licences, partners,
donors, places, region names, the manifest's titles and licences, and ``targets.json``. Link fields
get ``DANGEROUS_URLS``. Structural fields (ids, kinds, themes, region codes, years, numbers, file
names, dtypes, geometry) stay valid, and the manifest's checksums are recomputed, so the catalogue
still loads in full and every payload reaches the pages.

``hostile_scene_files()`` returns scene-list files built to break a careless reader.

Import from any test as ``from poison import ...`` (``tests/`` is on pytest's path).
"""

from __future__ import annotations

import ast
import hashlib
import json
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from payloads import ALL_TEXT, CSV, DANGEROUS_URLS, EVIL_HOST, HTML, MARKDOWN, TEMPLATE

from kzatlas.config import GEODATA_DIR

# Feature and region properties that hold structure the app computes with; they stay as built.
STRUCTURAL_PROPERTIES = frozenset(
    {
        "id",
        "kind",
        "themes",
        "region_codes",
        "iso_code",
        "adm1_pcode",
        "geometry_quality",
        "year",
        "years",
        "end_year",
        "area_ha",
        "area_drawn_ha",
        "area_km2",
        "area_official_km2",
        "budget_usd",
        "undp_supported",
    }
)
# Properties holding one link, or a ";"-joined list of links.
URL_PROPERTIES = frozenset({"source_url", "coord_source"})
JSON_PROPERTIES = frozenset({"sources_json"})
# Dated area changes (kzatlas.area_history): their act and sources carry payloads, their numbers stay.
AREA_HISTORY_PROPERTY = "area_history_json"
# Manifest keys that are not text for people.
STRUCTURAL_MANIFEST_KEYS = frozenset(
    {
        "file",
        "crs",
        "id_column",
        "columns",
        "geometry_types",
        "row_count",
        "sha256",
        "allow_missing_geometry",
        "geometry_quality_counts",
        "input_sha256",
    }
)
URL_KEYS = frozenset({"url"})

# Text payloads, link payloads in both lists so link fields also meet markup.
TEXT_PAYLOADS: tuple[str, ...] = tuple(ALL_TEXT)
URL_PAYLOADS: tuple[str, ...] = tuple(DANGEROUS_URLS)

# The payload forms, for reports of what reached which field.
FORMS = {"html": HTML, "template": TEMPLATE, "markdown": MARKDOWN, "csv": CSV, "url": DANGEROUS_URLS}


@dataclass
class PoisonReport:
    """Where each payload went: ``"<file>:<id>.<field>" -> payload``."""

    placed: dict[str, str] = field(default_factory=dict)

    def payloads(self) -> set[str]:
        return set(self.placed.values())

    def fields_with(self, payload: str) -> list[str]:
        return [where for where, value in self.placed.items() if value == payload]


class _Cycler:
    """Hands out payloads in turn, each field starting at its own offset, so every form appears."""

    def __init__(self, payloads: tuple[str, ...], report: PoisonReport) -> None:
        self.payloads = payloads
        self.report = report
        self.counter = 0

    def next(self, where: str) -> str:
        payload = self.payloads[self.counter % len(self.payloads)]
        self.counter += 1
        self.report.placed[where] = payload
        return payload


def _poison_text(original: str, payload: str) -> str:
    """The payload first (so formula and markdown leads stay leads), the original after it.

    Keeping the original text lets a test still recognise which feature it is looking at.
    """
    return f"{payload} {original}" if original else payload


def _poison_url_list(original: str, cycler: _Cycler, where: str) -> str:
    count = max(1, len([part for part in original.split(";") if part.strip()]))
    return ";".join(cycler.next(f"{where}[{i}]") for i in range(count))


def _poison_sources_json(raw: str, text: _Cycler, urls: _Cycler, where: str) -> str:
    sources = json.loads(raw or "[]")
    if not sources:
        sources = [{"title": "", "url": "", "accessed": ""}]
    for number, source in enumerate(sources):
        for key in list(source) or ["title", "url", "accessed"]:
            spot = f"{where}[{number}].{key}"
            if key in URL_KEYS:
                source[key] = urls.next(spot)
            elif isinstance(source[key], str) or source[key] is None:
                source[key] = _poison_text(source[key] or "", text.next(spot))
    return json.dumps(sources, ensure_ascii=False)


def _poison_area_history(raw: str, text: _Cycler, urls: _Cycler, where: str) -> str:
    entries = json.loads(raw)
    for number, entry in enumerate(entries):
        spot = f"{where}[{number}]"
        entry["sources"] = [urls.next(f"{spot}.sources[0]"), text.next(f"{spot}.sources[1]")]
        entry["date"] = _poison_text(str(entry.get("date") or ""), text.next(f"{spot}.date"))
        if isinstance(entry.get("act"), dict):
            entry["act"]["number"] = text.next(f"{spot}.act.number")
            entry["act"]["date"] = text.next(f"{spot}.act.date")
    return json.dumps(entries, ensure_ascii=False)


def _poison_properties(properties: dict, text: _Cycler, urls: _Cycler, where: str) -> None:
    for name in sorted(properties):
        value = properties[name]
        spot = f"{where}.{name}"
        if name in STRUCTURAL_PROPERTIES:
            continue
        if name in JSON_PROPERTIES:
            properties[name] = _poison_sources_json(value, text, urls, spot)
        elif name == AREA_HISTORY_PROPERTY and value:
            properties[name] = _poison_area_history(value, text, urls, spot)
        elif name in URL_PROPERTIES:
            properties[name] = _poison_url_list(value or "", urls, spot)
        elif name == "links":
            # Names of linked places (corridors) or web links: both kinds of payload.
            properties[name] = ";".join((text.next(f"{spot}[0]"), urls.next(f"{spot}[1]")))
        elif isinstance(value, str) or value is None:
            properties[name] = _poison_text(value or "", text.next(spot))


def _poison_document(node, text: _Cycler, urls: _Cycler, where: str):
    """Every string of a JSON document (manifest, targets) poisoned, structural keys kept."""
    if isinstance(node, dict):
        out = {}
        for key, value in node.items():
            spot = f"{where}.{key}"
            if key in STRUCTURAL_MANIFEST_KEYS:
                out[key] = value
            elif key in URL_KEYS and isinstance(value, str):
                out[key] = urls.next(spot)
            else:
                out[key] = _poison_document(value, text, urls, spot)
        return out
    if isinstance(node, list):
        return [_poison_document(value, text, urls, f"{where}[{i}]") for i, value in enumerate(node)]
    if isinstance(node, str):
        return _poison_text(node, text.next(where))
    return node


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def poison_geodata(target: Path, source: Path = GEODATA_DIR) -> PoisonReport:
    """Write a poisoned, self-consistent copy of ``source`` (the bundled geodata) to ``target``.

    Returns where every payload was put. The copy passes every check the manifest makes:
    same files, columns, dtypes, row counts and ids, with sha256 sums recomputed.
    """
    shutil.copytree(source, target)
    report = PoisonReport()
    text = _Cycler(TEXT_PAYLOADS, report)
    urls = _Cycler(URL_PAYLOADS, report)
    manifest_path = target / "manifest.json"
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))

    for name, record in manifest["layers"].items():
        path = target / record["file"]
        document = json.loads(path.read_text(encoding="utf-8"))
        id_column = record["id_column"]
        for feature in document["features"]:
            properties = feature["properties"]
            _poison_properties(properties, text, urls, f"{record['file']}:{properties[id_column]}")
        path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
        assert len(document["features"]) == record["row_count"], f"{name}: row count changed"

    for table in manifest.get("tables", {}).values():
        path = target / table["file"]
        document = json.loads(path.read_text(encoding="utf-8"))
        path.write_text(
            json.dumps(_poison_document(document, text, urls, table["file"]), ensure_ascii=False, indent=1),
            encoding="utf-8",
        )

    poisoned = _poison_document(manifest, text, urls, "manifest.json")
    # Layer names are keys the code looks up; their records keep every structural field.
    for record in poisoned["layers"].values():
        record["sha256"] = _sha256(target / record["file"])
    for table in poisoned.get("tables", {}).values():
        table["sha256"] = _sha256(target / table["file"])
    manifest_path.write_text(json.dumps(poisoned, ensure_ascii=False, indent=1), encoding="utf-8")
    return report


# ---------------------------------------------------------------- hostile scene lists


DECK_FORMAT = "kz-atlas-scenes"


@dataclass(frozen=True)
class HostileScene:
    """One scene-list file and what a safe reader does with it.

    ``refuse``: ``True`` the file must be refused with a plain message; ``False`` it may open
    (its hostile values shown as inert text or dropped with a notice); ``None`` either is fine.
    """

    name: str
    data: bytes
    refuse: bool | None
    why: str


def _deck(scenes, **fields) -> bytes:
    document = {"format": DECK_FORMAT, "version": 1, "title": "Hostile", "scenes": scenes, **fields}
    return json.dumps(document, ensure_ascii=False).encode("utf-8")


def _raw(text: str) -> bytes:
    return text.encode("utf-8")


def hostile_scene_files() -> list[HostileScene]:
    """Scene-list files that try to crash, flood or inject through the Present page's reader."""
    scene = {"caption": "ok", "params": {"view": "48.5,69.0,4.5"}}
    depth = 100_000
    shallow_depth = 30_000  # deep enough to exhaust the parser's recursion, small enough to pass the size cap
    markdown_version = f"[**update needed**](http://{EVIL_HOST}/v) ![x](http://{EVIL_HOST}/v.png) <b>2</b>"
    files = [
        HostileScene(
            "nested_100k",
            _raw('{"format": "kz-atlas-scenes", "version": 1, "scenes": ' + "[" * depth + "]" * depth + "}"),
            True,
            "100,000 nested arrays",
        ),
        HostileScene(
            "nested_under_size_cap",
            _raw(
                '{"format": "kz-atlas-scenes", "version": 1, "scenes": '
                + "[" * shallow_depth
                + "]" * shallow_depth
                + "}"
            ),
            True,
            f"{shallow_depth:,} nested arrays in under 200 kB (recursion limit)",
        ),
        HostileScene(
            "nested_objects_in_caption",
            _raw(
                '{"format": "kz-atlas-scenes", "version": 1, "scenes": [{"caption": '
                + '{"a": ' * (shallow_depth // 2)
                + "1"
                + "}" * (shallow_depth // 2)
                + ', "params": {}}]}'
            ),
            True,
            f"a caption that is {shallow_depth // 2:,} nested objects",
        ),
        HostileScene(
            "number_5000_digits_version",
            _raw('{"format": "kz-atlas-scenes", "version": ' + "9" * 5000 + ', "scenes": []}'),
            True,
            "a 5,000-digit integer (Python's int-from-string limit)",
        ),
        HostileScene(
            "number_5000_digits_param",
            _raw(
                '{"format": "kz-atlas-scenes", "version": 1, "scenes": [{"caption": "n", "params": {"view": '
                + "1" * 5000
                + "}}]}"
            ),
            True,
            "a 5,000-digit integer as a parameter value",
        ),
        HostileScene(
            "float_overflow",
            _raw(
                '{"format": "kz-atlas-scenes", "version": 1, "scenes": [{"caption": "f", "params": {"view": 1e999}}]}'
            ),
            None,
            "1e999 overflows to infinity",
        ),
        HostileScene(
            "version_markdown",
            _raw(json.dumps({"format": DECK_FORMAT, "version": markdown_version, "scenes": [scene]})),
            True,
            "markdown link, image and HTML in 'version' (echoed in the refusal)",
        ),
        HostileScene("version_true", _deck([scene], version=True), True, "version true (equals 1 in Python)"),
        HostileScene("version_float", _deck([scene], version=1.0), None, "version 1.0"),
        HostileScene(
            "version_nan", _raw(_deck([scene]).decode().replace('"version": 1', '"version": NaN')), True, "NaN"
        ),
        HostileScene(
            "format_markdown",
            _raw(json.dumps({"format": MARKDOWN[1], "version": 1, "scenes": [scene]})),
            True,
            "markdown link as 'format'",
        ),
        HostileScene(
            "captions_payloads",
            _deck([{"caption": payload, "params": {}} for payload in (*HTML, *TEMPLATE, *MARKDOWN)][:60]),
            False,
            "every HTML, template and markdown payload as a caption",
        ),
        HostileScene(
            "title_payload",
            _deck([scene], title=HTML[0] + MARKDOWN[0]),
            False,
            "script and markdown image in the title",
        ),
        HostileScene(
            "dangerous_url_params",
            _deck(
                [
                    {"caption": f"u{i}", "params": {"sel": url, "view": url, "q": url, "regions": url}}
                    for i, url in enumerate(DANGEROUS_URLS)
                ]
            ),
            False,
            "dangerous URLs as sel/view/q/regions (dropped with a notice)",
        ),
        HostileScene(
            "markdown_params",
            _deck([{"caption": "m", "params": {"sel": payload, "kinds": payload}} for payload in MARKDOWN]),
            False,
            "markdown payloads as parameter values (echoed in notices)",
        ),
        HostileScene("huge_file", _deck([{"caption": "x" * 300_000, "params": {}}]), True, "a 300 kB file"),
        HostileScene("too_many_scenes", _deck([scene] * 5000), True, "5,000 scenes (over the cap and the size limit)"),
        HostileScene("sixty_one_scenes", _deck([scene] * 61), True, "61 scenes, one over the cap"),
        HostileScene("scenes_object", _deck({"0": scene}), True, "'scenes' is an object"),
        HostileScene("scenes_strings", _deck(["scene one", 2, None]), True, "scenes are not objects"),
        HostileScene("params_list", _deck([{"caption": "p", "params": [["sel", "x"]]}]), True, "'params' is a list"),
        HostileScene(
            "caption_wrong_types",
            _deck([{"caption": ["<b>list</b>", {"x": MARKDOWN[1]}], "params": {}}]),
            None,
            "a caption that is a list holding an object",
        ),
        HostileScene(
            "non_utf8",
            b'{"format": "kz-atlas-scenes", "version": 1, "scenes": [{"caption": "\xff\xfe\xc0"}]}',
            True,
            "not UTF-8",
        ),
        HostileScene(
            "utf16",
            json.dumps({"format": DECK_FORMAT, "version": 1, "scenes": [scene]}).encode("utf-16"),
            True,
            "UTF-16",
        ),
        HostileScene("bom", b"\xef\xbb\xbf" + _deck([scene]), None, "a UTF-8 byte-order mark"),
        HostileScene(
            "duplicate_keys",
            _raw(
                '{"format": "kz-atlas-scenes", "version": 1, "version": "<b>2</b>", "scenes": [], "scenes": [{"caption": "d"}]}'
            ),
            True,
            "duplicated keys, the last 'version' wrong",
        ),
        HostileScene("empty", b"", True, "an empty file"),
        HostileScene("null", b"null", True, "JSON null"),
        HostileScene("array", _raw(json.dumps([scene])), True, "a top-level array"),
        HostileScene("nul_bytes", b"\x00" * 1000, True, "NUL bytes"),
        HostileScene(
            "control_characters",
            _deck([{"caption": "caption\x00\x07\x1b[31m\u202eevil", "params": {"sel": "a\x00b"}}]),
            None,
            "control characters in a caption and a parameter",
        ),
    ]
    return files


# ---------------------------------------------------------------- what counts as live markup or a bad link


SCRIPT_SCHEMES = ("javascript:", "data:", "vbscript:")
_INVISIBLE = "".join(chr(code) for code in range(0x21)) + "\x7f"


def link_scheme_text(value: str) -> str:
    """``value`` as a browser reads a URL's scheme: no whitespace or control characters, lower case."""
    return "".join(ch for ch in value if ch not in _INVISIBLE).lower()


def is_script_link(value: str | None) -> bool:
    """True for a ``javascript:``, ``data:`` or ``vbscript:`` address (however it is disguised)."""
    return bool(value) and link_scheme_text(value).startswith(SCRIPT_SCHEMES)


def is_web_or_local_link(value: str | None) -> bool:
    """True for what may be clickable: http(s) with a host, or the atlas's own relative links."""
    from kzatlas.safety import safe_link  # the one rule the app itself follows

    return bool(value) and safe_link(value) is not None


# Markdown a Streamlit element renders as a link, an image or a tag (after escapes are removed).
_ESCAPED = re.compile(r"\\[!-/:-@\[-`{-~]")
_CODE_SPAN = re.compile(r"`[^`\n]*`")
_IMAGE = re.compile(r"!\[[^\]]*\]\(\s*<?([^)\s>]*)")
_LINK = re.compile(r"(?<!!)\[[^\]]*\]\(\s*<?([^)\s>]*)")
_REFERENCE = re.compile(r"^ {0,3}\[[^\]]+\]:\s*(\S+)", re.MULTILINE)
_AUTOLINK = re.compile(r"<([a-zA-Z][a-zA-Z0-9+.-]{1,31}:[^\s<>]*|[^\s<>@]+@[^\s<>@]+)>")
_BARE = re.compile(r"(?:https?://|www\.)[^\s<]*|[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.IGNORECASE)
_TAG = re.compile(r"<\s*(/?)\s*([a-zA-Z][\w-]*)([^>]*)>")
# The atlas's own HTML (unsafe_allow_html): the presenter's style block and caption wrappers.
_OWN_TAGS = re.compile(r"^(div|/div)$|^style$|^/style$")
_OWN_DIV_ATTRS = re.compile(r'^\s*(class="kz-(counter|caption)")?\s*$')


def live_markup(text: str, allow_html: bool = False) -> list[str]:
    """What in ``text`` Streamlit's Markdown would render as a link, image or HTML tag that the
    atlas did not mean: images, links whose target is not http(s) or the atlas's own, links
    anywhere near ``EVIL_HOST``, reference definitions, autolinks, and (with ``allow_html``) tags.
    Escaped characters and code spans are inert and skipped. Returns what was found.

    With ``allow_html`` a block (text between blank lines) that opens with a block-level tag is
    raw HTML, where Markdown is not parsed; any other block is Markdown with live inline tags.
    """
    if not allow_html:
        return _markdown_links(text)
    found: list[str] = []
    for block in re.split(r"\n[ \t]*\n", text):
        if not _HTML_BLOCK.match(block):
            found += _markdown_links(block)
        found += _unexpected_tags(_ESCAPED.sub("\u2022", block))
    return found


_HTML_BLOCK = re.compile(r"^ {0,3}</?(div|style|p|table|section|script|pre)\b", re.IGNORECASE)


def _unexpected_tags(html: str) -> list[str]:
    found = []
    for match in _TAG.finditer(html):
        closing, tag, attrs = match.groups()
        name = closing + tag.lower()
        if not _OWN_TAGS.match(name) or (name == "div" and not _OWN_DIV_ATTRS.match(attrs)):
            found.append(f"HTML tag {match.group(0)!r}")
    return found


def _markdown_links(text: str) -> list[str]:
    found: list[str] = []
    plain = _CODE_SPAN.sub("", _ESCAPED.sub("\u2022", text))
    for match in _IMAGE.finditer(plain):
        if not match.group(1).startswith("/app/static/"):
            found.append(f"image {match.group(0)!r}")
    for match in _LINK.finditer(plain):
        target = match.group(1)
        if not is_web_or_local_link(target) or EVIL_HOST in (urlsplit(target).netloc or "").lower():
            found.append(f"link {match.group(0)!r}")
    for match in _REFERENCE.finditer(plain):
        found.append(f"reference definition {match.group(0)!r}")
    for match in _AUTOLINK.finditer(plain):
        found.append(f"autolink {match.group(0)!r}")
    for match in _BARE.finditer(plain):
        if EVIL_HOST in match.group(0).lower():
            found.append(f"bare link {match.group(0)!r}")
    return found


def shorten(value: object, limit: int = 90) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 12] + "…" + text[-10:]


# ---------------------------------------------------------------- the router's pages and the link parameters


@dataclass(frozen=True)
class RouterPage:
    """One ``st.Page`` of ``app.py``: its script, its address and what link parameters it reads."""

    script: str  # e.g. "views/map_explorer.py"
    url_path: str  # "" for the default page, else the script's stem
    title: str
    reads: tuple[str, ...]

    @property
    def name(self) -> str:
        return Path(self.script).stem


def _page_reads(script: Path) -> tuple[str, ...]:
    """The link parameters a view reads, from the helpers it calls (lang is read on every page)."""
    from kzatlas.selection import FILTER_PARAMS, PARAM_LANGUAGE, PARAM_REGION, PARAM_SCENE, PARAM_SELECTED, PARAM_VIEW

    source = script.read_text(encoding="utf-8")
    reads = [PARAM_LANGUAGE]
    if "read_link(" in source:
        reads += [*FILTER_PARAMS, PARAM_SELECTED, PARAM_VIEW]
    if "scene_number(" in source or "playing(" in source:
        reads.append(PARAM_SCENE)
    if "region_choice(" in source:
        reads.append(PARAM_REGION)
    return tuple(reads)


def router_pages() -> list[RouterPage]:
    """The pages ``app.py`` hands to ``st.navigation``, in its order (read from its source)."""
    from kzatlas.config import ROOT_DIR

    tree = ast.parse((ROOT_DIR / "app.py").read_text(encoding="utf-8"))
    pages = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "Page"):
            continue
        script = node.args[0].value
        keywords = {kw.arg: kw.value for kw in node.keywords}
        default = isinstance(keywords.get("default"), ast.Constant) and keywords["default"].value is True
        title_node = keywords.get("title")
        title = title_node.args[0].value if isinstance(title_node, ast.Call) else getattr(title_node, "value", "")
        pages.append(RouterPage(script, "" if default else Path(script).stem, title, _page_reads(ROOT_DIR / script)))
    assert pages, "no st.Page found in app.py"
    return pages
