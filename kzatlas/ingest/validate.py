"""Checks and repairs for imported values: shapes, coordinate systems, text, numbers, dates, regions.

Each function returns what it kept plus plain-words notes, or a reason to reject the row;
none raises for bad data. Shapes end in EPSG:4326, two-dimensional and valid.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import shapely
from pyproj import CRS as PROJ_CRS
from pyproj.exceptions import CRSError

from kzatlas.analysis import fold_text
from kzatlas.config import CRS
from kzatlas.ingest.errors import RefusalError
from kzatlas.safety import plain_snippet, starts_formula
from kzatlas.spatial import area_hectares

# Control characters (other than tab and line breaks) and the bidirectional overrides that hide text.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_NUMBER = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d{1,3})?$")
_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")
_DECIMAL_COMMA = re.compile(r"^[+-]?\d+,\d+$")
_SPACES = re.compile(r"[\s\u00a0\u2009\u202f_']")
_DOTTED_DATE = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")
# How far outside the simplified region outlines a shape may lie and still count as in Kazakhstan.
BORDER_TOLERANCE_DEGREES = 0.05
YEAR_RANGE = (1800, 2100)


@dataclass
class Checked:
    """A value that passed (possibly changed), with notes, or the reason it was rejected."""

    value: object = None
    notes: list[str] = field(default_factory=list)
    error: str | None = None


# ------------------------------------------------------------------ text and numbers


def is_blank(value: object) -> bool:
    """Whether a cell is empty (``None``, NaN or only spaces)."""
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and not value.strip()


def clean_text(label: str, value: object, limit: int) -> Checked:
    """Text from a file, checked for hidden characters and length.

    Parameters
    ----------
    label : str
        The field, for messages.
    value : object
        The cell.
    limit : int
        Longest kept text; longer text is shortened with a note.

    Returns
    -------
    Checked
        The text ("" for a blank cell). Control and text-direction characters reject the row;
        text that a spreadsheet would take as a formula is kept as text, with a note.
    """
    if is_blank(value):
        return Checked("")
    text = str(value).strip()
    if _CONTROL.search(text):
        return Checked(error=f"{label} holds control or text-direction characters")
    notes = []
    if len(text) > limit:
        text = text[:limit].rstrip()
        notes.append(f"{label} shortened to {limit:,} characters")
    if starts_formula(text):
        notes.append(f"{label} starts like a spreadsheet formula; kept as plain text, never run")
    return Checked(text, notes)


def parse_number(value: object) -> float | None:
    """A number from a cell: plain, with thousands separators or a decimal comma.

    Parameters
    ----------
    value : object
        The cell.

    Returns
    -------
    float or None
        ``None`` for a blank cell.

    Raises
    ------
    ValueError
        When the cell is not a finite number.
    """
    if is_blank(value):
        return None
    if isinstance(value, bool):
        raise ValueError("a true/false value")
    if isinstance(value, int | float):
        number = float(value)
    else:
        text = _SPACES.sub("", str(value).strip())
        if _THOUSANDS.match(text):
            text = text.replace(",", "")
        elif _DECIMAL_COMMA.match(text):
            text = text.replace(",", ".")
        if not _NUMBER.match(text):
            raise ValueError("not a number")
        number = float(text)
    if not math.isfinite(number):
        raise ValueError("not a finite number")
    return number


def _shown(value: object) -> str:
    return plain_snippet(value, 30)


def check_number(label: str, value: object, low: float | None = None, high: float | None = None) -> Checked:
    """A number within ``[low, high]``; a blank cell gives ``None``.

    Parameters
    ----------
    label : str
        The field, for messages.
    value : object
        The cell.
    low, high : float, optional
        Bounds (inclusive).

    Returns
    -------
    Checked
        The number, or the reason it is not one.
    """
    try:
        number = parse_number(value)
    except ValueError:
        return Checked(error=f"{label} '{_shown(value)}' is not a number")
    if number is None:
        return Checked(None)
    if (low is not None and number < low) or (high is not None and number > high):
        bounds = f"{low:g} to {high:g}" if high is not None else f"at least {low:g}"
        return Checked(error=f"{label} {number:g} is outside {bounds}")
    return Checked(number)


def check_year(value: object) -> Checked:
    """A whole year between 1800 and 2100; a blank cell gives ``None``."""
    checked = check_number("year", value, *YEAR_RANGE)
    if checked.error or checked.value is None:
        return checked
    if not float(checked.value).is_integer():
        return Checked(error=f"year '{_shown(value)}' is not a whole year")
    return Checked(int(checked.value))


def check_date(label: str, value: object) -> Checked:
    """A date as ``YYYY-MM-DD`` (``DD.MM.YYYY`` is converted, with a note)."""
    if is_blank(value):
        return Checked("")
    text = str(value).strip()[:32]
    notes = []
    dotted = _DOTTED_DATE.match(text)
    if dotted:
        day, month, year = dotted.groups()
        text = f"{year}-{int(month):02d}-{int(day):02d}"
        notes.append(f"{label} read as day.month.year")
    if "T" in text:
        text = text.split("T", 1)[0]
    try:
        parsed = dt.date.fromisoformat(text)
    except ValueError:
        return Checked(error=f"{label} '{_shown(value)}' is not a date (YYYY-MM-DD)")
    if len(text) != 10:
        return Checked(error=f"{label} '{_shown(value)}' is not a date (YYYY-MM-DD)")
    return Checked(parsed.isoformat(), notes)


# ------------------------------------------------------------------ regions

# ISO 3166-2:KZ codes in use before 2020, for the units the 2022 division kept whole.
OLD_REGION_CODES = {
    "KZ-AKM": "KZ-11", "KZ-AKT": "KZ-15", "KZ-ATY": "KZ-23", "KZ-ZAP": "KZ-27", "KZ-ZHA": "KZ-31",
    "KZ-KUS": "KZ-39", "KZ-KZY": "KZ-43", "KZ-MAN": "KZ-47", "KZ-PAV": "KZ-55", "KZ-SEV": "KZ-59",
    "KZ-YUZ": "KZ-61", "KZ-AST": "KZ-71", "KZ-ALA": "KZ-75", "KZ-SHY": "KZ-79",
}  # fmt: skip
# Old codes of units the 2022 reform split in two.
SPLIT_REGION_CODES = {"KZ-ALM": "KZ-19 or KZ-33", "KZ-VOS": "KZ-63 or KZ-10", "KZ-KAR": "KZ-35 or KZ-62"}
_REGION_WORDS = {"region", "oblast", "oblysy", "city", "область", "облысы", "обл", "город", "г", "қаласы", "каласы", "of"}


def _region_key(text: str) -> str:
    return fold_text(re.sub(r"[.,«»\"'()]", " ", text))


def _region_short(text: str) -> str:
    return " ".join(word for word in _region_key(text).split() if word not in _REGION_WORDS)


class RegionIndex:
    """Region codes and names (en/ru/kk) of the regions layer, and Kazakhstan's outline."""

    def __init__(self, regions: gpd.GeoDataFrame) -> None:
        self.codes = {str(code) for code in regions["iso_code"]}
        self.exact: dict[str, str] = {}
        short: dict[str, set[str]] = {}
        for _, row in regions.iterrows():
            for column in ("name_en", "name_ru", "name_kk"):
                name = str(row.get(column) or "")
                if name:
                    self.exact[_region_key(name)] = row["iso_code"]
                    short.setdefault(_region_short(name), set()).add(row["iso_code"])
        self.short = {key: next(iter(codes)) for key, codes in short.items() if len(codes) == 1 and key}
        self.ambiguous = {key for key, codes in short.items() if len(codes) > 1}
        self.frame = regions[["iso_code", "geometry"]].to_crs(CRS)
        outline = shapely.union_all(self.frame.geometry.values)
        self.outline = shapely.buffer(outline, BORDER_TOLERANCE_DEGREES)
        shapely.prepare(self.outline)

    def lookup(self, value: object) -> Checked:
        """The 2022 ISO code a cell names, by code or by name in any of the three languages."""
        if is_blank(value):
            return Checked(None)
        text = str(value).strip()
        code = text.upper().replace("_", "-").replace(" ", "")
        if code in self.codes:
            return Checked(code)
        if code in OLD_REGION_CODES:
            return Checked(OLD_REGION_CODES[code], [f"old region code {code} read as {OLD_REGION_CODES[code]}"])
        if code in SPLIT_REGION_CODES:
            return Checked(error=f"region code {code} is from before 2022, when the region was split ({SPLIT_REGION_CODES[code]})")
        key = _region_key(text)
        if key in self.exact:
            return Checked(self.exact[key])
        short = _region_short(text)
        if short in self.short:
            return Checked(self.short[short])
        if short in self.ambiguous:
            return Checked(error=f"region '{_shown(text)}' could be a region or a city; give its ISO code")
        return Checked(error=f"region '{_shown(text)}' is not a region of Kazakhstan (2022 division)")

    def codes_for(self, geometries: gpd.GeoSeries) -> list[list[str]]:
        """Codes of the regions each shape touches (in the order of the regions layer)."""
        result: list[list[str]] = [[] for _ in range(len(geometries))]
        if not len(geometries):
            return result
        tree = shapely.STRtree(self.frame.geometry.values)
        present = [(i, g) for i, g in enumerate(geometries) if g is not None and not g.is_empty]
        if not present:
            return result
        positions, geoms = zip(*present, strict=True)
        pairs = tree.query(np.array(geoms, dtype=object), predicate="intersects")
        codes = self.frame["iso_code"].to_numpy()
        for source, target in zip(pairs[0], pairs[1], strict=True):
            result[positions[source]].append(str(codes[target]))
        order = {code: i for i, code in enumerate(codes)}
        return [sorted(set(item), key=order.get) for item in result]

    def inside(self, geometries: np.ndarray) -> np.ndarray:
        """Whether each shape meets Kazakhstan (with a small tolerance at the border)."""
        return shapely.intersects(self.outline, geometries)


# ------------------------------------------------------------------ coordinate systems


def crs_label(crs: PROJ_CRS) -> str:
    """A short name for a CRS: ``EPSG:32642`` when it has a code, else its name."""
    code = crs.to_epsg()
    return f"EPSG:{code}" if code else plain_snippet(crs.name, 60)


def resolve_crs(
    stated: str | None, geometries: list, layer_label: str, *, lonlat_by_default: bool = False
) -> tuple[PROJ_CRS | None, list[str]]:
    """The CRS to read a layer in, and file-level notes.

    Parameters
    ----------
    stated : str or None
        What the file says (an ``EPSG:`` code or WKT), or ``None``.
    geometries : list
        The layer's shapes (``None`` for missing ones), to test a missing CRS.
    layer_label : str
        How to name the layer in notes ("" for a one-layer file).
    lonlat_by_default : bool
        Whether the format itself says longitude/latitude when no CRS is stated (GeoJSON).

    Returns
    -------
    tuple
        ``(crs, notes)``; ``crs`` is ``None`` when the coordinates are already EPSG:4326.

    Raises
    ------
    RefusalError
        When the CRS is not understood, or missing and the coordinates are not longitude/latitude.
    """
    where = f" (layer '{plain_snippet(layer_label)}')" if layer_label else ""
    if stated:
        try:
            crs = PROJ_CRS.from_user_input(stated)
        except CRSError as exc:
            raise RefusalError(f"the file's coordinate system{where} is not understood") from exc
        if crs.equals(PROJ_CRS.from_epsg(4326), ignore_axis_order=True) or crs_label(crs) in ("EPSG:4326", "OGC:CRS84"):
            return None, []
        if crs.is_geographic and crs.ellipsoid and crs.ellipsoid.name == "WGS 84":
            return None, []
        return crs, []
    present = [g for g in geometries if g is not None and not g.is_empty]
    coords = shapely.get_coordinates(np.array(present, dtype=object)) if present else np.empty((0, 2))
    finite = coords[np.isfinite(coords).all(axis=1)]
    outside = (np.abs(finite[:, 0]) > 180) | (np.abs(finite[:, 1]) > 90)
    # GeoJSON is longitude/latitude by definition: single bad positions are the rows' problem,
    # a file with none in range is in another CRS.
    if len(finite) and (outside.all() if lonlat_by_default else outside.any()):
        raise RefusalError(
            f"the file states no coordinate system{where} and its coordinates are not longitude/latitude; "
            "include the .prj file or save it in EPSG:4326"
        )
    if lonlat_by_default:
        return None, []
    return None, [f"the file states no coordinate system{where}; its coordinates were read as longitude/latitude (EPSG:4326)"]


# ------------------------------------------------------------------ shapes

_ALLOWED_TYPES = ("Point", "MultiPoint", "LineString", "MultiLineString", "Polygon", "MultiPolygon")


def _signed_percent(before: float, after: float) -> str:
    if not before:
        return "n/a"
    change = (after - before) / before * 100
    return f"{change:+.1f} %".replace("-", "\u2212")


def prepare_geometry(geometry) -> Checked:
    """First checks on a shape as read, before reprojection: present, simple type, finite, 2-D."""
    if geometry is None:
        return Checked(error="the feature has no geometry")
    if geometry.is_empty:
        return Checked(error="the geometry is empty")
    if geometry.geom_type not in _ALLOWED_TYPES:
        return Checked(error="the geometry mixes several kinds of shape (a GeometryCollection); split it into separate features")
    coords = shapely.get_coordinates(geometry)
    if not np.isfinite(coords).all():
        return Checked(error="the geometry has coordinates that are not finite numbers (NaN or infinity)")
    notes = []
    if shapely.has_z(geometry) or (hasattr(shapely, "has_m") and shapely.has_m(geometry)):
        geometry = shapely.force_2d(geometry)
        notes.append("Z dropped (heights are not kept)")
    return Checked(geometry, notes)


def finish_geometries(geometries: list, notes: list[list[str]]) -> list[Checked]:
    """Checks and repairs on shapes in EPSG:4326: ranges, antimeridian, validity.

    Parameters
    ----------
    geometries : list
        Shapes in EPSG:4326 (``None`` where an earlier check failed).
    notes : list of list of str
        Notes so far, one list per shape; repairs are added to them.

    Returns
    -------
    list of Checked
        One per shape: the final shape, or the reason it is rejected.
    """
    results = []
    for geometry, row_notes in zip(geometries, notes, strict=True):
        if geometry is None:
            results.append(Checked(None, row_notes))
            continue
        coords = shapely.get_coordinates(geometry)
        if not np.isfinite(coords).all():
            results.append(Checked(error="the coordinates cannot be converted to longitude/latitude (is the coordinate system right?)"))
            continue
        lon, lat = coords[:, 0], coords[:, 1]
        if (np.abs(lon) > 180).any() or (np.abs(lat) > 90).any():
            results.append(Checked(error="coordinates are outside longitude -180 to 180 / latitude -90 to 90 (is the coordinate system right?)"))
            continue
        if lon.max() - lon.min() > 180:
            results.append(Checked(error="the shape crosses the antimeridian (180° longitude), far from Kazakhstan"))
            continue
        if not shapely.is_valid(geometry):
            reason = shapely.is_valid_reason(geometry).split("[")[0].strip().lower() or "invalid"
            repaired = shapely.make_valid(geometry, method="structure", keep_collapsed=False)
            if geometry.geom_type in ("Polygon", "MultiPolygon"):
                parts = [p for p in getattr(repaired, "geoms", [repaired]) if p.geom_type in ("Polygon", "MultiPolygon")]
                repaired = shapely.union_all(parts) if parts else shapely.Polygon()
            if repaired.is_empty:
                results.append(Checked(error=f"the geometry is invalid ({reason}) and nothing remains after repair"))
                continue
            before, after = area_hectares(gpd.GeoSeries([geometry, repaired], crs=CRS)).tolist()
            row_notes = [*row_notes, f"invalid geometry repaired ({reason}; area {_signed_percent(before, after)})"]
            geometry = repaired
        results.append(Checked(geometry, row_notes))
    return results
