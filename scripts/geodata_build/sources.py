"""Reading the curated sources and refusing what must not reach the atlas; their licences and citations."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import urlparse

from kzatlas import area_history
from kzatlas.catalog import LIST_SEPARATOR, TRANSLATED_TEXT_COLUMNS
from kzatlas.config import (
    KIND_NATIONAL_PARK,
    KIND_NATURE_RESERVE,
    KIND_STRICT_RESERVE,
    KIND_UNDP_PROGRAMME,
    KIND_UNDP_SITE,
    LANGUAGES,
    NAME_COLUMNS,
    REGION_CODES,
    REGION_KINDS,
)
from kzatlas.i18n import (
    ORIGIN_ATLAS,
    ORIGIN_PUBLISHED,
    ORIGINS,
    THEME_LABELS,
    origin_column,
    source_column,
    translated_column,
)
from kzatlas.safety import JSONLimitError, load_json_limited, safe_link
from scripts.geodata_build.common import ACCESS_DATE, PCODE_TO_ISO, SOURCES_DIR

LICENCES_BY_DOMAIN = {
    "wikipedia.org": "CC BY-SA 4.0",
    "undp.org": "UNDP website terms of use",
    "protectedplanet.net": "WDPA terms of use (non-commercial)",
    "unesco.org": "UNESCO terms of use",
}


# ---------------------------------------------------------------- reading and checking the sources

SOURCE_FILES = (
    "regions.json",
    "protected_areas_reserves.json",
    "protected_areas_parks.json",
    "corridors.json",
    "undp_sites.json",
    "targets.json",
)
# The kinds each curated file may hold (corridors get theirs from the build).
KINDS_BY_FILE = {
    "regions.json": frozenset(REGION_KINDS),
    "protected_areas_reserves.json": frozenset({KIND_STRICT_RESERVE, KIND_NATURE_RESERVE, KIND_NATIONAL_PARK}),
    "protected_areas_parks.json": frozenset({KIND_STRICT_RESERVE, KIND_NATURE_RESERVE, KIND_NATIONAL_PARK}),
    "undp_sites.json": frozenset({KIND_UNDP_SITE, KIND_UNDP_PROGRAMME}),
}
# Where each name comes from (see check_names): name_<lang>_origin and, when published, name_<lang>_source.
NAME_ORIGIN_FIELDS = tuple(origin_column(column) for column in NAME_COLUMNS)
NAME_SOURCE_FIELDS = tuple(source_column(column) for column in NAME_COLUMNS)
# Fields whose text becomes a link somewhere (a list field: each item); any "<field>_source"
# holding text (the page that publishes a name or a title) is one too.
URL_FIELDS = frozenset({"url", "package_url", "coord_source", "path_point_sources", *NAME_SOURCE_FIELDS})
MAX_SOURCE_BYTES = 10_000_000
# C0 controls, DEL, C1 controls, and the bidirectional embeddings, overrides and isolates
# (U+202A-U+202E, U+2066-U+2069) that can make text read differently from what it holds.
_FORBIDDEN_CHARACTERS = frozenset(
    [
        *map(chr, range(0x20)),
        *map(chr, range(0x7F, 0xA0)),
        *map(chr, range(0x202A, 0x202F)),
        *map(chr, range(0x2066, 0x206A)),
    ]
)


# Hosts that only copy, mirror, proxy or re-host what others published (document dumps, Wikipedia
# mirrors and proxies, essay and presentation sites, scraper pages, user-edited maps): never cited
# as a source; a fact that could only be read there keeps the copy in ``read_via`` beside the
# original it reproduces.
COPY_HOSTS = frozenset(
    {
        "docslib.org", "pdfslide.us", "vdocuments.us", "studylib.net", "studopedia.info", "engime.org",
        "jagrafia.ucoz.kz", "astanahunter.ucoz.ru", "en.ppt-online.org", "toplist.info", "wikisum.wiki",
        "wikimapia.org", "arc.ask3.ru", "hindi-lyrics.com", "bestprofi.com", "pitbullbeststar.ru",
        "tfmarket.ru", "invtur.com.ua", "worldnewsam.com", "freenature.wordpress.com", "kazakh.com",
        "ru.knoema.com", "dev-chm.cbd.int", "core-prod.cambridgecore.org", "s.gtool.pro", "wikizero.net",
        "wikizero.com", "perceptiode.com", "perceptioro.com", "perceptiosv.com", "perceptiofi.com",
        "unsorted.wikisort.ru", "wikisort.ru", "arietiform.com", "grokipedia.com", "wikiwand.com",
        "kiwix.haohe.fun", "kiwix.prodb.cz", "kiwix.casplantje.nl", "a.osmarks.net", "dogedaos.com",
        "de.zxc.wiki", "de.frwiki.wiki", "no.frwiki.wiki", "de.wikial.top", "it.wiki7.org", "askwikinow.com",
        "wiki-org.ru", "pinocchiopedia.com", "review.clateway.com", "franco.wiki", "ru.m.wiki.x.io",
        "wiki.studentb.eu", "pwojczyn.com", "en-academic.com", "wikidata.uk-ua.nina.az",
        "uk.wikipedia-on-ipfs.org", "ru.wikipedia-on-ipfs.org", "dweb.link",
    }
)  # fmt: skip
# Fields that cite a source (``read_via`` lists the copies actually read, and may name them).
CITED_FIELDS = frozenset({"url", "coord_source", "path_point_sources", *NAME_SOURCE_FIELDS})


def _is_source_field(key: str) -> bool:
    """Whether a field's text cites a page: the known ones, and every ``<field>_source`` (``name_kk_source``)."""
    return key in CITED_FIELDS or key.endswith("_source")


def copy_host(url: str) -> str | None:
    """The copy or mirror host ``url`` points at, or ``None`` for any other address."""
    host = (urlparse(url).hostname or "").lower().rstrip(".")
    return next((known for known in COPY_HOSTS if host == known or host.endswith("." + known)), None)


class SourceError(ValueError):
    """A curated source the build refuses; the message is one line naming the file, record and field."""


def shown_value(value: object, limit: int = 60) -> str:
    """A value quoted for a one-line message (control characters escaped by ``repr``)."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _walk(value: object, path: str):
    """Every ``(path, key, text)`` string in a JSON value (keys included), without recursion."""
    stack = [(value, path, "")]
    while stack:
        item, where, key = stack.pop()
        if isinstance(item, dict):
            for name, child in item.items():
                yield f"{where}.{name}", "", name  # the key itself, checked as text
                stack.append((child, f"{where}.{name}", str(name)))
        elif isinstance(item, list):
            stack.extend((child, f"{where}[{index}]", key) for index, child in enumerate(item))
        elif isinstance(item, str):
            yield where, key, item


def check_text(name: str, document: object) -> None:
    """Refuse control characters anywhere, and links other than http(s) or the atlas's own.

    Raises
    ------
    SourceError
        On the first offending string, naming its place in the file.
    """
    for where, key, text in _walk(document, name):
        bad = next((ch for ch in text if ch in _FORBIDDEN_CHARACTERS), None)
        if bad is not None:
            raise SourceError(f"{where}: control character U+{ord(bad):04X} in {shown_value(text)}")
        if (key in URL_FIELDS or _is_source_field(key)) and text and safe_link(text) is None:
            raise SourceError(f"{where}: not an http(s) link: {shown_value(text)}")
        if _is_source_field(key) and text and copy_host(text):
            raise SourceError(
                f"{where}: {copy_host(text)} is a copy, mirror or essay site, not an original; cite the original "
                f"publisher and keep the copy in read_via: {shown_value(text)}"
            )


def _record_label(name: str, index: int, record: dict) -> str:
    ident = record.get("id") or record.get("iso_code")
    return f"{name} record {index + 1}" + (f" ({shown_value(ident)})" if ident else "")


def _codes(value: object, where: str) -> list:
    if value is None:
        return []
    if not isinstance(value, list):
        raise SourceError(f"{where}: expected a list, got {shown_value(value)}")
    return value


def check_records(name: str, document: object) -> None:
    """Refuse unknown kinds, themes and region codes in one curated file.

    Raises
    ------
    SourceError
        On the first unknown value, naming the file, the record and the value.
    """
    records = document.get("regions") if name == "regions.json" and isinstance(document, dict) else document
    if not isinstance(records, list) or not all(isinstance(record, dict) for record in records):
        raise SourceError(f"{name}: expected a list of records")
    allowed_kinds = KINDS_BY_FILE.get(name)
    for index, record in enumerate(records):
        label = _record_label(name, index, record)
        if allowed_kinds is not None and record.get("kind") not in allowed_kinds:
            raise SourceError(f"{label}: unknown kind {shown_value(record.get('kind'))}")
        if name == "regions.json":
            if record.get("iso_code") not in REGION_CODES:
                raise SourceError(f"{label}: unknown iso_code {shown_value(record.get('iso_code'))}")
            continue
        for theme in _codes(record.get("themes"), f"{label} themes"):
            if theme not in THEME_LABELS:
                raise SourceError(f"{label}: unknown theme {shown_value(theme)}")
        for code in _codes(record.get("regions"), f"{label} regions"):
            if code not in REGION_CODES:
                raise SourceError(f"{label}: unknown region code {shown_value(code)}")
        check_names(label, record)
        check_translations(label, record)
        found = area_history.problems(label, record.get("area_history"), record.get("established"), record.get("sources"))
        if found:
            raise SourceError(found[0])
    if name == "regions.json":
        codes = [record["iso_code"] for record in records]
        missing = sorted(set(PCODE_TO_ISO.values()) - set(codes))
        if missing or len(codes) != len(set(codes)):
            raise SourceError(f"{name}: needs each region once; missing {missing or 'none'}, {len(codes)} records")
        if not isinstance(document.get("boundary_source"), dict):
            raise SourceError(f"{name}: missing boundary_source")


def check_names(label: str, record: dict) -> None:
    """Refuse a feature without a name in every language, or without a recorded origin for each.

    ``name_<lang>_origin`` is ``published`` (then ``name_<lang>_source`` is the http(s) address
    of a page that prints the name) or ``atlas`` (the atlas's own translation, or for English
    its own wording; then there is no source).

    Raises
    ------
    SourceError
        Naming the record and the field.
    """
    for name, origin, source in zip(NAME_COLUMNS, NAME_ORIGIN_FIELDS, NAME_SOURCE_FIELDS):
        if not str(record.get(name) or "").strip():
            raise SourceError(f"{label}: no {name}")
        if record.get(origin) not in ORIGINS:
            raise SourceError(
                f"{label}: {origin} must be one of {', '.join(ORIGINS)}, not {shown_value(record.get(origin))}"
            )
        if (record.get(origin) == ORIGIN_PUBLISHED) != bool(record.get(source)):
            raise SourceError(
                f"{label}: {source} is the page that publishes {name}: required when {origin} is "
                f"{ORIGIN_PUBLISHED}, and empty when it is {ORIGIN_ATLAS}"
            )


def check_translations(label: str, record: dict) -> None:
    """Refuse a translation of a text the record does not have, or a list translated to another length.

    Raises
    ------
    SourceError
        Naming the record and the field.
    """
    for column in TRANSLATED_TEXT_COLUMNS:
        original = record.get(column)
        for language in LANGUAGES:
            field = translated_column(column, language)
            translation = record.get(field)
            if field == column or translation in (None, "", []):
                continue
            if original in (None, "", []):
                raise SourceError(f"{label}: {field} translates an empty {column}")
            if isinstance(original, list) != isinstance(translation, list) or (
                isinstance(original, list) and len(original) != len(translation)
            ):
                raise SourceError(f"{label}: {field} must translate {column} item for item")


def read_source_document(sources_dir: Path, name: str):
    """One source file read with the JSON limits and its text checked; refusals as SourceError."""
    try:
        document = load_json_limited((sources_dir / name).read_bytes(), max_bytes=MAX_SOURCE_BYTES)
    except FileNotFoundError as exc:
        raise SourceError(f"{name}: missing") from exc
    except (OSError, JSONLimitError) as exc:
        raise SourceError(f"{name}: {exc}") from exc
    check_text(name, document)
    return document


def read_sources(sources_dir: Path = SOURCES_DIR) -> dict[str, object]:
    """Read and check every curated source file.

    Parameters
    ----------
    sources_dir : Path
        Folder holding the files in ``SOURCE_FILES``.

    Returns
    -------
    dict
        File name -> parsed JSON, every check passed.

    Raises
    ------
    SourceError
        With a one-line reason for the first file, record or value refused.
    """
    sources = {}
    for name in SOURCE_FILES:
        document = read_source_document(sources_dir, name)
        if name != "targets.json":
            check_records(name, document)
        sources[name] = document
    return sources


def licence_for(url: str, title: str = "") -> str:
    """Licence of a cited page, by its publisher's domain (or a Wikipedia copy, by its title)."""
    host = urlparse(url).netloc.lower().rstrip(".")
    for domain, licence in LICENCES_BY_DOMAIN.items():
        if host == domain or host.endswith("." + domain):
            return licence
    if "wikipedia" in title.lower() or "wikipedia" in host:
        return "CC BY-SA 4.0 (copy of Wikipedia text)"
    if host.endswith("wikimapia.org"):
        return "CC BY-SA 3.0 (Wikimapia)"
    return "publisher's terms (cited for facts)"


def joined(values) -> str:
    return LIST_SEPARATOR.join(str(v) for v in (values or []) if v not in (None, ""))


def source_columns(sources: list[dict]) -> dict:
    """Primary source fields plus the full list as JSON."""
    sources = sources or []
    first = sources[0] if sources else {}
    url = first.get("url", "") or ""
    return {
        "source_url": url,
        "source_title": first.get("title", "") or "",
        "source_date": first.get("accessed", "") or ACCESS_DATE,
        "source_licence": joined(
            sorted({licence_for(s.get("url", ""), s.get("title", "")) for s in sources if s.get("url")})
        ),
        "sources_json": json.dumps(sources, ensure_ascii=False, sort_keys=True),
    }
