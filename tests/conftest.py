"""Settings for the whole suite: saved edits go to a throw-away data folder, never the project's."""

from __future__ import annotations

import os
import tempfile

# Set before any test (or any server a browser test starts) opens the store.
_DATA_DIR = tempfile.mkdtemp(prefix="kzatlas-test-data-")
os.environ["KZATLAS_DATA_DIR"] = _DATA_DIR
os.environ.pop("KZATLAS_STORE_URL", None)
