"""Import files into the atlas: check, repair and plan, before anything is saved.

``check_file`` reads an upload (GeoJSON, GeoPackage, zipped shapefile, KML, CSV or XLSX) in a
separate resource-limited process and returns an :class:`ImportPlan`: what would be added,
changed or left alone, every repair made and every row rejected with its reason. Every refusal,
reason, repair and note is a :class:`~kzatlas.ingest.messages.Message`: English as text, shown
translated on the page.

The names are loaded lazily so that the reading process, which imports
``kzatlas.ingest.worker``, does not pay for geopandas.
"""

from __future__ import annotations

__all__ = [
    "ImportPlan",
    "PlannedRow",
    "RefusalError",
    "check_file",
    "with_header",
    "with_mapping",
    "with_provenance",
    "with_swapped_coordinates",
]


def __getattr__(name: str):
    if name in ("ImportPlan", "PlannedRow"):
        from kzatlas.ingest import planned

        return getattr(planned, name)
    if name in ("check_file", "with_header", "with_mapping", "with_provenance", "with_swapped_coordinates"):
        from kzatlas.ingest import plan

        return getattr(plan, name)
    if name == "RefusalError":
        from kzatlas.ingest.errors import RefusalError

        return RefusalError
    raise AttributeError(name)
