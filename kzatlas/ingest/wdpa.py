"""Protected Planet (WDPA) exports: recognise them and match their areas to the catalogue.

An area is matched to a catalogue reserve or park by its WDPA id when the catalogue records
one (a ``protectedplanet.net/<id>`` link or a "WDPA <id>" mention in a feature's sources,
links or notes), else by name: names are compared in any script, case- and accent-free,
without designation words ("State National Nature Park", "заповедник", "қорығы"...) and
without Russian adjective endings, so "Naurzumskiy", "Наурзумский заповедник" and
"Naurzum State Nature Reserve" meet.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

import pandas as pd

from kzatlas.analysis import fold_text, transliterate
from kzatlas.config import NAME_COLUMNS, PROTECTED_KINDS
from kzatlas.ingest.messages import N_, Message

# Columns every WDPA polygon or point export carries (shapefile field names, upper case).
WDPA_COLUMNS = ("WDPAID", "NAME", "ORIG_NAME", "DESIG_ENG", "IUCN_CAT", "REP_AREA", "STATUS_YR")
_REQUIRED = {"WDPAID", "NAME"}
_ENOUGH_OF = {"ORIG_NAME", "DESIG_ENG", "IUCN_CAT", "REP_AREA", "STATUS_YR", "DESIG", "GIS_AREA", "ISO3"}

_ID_PATTERNS = (
    re.compile(r"protectedplanet\.net/(?:en/)?(?:sites/)?(\d{1,9})\b", re.IGNORECASE),
    re.compile(r"\bWDPA(?:[\s_-]*ID)?[\s:#=]*(\d{1,9})\b", re.IGNORECASE),
)

_DESIGNATION_WORDS = {
    # English and transliterations
    "state", "national", "nature", "natural", "park", "reserve", "strict", "forest", "the", "of",
    "zapovednik", "rezervat", "np", "nr", "sanctuary", "zakaznik", "protected", "area",
    # Russian
    "государственный", "государственная", "национальный", "природный", "природная", "парк",
    "заповедник", "резерват", "лесной", "оопт",
    # Kazakh
    "мемлекеттік", "ұлттық", "табиғи", "паркі", "қорығы", "қорық", "резерваты", "орман",
}  # fmt: skip
# Compared in the folded form names are reduced to (fold_text drops the breve of "й").
_STOP_WORDS = {fold_text(word) for word in _DESIGNATION_WORDS} | {
    re.sub(r"[^a-z0-9]", "", transliterate(word)) for word in _DESIGNATION_WORDS
}
_ADJECTIVE_ENDING = re.compile(r"(skii|skiy|skij|sky|skaya|skaia|skoe|skogo)$")
_PHONETIC = (("dzh", "j"), ("zh", "j"), ("kh", "h"), ("gh", "g"), ("q", "k"), ("iy", "i"), ("yi", "i"), ("ii", "i"), ("y", "i"), ("w", "u"))
NAME_SIMILARITY = 0.86


def is_wdpa_export(columns: list[str]) -> bool:
    """Whether a file's columns are a Protected Planet (WDPA) export's.

    Parameters
    ----------
    columns : list of str
        The file's column names.

    Returns
    -------
    bool
        ``True`` with ``WDPAID`` and ``NAME`` and at least two more WDPA columns.
    """
    upper = {str(column).upper() for column in columns}
    return _REQUIRED <= upper and len(upper & _ENOUGH_OF) >= 2


def wdpa_column(columns: list[str], name: str) -> str | None:
    """The file's spelling of a WDPA column (``NAME`` may be ``name`` in a GeoJSON export)."""
    return next((column for column in columns if str(column).upper() == name), None)


def name_key(text: object) -> str:
    """A name reduced for matching across scripts and designations.

    Parameters
    ----------
    text : object
        A name in Latin or Cyrillic script.

    Returns
    -------
    str
        Lower-case Latin letters and digits, designation words and adjective endings removed.
    """
    if not isinstance(text, str):
        return ""
    folded = fold_text(re.sub(r"[«»\"'()“”„.,]", " ", text).replace("-", " "))
    words = [word for word in folded.split() if word not in _STOP_WORDS]
    latin_words = []
    for word in words:
        latin = re.sub(r"[^a-z0-9]", "", transliterate(word))
        if not latin or latin in _STOP_WORDS:
            continue
        if len(latin) > 6:
            latin = _ADJECTIVE_ENDING.sub("", latin)
        latin_words.append(latin)
    key = "".join(latin_words)
    for old, new in _PHONETIC:
        key = key.replace(old, new)
    return re.sub(r"(.)\1+", r"\1", key)


def catalogue_wdpa_ids(features: pd.DataFrame) -> dict[int, str]:
    """WDPA ids the catalogue records, to feature id.

    Parameters
    ----------
    features : DataFrame
        The catalogue's features.

    Returns
    -------
    dict
        WDPA id to catalogue id; empty when no feature records one.
    """
    found: dict[int, str] = {}
    for _, row in features.iterrows():
        text = " ".join(str(row.get(column) or "") for column in ("sources_json", "links", "notes"))
        for pattern in _ID_PATTERNS:
            for match in pattern.finditer(text):
                found.setdefault(int(match.group(1)), str(row["id"]))
    return found


@dataclass(frozen=True)
class Candidate:
    """A catalogue area an imported area may be."""

    feature_id: str
    how: str
    score: float


class Matcher:
    """Matches imported protected areas to the catalogue's reserves and parks."""

    def __init__(self, features: pd.DataFrame) -> None:
        protected = features[features["kind"].isin(PROTECTED_KINDS)]
        self.ids = catalogue_wdpa_ids(protected)
        self.kinds = dict(zip(protected["id"], protected["kind"], strict=True))
        self.keys: list[tuple[str, str]] = []
        for _, row in protected.iterrows():
            for column in NAME_COLUMNS:
                key = name_key(row.get(column))
                if key:
                    self.keys.append((key, str(row["id"])))

    @property
    def has_ids(self) -> bool:
        """Whether any catalogue area records its WDPA id."""
        return bool(self.ids)

    def match(self, wdpa_id: int | None, names: list[str], kind: str | None) -> tuple[Candidate | None, Message | None]:
        """The catalogue area an imported area is, or why none could be chosen.

        Parameters
        ----------
        wdpa_id : int or None
            The area's WDPA id.
        names : list of str
            Its names (any script).
        kind : str or None
            The kind its designation names, preferred when names match several areas.

        Returns
        -------
        tuple
            ``(candidate, None)``, or ``(None, note)`` when no area or several fit.
        """
        if wdpa_id is not None and wdpa_id in self.ids:
            return Candidate(self.ids[wdpa_id], "WDPA id", 1.0), None
        keys = {name_key(name) for name in names} - {""}
        if not keys:
            return None, Message(N_("the area has no name to match"))
        scores: dict[str, float] = {}
        for key in keys:
            for catalogue_key, feature_id in self.keys:
                if key == catalogue_key:
                    score = 1.0
                else:
                    score = difflib.SequenceMatcher(None, key, catalogue_key).ratio()
                if score >= NAME_SIMILARITY:
                    scores[feature_id] = max(scores.get(feature_id, 0.0), score)
        if not scores:
            return None, None
        best = max(scores.values())
        top = sorted(fid for fid, score in scores.items() if score >= best - 0.02)
        if len(top) > 1 and kind:
            same_kind = [fid for fid in top if self.kinds.get(fid) == kind]
            top = same_kind or top
        if len(top) > 1:
            return None, Message(N_("the name fits several catalogue areas ({ids}); none is chosen"), ids=", ".join(top))
        return Candidate(top[0], "name", round(best, 3)), None
