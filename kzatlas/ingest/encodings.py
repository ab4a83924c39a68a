"""Text encodings of uploaded files: which one a file uses, and whether its text reads right.

Offices save text in the encodings of Russian-language Windows and desktop GIS: UTF-8,
Windows-1251 (Russian Excel's CSV, most shapefiles), CP866 (older DOS-era shapefiles), KOI8-R,
and UTF-16 with a byte order mark. Only these are read (:data:`ENCODINGS`); a user may name
one of them instead of the detected one.

Detection (:func:`detect`) takes a byte order mark first, then strict UTF-8, then asks
``charset-normalizer`` to rank the single-byte candidates and checks each candidate's text the
Cyrillic way (:func:`text_score`): text that decodes to Russian and Kazakh letters is preferred
over box-drawing characters, accented Latin (``ÍÀÇÂÀÍÈÅ``) or inverted case. A column whose
text still looks garbled (:func:`garbled_columns`) is flagged so that nothing garbled is saved
without the editor's word. This module runs in the reading process and imports nothing heavy.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from kzatlas.ingest.errors import RefusalError
from kzatlas.ingest.messages import N_, Message
from kzatlas.safety import plain_snippet

UTF8, CP1251, CP866, KOI8R, UTF16 = "utf-8", "cp1251", "cp866", "koi8-r", "utf-16"
# Python codec -> the name users know; the only encodings the readers accept.
ENCODINGS = {UTF8: "UTF-8", CP1251: "Windows-1251", CP866: "CP866", KOI8R: "KOI8-R", UTF16: "UTF-16"}
SINGLE_BYTE = (CP1251, CP866, KOI8R)
_ALIASES = {
    "utf8": UTF8, "utf-8": UTF8, "utf-8-sig": UTF8, "unicode": UTF8,
    "cp1251": CP1251, "windows-1251": CP1251, "win1251": CP1251, "1251": CP1251, "ansi 1251": CP1251,
    "cp866": CP866, "ibm866": CP866, "866": CP866, "dos": CP866, "oem 866": CP866,
    "koi8-r": KOI8R, "koi8r": KOI8R, "koi8": KOI8R,
    "utf-16": UTF16, "utf16": UTF16,
    "65001": UTF8, "cp65001": UTF8, "20866": KOI8R, "cp20866": KOI8R,
}  # fmt: skip
_BOMS = ((b"\xef\xbb\xbf", UTF8), (b"\xff\xfe", UTF16), (b"\xfe\xff", UTF16))

# How the encoding was found (message ids, shown with the encoding's name).
BY_BOM = N_("marked in the file")
BY_CPG = N_("as its .cpg file says")
DETECTED = N_("detected from its bytes")
CHOSEN = N_("as chosen")
UNKNOWN_ENCODING = N_("the text encoding '{encoding}' is not one the atlas reads ({known})")
GARBLED = N_(
    "the text of column '{column}' looks garbled (e.g. '{sample}') in every encoding tried: "
    "choose the file's encoding, or confirm that the text is right, before saving"
)

# Russian letter frequencies (per cent) for telling single-byte Cyrillic encodings apart.
_FREQUENCY = dict(
    zip(
        "оеаинтсрвлкмдпуяыьгзбчйхжшюцщэфъё",
        (10.97, 8.45, 8.01, 7.35, 6.70, 6.26, 5.47, 4.73, 4.54, 4.40, 3.49, 3.21, 2.98, 2.81, 2.62, 2.01, 1.90,
         1.74, 1.70, 1.65, 1.59, 1.44, 1.21, 0.97, 0.94, 0.73, 0.64, 0.48, 0.36, 0.32, 0.26, 0.04, 0.04),
        strict=True,
    )
)  # fmt: skip
# Letters of Kazakh and of the neighbouring Cyrillic alphabets that a real text may hold.
_OTHER_LETTERS = set("әғқңөұүһіїєґў")
# Non-ASCII marks that real text uses (quotes, dashes, degrees and minutes, numero, spaces).
_MARKS = set("«»—–‑№°′″’‘“”„…·×\u00a0\u202f€")
_SAMPLE_BYTES = 256 * 1024
_SCORE_SAMPLE = 200_000


@dataclass(frozen=True)
class Detection:
    """The encoding a file's text is read with, and how it was found.

    Attributes
    ----------
    encoding : str
        A key of :data:`ENCODINGS`.
    how : str
        One of :data:`BY_BOM`, :data:`BY_CPG`, :data:`DETECTED`, :data:`CHOSEN` (message ids).
    """

    encoding: str
    how: str

    def to_json(self) -> dict:
        """The detection as plain data for the reader's result."""
        return {"name": self.encoding, "label": ENCODINGS[self.encoding], "how": self.how}


def normalise(name: object) -> str | None:
    """The codec for an encoding's name (``"Windows-1251"``, ``"CP1251"``, ``"koi8r"``...), else ``None``.

    Parameters
    ----------
    name : object
        A name typed by a user or read from a shapefile's ``.cpg``.

    Returns
    -------
    str or None
        A key of :data:`ENCODINGS`, or ``None`` for anything outside the allowlist.
    """
    text = " ".join(str(name or "").strip().lower().replace("_", "-").split())[:40]
    return _ALIASES.get(text) or _ALIASES.get(text.replace(" ", "-")) or _ALIASES.get(text.replace("-", ""))


def _suspicious(text: str) -> tuple[int, int]:
    """Counts of non-ASCII characters, and of those that real Cyrillic or Latin text rarely holds."""
    total = suspicious = 0
    previous_odd = False
    for char in text:
        if char.isascii():
            previous_odd = False
            continue
        total += 1
        lower = char.lower()
        if "а" <= lower <= "я" or lower == "ё" or lower in _OTHER_LETTERS or char in _MARKS:
            previous_odd = False
            continue
        category = unicodedata.category(char)
        # An accented Latin letter alone is a real word ("Société"); several in a row
        # ("ÍÀÇÂÀÍÈÅ") are Cyrillic read with the wrong code page.
        accented = category.startswith("L") and "\u00c0" <= char <= "\u024f"
        if accented and not previous_odd:
            previous_odd = True
            continue
        if accented:
            suspicious += 2  # the first of the run, and this one
            previous_odd = False
            continue
        suspicious += 1
        previous_odd = False
    return total, suspicious


def _odd_case(text: str) -> int:
    """Capitals inside a Cyrillic word after a small letter ("нАУРЗУМ"): inverted-case code pages."""
    return len(re.findall(r"[а-яё][А-ЯЁ]", text))


def text_score(text: str) -> float:
    """How much ``text`` reads like real Cyrillic or Latin text, the higher the better.

    Parameters
    ----------
    text : str
        Decoded text (a sample of the file).

    Returns
    -------
    float
        About 1 for ASCII or clean Russian and Kazakh text; lower for box-drawing characters,
        runs of accented Latin, inverted case or rare letters, which a wrong code page gives.
    """
    text = text[:_SCORE_SAMPLE]
    total, suspicious = _suspicious(text)
    if not total:
        return 1.0
    letters = [char.lower() for char in text if "а" <= char.lower() <= "я" or char.lower() == "ё"]
    frequency = 0.0
    if letters:
        # Average log-frequency, 0 for real Russian text and below for shuffled letters.
        frequency = sum(math.log(_FREQUENCY.get(char, 0.04) / 5.0) for char in letters) / len(letters)
        frequency = max(min(frequency + 0.9, 0.0), -3.0) / 3.0
    odd = _odd_case(text) / max(len(letters), 1)
    return 1.0 - suspicious / total - 4 * odd + frequency


def _ranked(data: bytes) -> list[str]:
    """The single-byte candidates, ``charset-normalizer``'s choice first."""
    try:
        from charset_normalizer import from_bytes
    except ImportError:  # pragma: no cover - a dependency
        return list(SINGLE_BYTE)
    codecs = {"cp1251": CP1251, "cp866": CP866, "koi8_r": KOI8R}
    try:
        matches = from_bytes(data, cp_isolation=list(codecs), preemptive_behaviour=False)
    except Exception:  # a detector's failure only loses its opinion
        return list(SINGLE_BYTE)
    ranked = [codecs[match.encoding] for match in matches if match.encoding in codecs]
    return list(dict.fromkeys([*ranked, *SINGLE_BYTE]))


def detect(data: bytes) -> Detection:
    """The encoding of ``data``: a byte order mark, else UTF-8, else the best single-byte code page.

    Parameters
    ----------
    data : bytes
        Text bytes (a CSV file, or the names and values of a shapefile's ``.dbf``).

    Returns
    -------
    Detection
        The encoding and how it was found.
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return Detection(encoding, BY_BOM)
    sample = data[:_SAMPLE_BYTES]
    try:
        sample.decode(UTF8)
        return Detection(UTF8, DETECTED)
    except UnicodeDecodeError as exc:
        # A sample cut inside a character still counts as UTF-8.
        if exc.start >= len(sample) - 3 and exc.reason == "unexpected end of data":
            return Detection(UTF8, DETECTED)
    ranked = _ranked(sample)
    # charset-normalizer's first choice gets a small head start; the Cyrillic check decides.
    scores = {
        encoding: text_score(sample.decode(encoding, errors="replace")) + (0.05 if place == 0 else 0.0)
        for place, encoding in enumerate(ranked)
    }
    return Detection(max(ranked, key=scores.__getitem__), DETECTED)


def decode(data: bytes, chosen: str | None = None) -> tuple[str, Detection]:
    """The text of ``data`` in the chosen encoding, else the detected one.

    Parameters
    ----------
    data : bytes
        The file's bytes.
    chosen : str, optional
        A key of :data:`ENCODINGS` the user picked.

    Returns
    -------
    (str, Detection)
        The text (without its byte order mark) and the encoding it was read with.

    Raises
    ------
    RefusalError
        When the bytes are not text in that encoding.
    """
    detection = Detection(chosen, CHOSEN) if chosen in ENCODINGS else detect(data)
    encoding = detection.encoding
    if encoding == UTF8:
        data = data.removeprefix(b"\xef\xbb\xbf")
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise RefusalError(
            N_("the file is not {encoding} text (byte {offset} cannot be read); choose its encoding"),
            encoding=ENCODINGS[encoding],
            offset=exc.start + 1,
        ) from exc
    return text.removeprefix("\ufeff"), detection


def looks_garbled(text: str) -> bool:
    """Whether ``text`` reads like Cyrillic decoded with the wrong code page (or damaged).

    Parameters
    ----------
    text : str
        The values of one column, joined.

    Returns
    -------
    bool
        True for replacement characters, or when most non-ASCII characters are box-drawing,
        control characters or runs of accented Latin (``ÍÀÇÂÀÍÈÅ``), or UTF-8 read as
        Windows-1251 (``РќР°СѓСЂ``).
    """
    if "\ufffd" in text:
        return True
    total, suspicious = _suspicious(text)
    if total < 3:
        return False
    if suspicious / total >= 0.4:
        return True
    return len(re.findall("[РС][\u0402-\u040f\u0452-\u045f\u00a0-\u00bf\u2018-\u203a]", text)) >= max(3, total // 5)


def dbf_text(path: Path, limit: int = _SAMPLE_BYTES) -> bytes:
    """The field names and the text cells of a ``.dbf`` file, as bytes, for :func:`detect`.

    Parameters
    ----------
    path : Path
        The shapefile's attribute table.
    limit : int
        Bytes of records read at most.

    Returns
    -------
    bytes
        Field names and character fields, one per line (numbers and dates are left out, as
        they say nothing about the encoding); empty for a file too short to be a table.
    """
    with path.open("rb") as handle:
        head = handle.read(32 + 32 * 256)
        if len(head) < 32:
            return b""
        header_length = int.from_bytes(head[8:10], "little")
        record_length = int.from_bytes(head[10:12], "little")
        names, fields, offset = [], [], 1  # each record starts with its deletion flag
        for start in range(32, min(header_length, len(head)) - 31, 32):
            descriptor = head[start : start + 32]
            if descriptor[:1] == b"\r":
                break
            width = descriptor[16]
            names.append(descriptor[:11].split(b"\0", 1)[0])
            if descriptor[11:12] in (b"C", b"M"):
                fields.append((offset, width))
            offset += width
        parts = list(names)
        if fields and record_length > 0:
            handle.seek(header_length)
            records = handle.read(limit)
            for start in range(0, len(records) - record_length + 1, record_length):
                record = records[start : start + record_length]
                parts += [record[begin : begin + width].strip(b" \0") for begin, width in fields]
    return b"\n".join(part for part in parts if part)


def shapefile_encoding(shp: Path, chosen: str | None = None) -> Detection | None:
    """The encoding of a shapefile's attributes: chosen, else its ``.cpg``, else detected.

    Parameters
    ----------
    shp : Path
        The ``.shp``; its ``.cpg`` and ``.dbf`` lie beside it.
    chosen : str, optional
        A key of :data:`ENCODINGS` the user picked.

    Returns
    -------
    Detection or None
        ``None`` when a ``.cpg`` names an encoding outside :data:`ENCODINGS` (GDAL then
        follows the ``.cpg`` itself).
    """
    if chosen in ENCODINGS:
        return Detection(chosen, CHOSEN)
    cpg, dbf = shp.with_suffix(".cpg"), shp.with_suffix(".dbf")
    if cpg.is_file():
        named = normalise(cpg.read_bytes()[:64].decode("ascii", errors="replace"))
        return Detection(named, BY_CPG) if named else None
    sample = dbf_text(dbf) if dbf.is_file() else b""
    detection = detect(sample)
    # A byte order mark means nothing inside a .dbf; its records are single- or multi-byte text.
    return detection if detection.encoding != UTF16 else Detection(UTF8, DETECTED)


def garbled_columns(columns: list[str], rows: list[dict], limit: int = 2000) -> list[tuple[str, str]]:
    """The text columns (or column names) of a reader's result that look garbled.

    Parameters
    ----------
    columns : list of str
        The file's columns.
    rows : list of dict
        The reader's rows (their ``props``); the first ``limit`` are looked at.
    limit : int
        Rows looked at.

    Returns
    -------
    list of (str, str)
        Each garbled column and a short sample of its text.
    """
    found = []
    for column in columns:
        values = [row.get("props", {}).get(column) for row in rows[:limit]]
        texts = [value for value in values if isinstance(value, str) and not value.isascii()]
        if looks_garbled(column):
            found.append((column, column[:40]))
        elif texts and looks_garbled(" ".join(texts)):
            sample = next((text for text in texts if looks_garbled(text)), texts[0])
            found.append((column, sample[:40]))
    return found


def unknown_encoding(name: object) -> RefusalError:
    """The refusal of an encoding name outside :data:`ENCODINGS`."""
    return RefusalError(UNKNOWN_ENCODING, encoding=plain_snippet(name, 30), known=", ".join(ENCODINGS.values()))


def plan_encoding(plan: object) -> dict | None:
    """The encoding an import plan's text was read with (``name``, ``label``, ``how``), if any.

    Parameters
    ----------
    plan : kzatlas.ingest.ImportPlan
        A checked file.

    Returns
    -------
    dict or None
        ``None`` for formats whose encoding is fixed (GeoJSON, GeoPackage, KML, XLSX).
    """
    inputs = getattr(plan, "inputs", None)
    found = inputs.raw.get("encoding") if inputs is not None else None
    return found if isinstance(found, dict) and found.get("name") in ENCODINGS else None


def plan_garbled(plan: object) -> list[str]:
    """The columns of an import plan whose text looks garbled (saving them needs the editor's word)."""
    inputs = getattr(plan, "inputs", None)
    found = inputs.raw.get("garbled") if inputs is not None else None
    return [str(column) for column in found] if isinstance(found, list) else []


def garbled_notes(found: list[tuple[str, str]]) -> list[Message]:
    """One note per garbled column (see :data:`GARBLED`)."""
    return [Message(GARBLED, column=plain_snippet(column, 60), sample=plain_snippet(sample, 40)) for column, sample in found]
