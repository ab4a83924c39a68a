"""Regions named in imported files: ISO codes (old and new) and names in three languages.

:class:`RegionIndex` reads a cell naming a region, finds the regions a shape touches and tells
whether a shape lies in Kazakhstan at all.
"""

from __future__ import annotations

import re

import geopandas as gpd
import numpy as np
import shapely

from kzatlas.analysis import fold_text
from kzatlas.config import CRS, NAME_COLUMNS
from kzatlas.ingest.messages import N_, Message
from kzatlas.ingest.validate import Checked, is_blank
from kzatlas.safety import plain_snippet

# How far outside the simplified region outlines a shape may lie and still count as in Kazakhstan.
BORDER_TOLERANCE_DEGREES = 0.05

# ISO 3166-2:KZ codes in use before 2020, for the units the 2022 division kept whole.
OLD_REGION_CODES = {
    "KZ-AKM": "KZ-11", "KZ-AKT": "KZ-15", "KZ-ATY": "KZ-23", "KZ-ZAP": "KZ-27", "KZ-ZHA": "KZ-31",
    "KZ-KUS": "KZ-39", "KZ-KZY": "KZ-43", "KZ-MAN": "KZ-47", "KZ-PAV": "KZ-55", "KZ-SEV": "KZ-59",
    "KZ-YUZ": "KZ-61", "KZ-AST": "KZ-71", "KZ-ALA": "KZ-75", "KZ-SHY": "KZ-79",
}  # fmt: skip
# Old codes of units the 2022 reform split in two.
SPLIT_REGION_CODES = {"KZ-ALM": ("KZ-19", "KZ-33"), "KZ-VOS": ("KZ-63", "KZ-10"), "KZ-KAR": ("KZ-35", "KZ-62")}
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
            for column in NAME_COLUMNS:
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
            note = Message(N_("old region code {code} read as {new}"), code=code, new=OLD_REGION_CODES[code])
            return Checked(OLD_REGION_CODES[code], [note])
        if code in SPLIT_REGION_CODES:
            first, second = SPLIT_REGION_CODES[code]
            return Checked(
                error=Message(
                    N_("region code {code} is from before 2022, when the region was split ({first} or {second})"),
                    code=code,
                    first=first,
                    second=second,
                )
            )
        key = _region_key(text)
        if key in self.exact:
            return Checked(self.exact[key])
        short = _region_short(text)
        if short in self.short:
            return Checked(self.short[short])
        if short in self.ambiguous:
            return Checked(
                error=Message(N_("region '{region}' could be a region or a city; give its ISO code"), region=plain_snippet(text, 30))
            )
        return Checked(
            error=Message(N_("region '{region}' is not a region of Kazakhstan (2022 division)"), region=plain_snippet(text, 30))
        )

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

