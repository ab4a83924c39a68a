"""Where a pack's facts come from: the sources of its items, of one feature and of the regions.

Each source is ``(title, url, accessed)``; a pack lists each address once, first mention first.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

import pandas as pd

from kzatlas.briefing.text import clean_text
from kzatlas.catalog import Catalogue

Source = tuple[str, str, str]  # (title, url, accessed)


def row_sources(rows: pd.DataFrame) -> list[Source]:
    """The main source of each feature in ``rows``, in order.

    Parameters
    ----------
    rows : pandas.DataFrame
        Features with ``source_title``, ``source_url`` and ``source_date``.

    Returns
    -------
    list of (str, str, str)
        One ``(title, url, accessed)`` per row.
    """
    return [
        (clean_text(row["source_title"]), clean_text(row["source_url"]), clean_text(row["source_date"]))
        for _, row in rows.iterrows()
    ]


def feature_sources(row: pd.Series) -> list[Source]:
    """Every source recorded for one feature (its ``sources_json``).

    Parameters
    ----------
    row : pandas.Series
        One feature.

    Returns
    -------
    list of (str, str, str)
        ``(title, url, accessed)`` per source; empty when the record does not parse.
    """
    try:
        sources = json.loads(row["sources_json"] or "[]")
    except (TypeError, ValueError):
        sources = []
    return [
        (clean_text(s.get("title")), clean_text(s.get("url")), clean_text(s.get("accessed")))
        for s in sources
        if isinstance(s, dict)
    ]


def layer_sources(catalogue: Catalogue, layer: str) -> list[Source]:
    """The sources the manifest names for a whole layer.

    Layer-level sources carry no reading date; the layer's vintage is the closest dating.

    Parameters
    ----------
    catalogue : Catalogue
        The loaded catalogue (its manifest is read).
    layer : str
        The layer's name in the manifest.

    Returns
    -------
    list of (str, str, str)
        ``(title, url, accessed or vintage)``; empty when the layer is not in the manifest.
    """
    manifest = catalogue.manifest
    if manifest is None or layer not in manifest.layers:
        return []
    record = manifest.layers[layer]
    return [
        (
            clean_text(source.get("title")),
            clean_text(source.get("url")),
            clean_text(source.get("accessed")) or clean_text(record.vintage),
        )
        for source in record.sources
        if isinstance(source, dict)
    ]


def unique_sources(sources: Iterable[Source]) -> list[Source]:
    """First mention of each URL (or of each title when there is no URL), in order.

    Parameters
    ----------
    sources : iterable of (str, str, str)
        ``(title, url, accessed)``, possibly repeated or empty.

    Returns
    -------
    list of (str, str, str)
        Without repeats or empty entries; a missing title is replaced by the URL.
    """
    seen: set[str] = set()
    out = []
    for title, url, accessed in sources:
        key = url or title
        if not key or key in seen:
            continue
        seen.add(key)
        out.append((title or url, url, accessed))
    return out
