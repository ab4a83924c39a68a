"""The naive baseline app of ``bench_large_map.py`` and ``bench_versions.py``: a new plain folium map on every rerun.

Run: ``KZATLAS_GEODATA_DIR=<folder> streamlit run bench/naive_map_app.py``.
"""

from __future__ import annotations

import sys
from pathlib import Path

import streamlit as st
from streamlit_folium import st_folium

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from naive_map import naive_map  # noqa: E402

from kzatlas import analysis, catalog  # noqa: E402


@st.cache_resource
def load():
    loaded = catalog.load_catalogue(catalog.active_geodata_dir())
    return catalog.region_frame(loaded), catalog.feature_frame(loaded)


regions, features = load()
codes = sorted(regions["iso_code"])
chosen = st.sidebar.multiselect("Region", codes)
kinds = st.sidebar.multiselect("Kind", sorted(features["kind"].unique()))
matching = analysis.filter_features(features, analysis.Filters(regions=tuple(chosen), kinds=tuple(kinds)))
st.write(f"Matching features: {len(matching)}")
st_folium(naive_map(regions, matching), key="naive", height=640, use_container_width=True, returned_objects=[])
