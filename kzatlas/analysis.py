"""Pure filters and summaries: a GeoDataFrame in, a new frame or a value out."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

import geopandas as gpd
import pandas as pd
from unidecode import unidecode

from kzatlas import area_history
from kzatlas.catalog import split_list
from kzatlas.config import KINDS, NAME_COLUMNS, PROTECTED_KINDS
from kzatlas.i18n import local_names

HECTARES_PER_KM2 = 100.0


@dataclass(frozen=True)
class Filters:
    """What the user asked to see. Empty tuples mean "no restriction"."""

    regions: tuple[str, ...] = ()
    themes: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    year_range: tuple[int, int] | None = None
    undp_only: bool = False
    name_query: str = ""


def fold_text(text: str) -> str:
    """Case- and accent-insensitive form of ``text`` (Latin or Cyrillic).

    ``"Ақсу-Жабағлы"`` and ``"AKSU-zhabagly"`` both fold to comparable strings; the
    Cyrillic form keeps its script, see :func:`transliterate` for cross-script matching.
    """
    decomposed = unicodedata.normalize("NFKD", str(text))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.casefold().replace("-", " ").split())


def transliterate(text: str) -> str:
    """Latin transliteration of folded text, so a Latin query finds a Cyrillic name."""
    return fold_text(unidecode(fold_text(text)))


def search_text(names: pd.DataFrame) -> pd.Series:
    """One searchable text per row: every name folded and transliterated, one per line.

    Each distinct name is folded once, so this is quick for thousands of rows; compute it once
    per catalogue and pass it to :func:`name_matches` (or :func:`filter_features`).

    Parameters
    ----------
    names : pandas.DataFrame
        The name columns (see ``NAME_COLUMNS``); empty values are skipped.

    Returns
    -------
    pandas.Series
        Text with the same index as ``names``.
    """
    distinct = pd.unique(names.astype(str).to_numpy().ravel())
    forms = {value: (f"{fold_text(value)}\n{transliterate(value)}" if value else "") for value in distinct}
    columns = [names[column].astype(str).map(forms) for column in names.columns]
    if not columns:
        return pd.Series("", index=names.index)
    return columns[0].str.cat(columns[1:], sep="\n")


def name_matches(names: pd.DataFrame, query: str, search: pd.Series | None = None) -> pd.Series:
    """Boolean mask: rows where any name contains ``query`` (folded, any script).

    ``search`` is :func:`search_text` of ``names`` (or of a frame holding these rows), made
    beforehand so a query is a vectorised substring test; it is made here when not given.
    """
    folded = fold_text(query)
    if not folded:
        return pd.Series(True, index=names.index)
    latin = transliterate(query)
    text = search_text(names) if search is None else search.reindex(names.index).fillna("")
    mask = text.str.contains(folded, regex=False)
    if latin and latin != folded:
        mask |= text.str.contains(latin, regex=False)
    return mask.astype(bool)


def _any_item_in(column: pd.Series, wanted: tuple[str, ...]) -> pd.Series:
    wanted_set = set(wanted)
    return column.map(lambda value: bool(wanted_set.intersection(split_list(value)))).astype(bool)


def year_bounds(frame: pd.DataFrame) -> tuple[int, int] | None:
    """Smallest and largest known year in ``frame``, or ``None`` when no year is known."""
    years = frame["year"].dropna()
    if years.empty:
        return None
    return int(years.min()), int(years.max())


def filter_features(frame: gpd.GeoDataFrame, filters: Filters, search: pd.Series | None = None) -> gpd.GeoDataFrame:
    """Return the features that match every filter.

    Parameters
    ----------
    frame : GeoDataFrame
        Features with the shared feature columns (see ``catalog.FEATURE_COLUMNS``).
    filters : Filters
        The user's choices.
    search : pandas.Series, optional
        :func:`search_text` of ``frame``'s names, made once per catalogue (made here if needed).

    Returns
    -------
    GeoDataFrame
        A new frame (same columns) with the matching rows, in the original order.
        Features with no known year stay in unless the year range was narrowed.
    """
    mask = pd.Series(True, index=frame.index)
    if filters.regions:
        mask &= _any_item_in(frame["region_codes"], filters.regions)
    if filters.themes:
        mask &= _any_item_in(frame["themes"], filters.themes)
    if filters.kinds:
        mask &= frame["kind"].isin(filters.kinds)
    if filters.undp_only:
        mask &= frame["undp_supported"].astype(bool)
    if filters.year_range is not None:
        low, high = filters.year_range
        full = year_bounds(frame)
        years = frame["year"]
        in_range = years.between(low, high).fillna(False).astype(bool)
        if full is not None and (low, high) == full:
            in_range |= years.isna()
        mask &= in_range
    if filters.name_query.strip():
        mask &= name_matches(frame[list(NAME_COLUMNS)], filters.name_query, search)
    # pandas copies on write: the rows taken are a frame of their own without a deep copy.
    return frame.loc[mask]


def counts_by_kind(frame: pd.DataFrame) -> pd.DataFrame:
    """Number of features of each kind, in legend order, kinds with none left out."""
    counts = frame["kind"].value_counts()
    rows = [(kind, int(counts[kind])) for kind in KINDS if kind in counts.index]
    return pd.DataFrame(rows, columns=["kind", "count"])


def official_hectares(areas) -> float:
    """Sum of official areas (ha); an area with no published figure counts as 0 (every total's rule)."""
    return float(pd.Series(areas, dtype=float).fillna(0).sum())


def protected_hectares(frame: pd.DataFrame) -> float:
    """Sum of official areas (ha) of reserves and parks; corridors are not protected areas."""
    protected = frame[frame["kind"].isin(PROTECTED_KINDS)]
    return official_hectares(protected["area_ha"])


def missing_official_area(frame: pd.DataFrame) -> int:
    """How many reserves and parks have no published area (left out of the sum)."""
    protected = frame[frame["kind"].isin(PROTECTED_KINDS)]
    return int(protected["area_ha"].isna().sum())


def land_area_hectares(regions: pd.DataFrame, codes: tuple[str, ...] = ()) -> float:
    """Land area (ha) of the chosen regions, or of the whole country when none is chosen."""
    chosen = regions if not codes else regions[regions["iso_code"].isin(codes)]
    return float(chosen["area_km2"].sum()) * HECTARES_PER_KM2


def protected_share_of_land(protected_ha: float, land_ha: float | None) -> float | None:
    """The atlas's protected share: official hectares of reserves and parks over land hectares (0-1).

    The one place this share is worked out: the summary panels, the region profile, briefing
    packs and :func:`protected_share` all call it. ``None`` when there is no land to divide by.
    """
    if not land_ha or land_ha <= 0:
        return None
    return protected_ha / land_ha


def protected_share(frame: pd.DataFrame, regions: pd.DataFrame, codes: tuple[str, ...] = ()) -> float | None:
    """Official protected hectares as a share (0-1) of the chosen regions' land area.

    An area that spans several regions counts in full whenever one of them is chosen,
    so a share for a few regions can overstate; the page says so.
    """
    return protected_share_of_land(protected_hectares(frame), land_area_hectares(regions, codes))


def counts_by_region(frame: pd.DataFrame, regions: pd.DataFrame, name_column: str = "name_en") -> pd.DataFrame:
    """Features per region and kind (a feature in two regions counts in both).

    Returns columns ``iso_code``, ``region``, ``kind``, ``count``.
    """
    names = dict(zip(regions["iso_code"], local_names(regions, name_column)))
    rows = []
    for _, feature in frame.iterrows():
        for code in split_list(feature["region_codes"]):
            rows.append((code, names.get(code, code), feature["kind"]))
    table = pd.DataFrame(rows, columns=["iso_code", "region", "kind"])
    if table.empty:
        return table.assign(count=pd.Series(dtype="int64"))
    return table.groupby(["iso_code", "region", "kind"], as_index=False).size().rename(columns={"size": "count"})


def counts_by_year(frame: pd.DataFrame) -> pd.DataFrame:
    """Features per year (established, or first year of a UNDP item) and kind."""
    known = frame.dropna(subset=["year"])
    if known.empty:
        return pd.DataFrame({"year": pd.Series(dtype="int64"), "kind": [], "count": pd.Series(dtype="int64")})
    table = known.groupby(["year", "kind"], as_index=False).size().rename(columns={"size": "count"})
    table["year"] = table["year"].astype(int)
    return table


def unlocated(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Features listed without a map position (no verifiable location)."""
    geoms = frame.geometry
    return frame[geoms.isna() | geoms.is_empty]


def located(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Features that have a geometry to draw."""
    geoms = frame.geometry
    return frame[geoms.notna() & ~geoms.is_empty]


def protected_areas(frame: pd.DataFrame) -> pd.DataFrame:
    """Only the reserves and national parks."""
    return frame[frame["kind"].isin(PROTECTED_KINDS)]


def area_by_region(frame: pd.DataFrame, regions: pd.DataFrame, name_column: str = "name_en") -> pd.DataFrame:
    """Official hectares of reserves and parks per region and kind.

    An area listed in several regions counts in full in each (sources give no split).
    Returns columns ``iso_code``, ``region``, ``kind``, ``area_ha``.
    """
    names = dict(zip(regions["iso_code"], local_names(regions, name_column)))
    rows = [
        (code, names.get(code, code), feature["kind"], float(feature["area_ha"]))
        for _, feature in protected_areas(frame).dropna(subset=["area_ha"]).iterrows()
        for code in split_list(feature["region_codes"])
    ]
    table = pd.DataFrame(rows, columns=["iso_code", "region", "kind", "area_ha"])
    return table.groupby(["iso_code", "region", "kind"], as_index=False)["area_ha"].sum()


def area_by_kind(frame: pd.DataFrame) -> pd.DataFrame:
    """Number and official hectares of reserves and parks by kind, in legend order."""
    protected = protected_areas(frame)
    rows = [
        (kind, int((protected["kind"] == kind).sum()), float(protected.loc[protected["kind"] == kind, "area_ha"].sum()))
        for kind in PROTECTED_KINDS
        if (protected["kind"] == kind).any()
    ]
    return pd.DataFrame(rows, columns=["kind", "count", "area_ha"])


def cumulative_growth(frame: pd.DataFrame) -> pd.DataFrame:
    """The network's growth: for each year an area was established or changed size, the running count and hectares.

    Each area counts at its size in that year (:func:`kzatlas.area_history.area_in_year`: its
    dated creation and expansions where sources give them, its latest official size from the
    last dated one on), the same rule as the map's time line.
    """
    protected = protected_areas(frame).dropna(subset=["year"])
    founded = protected["year"].astype(int).tolist()
    latest = protected["area_ha"].tolist()
    histories = area_history.of_rows(protected)
    changed = {change.year for changes in histories for change in changes if change.area_ha is not None}
    rows, before = [], 0.0
    for year in sorted(set(founded) | {year for year in changed if founded and year >= min(founded)}):
        hectares = sum(
            area_history.area_in_year(changes, area, year) or 0.0
            for first, area, changes in zip(founded, latest, histories)
            if first <= year and not pd.isna(area)
        )
        rows.append((year, founded.count(year), hectares - before, sum(first <= year for first in founded), hectares))
        before = hectares
    return pd.DataFrame(rows, columns=["year", "count", "area_ha", "cumulative_count", "cumulative_area_ha"])
