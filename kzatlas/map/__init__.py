"""The web map: pure folium builders and what they send to the browser; never calls ``st_folium``.

* :mod:`~kzatlas.map.folium_maps`: the base map, one feature group per kind, the edit map.
* :mod:`~kzatlas.map.feature_payload`: features made small for the browser (per zoom band).
* :mod:`~kzatlas.map.browser_code`: small scripts and styles every map shares.
* :mod:`~kzatlas.map.name_order` and :mod:`~kzatlas.map.name_labels`: which names a map shows,
  in what order (also the pack's map's rule), and the web map's labels.
* :mod:`~kzatlas.map.chrome`: Leaflet served by the app, legend, layer list.
* :mod:`~kzatlas.map.basemap` and :mod:`~kzatlas.map.base_layers`: the offline basemap and the
  region outlines, prepared once per language; :mod:`~kzatlas.map.static_files` publishes them.
* :mod:`~kzatlas.map.import_preview`: the import preview's layer.
* :mod:`~kzatlas.map.offline_kit`: the single-file offline map.
"""
