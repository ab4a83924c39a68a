"""Limits on what an imported file may hold and on the work spent reading it.

Every check in :mod:`kzatlas.ingest` reads its bounds from here, so a deployment can see
(and a test can assert) what a hostile file is allowed to cost.
"""

from __future__ import annotations

# The file as uploaded.
MAX_FILE_BYTES = 50 * 1024 * 1024

# Zip archives (a zipped shapefile, and an XLSX workbook, which is a zip too).
MAX_ZIP_MEMBERS = 200
MAX_UNZIPPED_BYTES = 300 * 1024 * 1024
# Uncompressed / compressed size, for the whole archive and for any member above
# RATIO_MIN_MEMBER_BYTES (small members compress well without being bombs).
MAX_COMPRESSION_RATIO = 200
RATIO_MIN_MEMBER_BYTES = 1024 * 1024

# What the file may describe.
MAX_FEATURES = 50_000
MAX_COLUMNS = 200
MAX_LAYERS = 20
MAX_VERTICES = 2_000_000
MAX_FEATURE_VERTICES = 500_000
# JSON nesting: a GeoJSON MultiPolygon needs 8 levels inside a FeatureCollection.
MAX_JSON_DEPTH = 32
# Longest cell a CSV file may hold, in characters (the csv module's field limit).
MAX_CELL_CHARS = 100_000

# Text kept from a file: longer names and texts are shortened, with a note.
MAX_NAME_CHARS = 200
MAX_TEXT_CHARS = 2_000

# The reading process (see kzatlas.ingest.worker).
PARSE_TIMEOUT_SECONDS = 60
PARSE_CPU_SECONDS = 60
PARSE_MEMORY_BYTES = 2 * 1024 * 1024 * 1024
# Largest result the reading process may write back, bytes.
MAX_RESULT_BYTES = 512 * 1024 * 1024
