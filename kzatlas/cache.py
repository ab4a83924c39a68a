"""The only cached functions. Keys are hashable values, never GeoDataFrames."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from kzatlas import analysis, catalog
from kzatlas.analysis import Filters


@st.cache_resource(max_entries=4, show_spinner=False)
def load_catalogue(geodata_dir: str) -> catalog.Catalogue:
    """Read and validate a geodata folder once per server process (read-only afterwards)."""
    return catalog.load_catalogue(Path(geodata_dir))


@st.cache_data(max_entries=64, show_spinner=False)
def filtered_features(filters: Filters, geodata_dir: str):
    """Features matching ``filters`` (a frozen dataclass, so it hashes)."""
    features = catalog.feature_frame(load_catalogue(geodata_dir))
    return analysis.filter_features(features, filters)
