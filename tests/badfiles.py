"""A catalogue of hostile and broken files for the importer, each with the message it must get.

Every case builds its file's bytes (in a scratch folder the test gives it) and says where the
plain-words message must appear: the whole file ``refused``, a row's ``reason`` for rejection,
a row's ``repair`` note or a file-level ``note``.
"""

from __future__ import annotations

import io
import json
import sqlite3
import stat
import struct
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import openpyxl
import pyogrio
import shapely
from payloads import CONTROL, DANGEROUS_URLS


@dataclass(frozen=True)
class BadFile:
    """One hostile file: how to build it and the message it must get."""

    name: str
    filename: str
    make: Callable[[Path], bytes]
    where: str  # "refused", "reason", "repair" or "note"
    message: str


# ------------------------------------------------------------------ builders


def geojson(features: list[dict], **extra) -> bytes:
    return json.dumps({"type": "FeatureCollection", **extra, "features": features}).encode()


def feature(geometry: dict | None, **properties) -> dict:
    return {"type": "Feature", "properties": {"name": "Test site", "kind": "undp_site", **properties}, "geometry": geometry}


def point(lon: float = 70.0, lat: float = 48.0) -> dict:
    return {"type": "Point", "coordinates": [lon, lat]}


def polygon(ring: list) -> dict:
    return {"type": "Polygon", "coordinates": [ring]}


SQUARE = [[70, 48], [70.1, 48], [70.1, 48.1], [70, 48.1], [70, 48]]


def zip_bytes(members: list[tuple[zipfile.ZipInfo | str, bytes]], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", method) as archive:
        for info, data in members:
            archive.writestr(info, data)
    return buffer.getvalue()


def member(name: str, mode: int = 0) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name)
    if mode:
        info.create_system = 3
        info.external_attr = mode << 16
    return info


def shapefile_parts(folder: Path, frame: gpd.GeoDataFrame, name: str = "layer") -> dict[str, bytes]:
    target = folder / f"{name}-{len(list(folder.iterdir()))}"
    target.mkdir()
    pyogrio.write_dataframe(frame, target / f"{name}.shp")
    return {part.suffix: part.read_bytes() for part in target.iterdir()}


def site_frame(crs: str = "EPSG:4326", geometry=None) -> gpd.GeoDataFrame:
    geometry = geometry if geometry is not None else shapely.Point(70, 48)
    return gpd.GeoDataFrame({"name": ["Test site"], "kind": ["undp_site"]}, geometry=[geometry], crs=crs)


def shapefile_zip(folder: Path, frame: gpd.GeoDataFrame, skip: tuple[str, ...] = (), replace: dict | None = None) -> bytes:
    parts = shapefile_parts(folder, frame)
    parts.update(replace or {})
    return zip_bytes([(f"layer{ext}", data) for ext, data in parts.items() if ext not in skip])


def forge_central_sizes(data: bytes, size: int) -> bytes:
    """Rewrite every central-directory entry to claim ``size`` bytes (packed and unpacked)."""
    out = bytearray(data)
    start = 0
    while (at := out.find(b"PK\x01\x02", start)) != -1:
        struct.pack_into("<II", out, at + 20, size, size)
        start = at + 4
    return bytes(out)


def csv_text(text: str, encoding: str = "utf-8") -> Callable[[Path], bytes]:
    return lambda _folder: text.encode(encoding)


def workbook(rows: list[list], extra: Callable | None = None) -> Callable[[Path], bytes]:
    def make(_folder: Path) -> bytes:
        book = openpyxl.Workbook()
        sheet = book.active
        for row in rows:
            sheet.append(row)
        if extra:
            extra(sheet)
        buffer = io.BytesIO()
        book.save(buffer)
        return buffer.getvalue()

    return make


def geopackage(folder: Path, *, trigger: bool = False, attributes: bool = False) -> bytes:
    path = folder / f"g{len(list(folder.iterdir()))}.gpkg"
    pyogrio.write_dataframe(site_frame(), path, layer="sites")
    if attributes:
        pyogrio.write_dataframe(gpd.pd.DataFrame({"note": ["x"]}), path, layer="extra", driver="GPKG")
    if trigger:
        with sqlite3.connect(path) as connection:
            connection.execute("CREATE TRIGGER evil AFTER INSERT ON sites BEGIN DELETE FROM sites; END")
    return path.read_bytes()


def gdal_geopackage(folder: Path, *layers: str, **options) -> Path:
    """A GeoPackage as GDAL writes it (R-tree index, feature count and tile matrix triggers)."""
    path = folder / f"g{len(list(folder.iterdir()))}.gpkg"
    for layer in layers or ("sites",):
        pyogrio.write_dataframe(site_frame(), path, layer=layer, **options)
    return path


def trigger_sql(path: Path, name: str) -> str:
    with sqlite3.connect(path) as connection:
        return connection.execute("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?", (name,)).fetchone()[0]


def retriggered(*layers: str, name: str, sql: Callable[[str], str], **options) -> Callable[[Path], bytes]:
    """A GDAL GeoPackage whose trigger ``name`` is replaced by ``sql(its standard SQL)``."""

    def make(folder: Path) -> bytes:
        path = gdal_geopackage(folder, *layers, **options)
        replacement = sql(trigger_sql(path, name))
        with sqlite3.connect(path) as connection:
            connection.execute(f'DROP TRIGGER "{name}"')
            connection.execute(replacement)
        return path.read_bytes()

    return make


def added_trigger(sql: str) -> Callable[[Path], bytes]:
    """A GDAL GeoPackage with one more trigger."""

    def make(folder: Path) -> bytes:
        path = gdal_geopackage(folder)
        with sqlite3.connect(path) as connection:
            connection.execute(sql)
        return path.read_bytes()

    return make


def before_end(extra: str) -> Callable[[str], str]:
    """The trigger's SQL with one more statement run before its END."""
    return lambda sql: sql[: sql.rstrip().rfind("END")] + extra + " END"


def unregistered_rtree(folder: Path) -> bytes:
    """The R-tree index triggers stay, but the index is no longer registered in gpkg_extensions."""
    path = gdal_geopackage(folder)
    with sqlite3.connect(path) as connection:
        connection.execute("DELETE FROM gpkg_extensions WHERE extension_name = 'gpkg_rtree_index'")
    return path.read_bytes()


def plain_sqlite(folder: Path) -> bytes:
    path = folder / "plain.sqlite"
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE t (a)")
    return path.read_bytes()


KML_HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n'
KML_PLACEMARK = "<Placemark><name>Site</name><Point><coordinates>70,48</coordinates></Point></Placemark>"


def kml(body: str, head: str = KML_HEAD) -> Callable[[Path], bytes]:
    return lambda _folder: (head + body).encode()


def const(data: bytes) -> Callable[[Path], bytes]:
    return lambda _folder: data


def nested(depth: int) -> bytes:
    return b'{"type": "FeatureCollection", "features": ' + b"[" * depth + b"]" * depth + b"}"


# ------------------------------------------------------------------ the catalogue

def huge_polygon(vertices: int) -> shapely.Polygon:
    import numpy as np

    angles = np.linspace(0, 2 * np.pi, vertices, endpoint=False)
    ring = np.column_stack([70 + 0.5 * np.cos(angles), 48 + 0.5 * np.sin(angles)])
    return shapely.Polygon(ring)


BAD_FILES: list[BadFile] = [
    # --- name, size, format
    BadFile("empty-file", "empty.geojson", const(b""), "refused", "the file is empty (0 bytes)"),
    BadFile("too-large", "big.geojson", const(b"{" + b" " * (50 * 1024 * 1024)), "refused", "larger than 50 MB"),
    BadFile("unknown-extension", "tool.exe", const(b"MZ\x90\x00"), "refused", "files of type .exe are not accepted"),
    BadFile("no-extension", "README", const(b"hello"), "refused", "without an extension are not accepted"),
    BadFile("kmz", "places.kmz", const(b"PK\x03\x04"), "refused", "KMZ files are not accepted"),
    BadFile("lone-shp", "layer.shp", const(b"\x00\x00\x27\x0a"), "refused", "a shapefile is several files"),
    BadFile("vrt-extension", "layer.vrt", const(b"<OGRVRTDataSource/>"), "refused", "virtual-format files (.vrt)"),
    BadFile("vsi-path-name", "/vsicurl/http://evil.invalid/x.geojson", const(b"{}"), "refused", "looks like a server path or web address"),
    BadFile("url-name", "https://evil.invalid/x.geojson", const(b"{}"), "refused", "looks like a server path or web address"),
    BadFile(
        "vrt-disguised-as-geojson",
        "regions.geojson",
        const(b'<OGRVRTDataSource><OGRVRTLayer name="x"><SrcDataSource>/vsicurl/http://evil.invalid/a.csv</SrcDataSource></OGRVRTLayer></OGRVRTDataSource>'),
        "refused",
        "GDAL virtual-format document (VRT)",
    ),
    BadFile("vrt-after-bom", "x.geojson", const(b"\xef\xbb\xbf  \n<OGRVRTDataSource/>"), "refused", "GDAL virtual-format document"),
    BadFile("xml-as-geojson", "x.geojson", const(b"<?xml version='1.0'?><a/>"), "refused", "the file is XML, not GeoJSON"),
    BadFile("zip-as-geojson", "x.geojson", const(b"PK\x03\x04rest"), "refused", "the file is a zip archive, not GeoJSON"),
    BadFile("sqlite-as-geojson", "x.geojson", const(b"SQLite format 3\x00rest"), "refused", "the file is a database (SQLite), not GeoJSON"),
    # --- JSON
    BadFile("broken-json", "x.geojson", const(b'{"type": "FeatureCollection", "features": ['), "refused", "the file is not valid JSON (line 1"),
    BadFile("json-array", "x.geojson", const(b"[1, 2, 3]"), "refused", "does not start with '{'"),
    BadFile("json-not-geojson", "x.geojson", const(b'{"hello": "world"}'), "refused", "JSON but not GeoJSON"),
    BadFile("features-not-list", "x.geojson", const(b'{"type": "FeatureCollection", "features": {}}'), "refused", "'features' member is not a list"),
    BadFile("no-features", "x.geojson", const(b'{"type": "FeatureCollection", "features": []}'), "refused", "the file holds no features"),
    BadFile("deeply-nested", "x.geojson", const(nested(100_000)), "refused", "nested more than 32 levels deep"),
    BadFile("utf16-geojson", "x.geojson", const(geojson([feature(point())]).decode().encode("utf-16")), "refused", "UTF-16 text; GeoJSON must be UTF-8"),
    BadFile("cp1251-geojson", "x.geojson", const(json.dumps({"type": "FeatureCollection", "features": [feature(point(), name="Озеро")]}, ensure_ascii=False).encode("cp1251")), "refused", "the file is not UTF-8 text"),
    BadFile("bom-geojson", "x.geojson", const(b"\xef\xbb\xbf" + geojson([feature(point())])), "note", "byte-order mark"),
    BadFile("nan-coordinates", "x.geojson", const(b'{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates":[NaN, 48]}}]}'), "refused", "holds NaN, which is not a number JSON allows"),
    BadFile("infinity-coordinates", "x.geojson", const(b'{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates":[Infinity, 48]}}]}'), "refused", "holds Infinity"),
    BadFile("overflowing-number", "x.geojson", const(b'{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates":[1e999, 48]}}]}'), "refused", "a number too large to use"),
    BadFile("endless-number", "x.geojson", const(b'{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates":[7' + b"0" * 100 + b', 48]}}]}'), "refused", "a number longer than 32 characters"),
    BadFile("coordinates-1e308", "x.geojson", const(geojson([feature(point()), feature(point(1e308, 48))])), "reason", "coordinates are outside longitude -180 to 180"),
    BadFile("latitude-over-90", "x.geojson", const(geojson([feature(point()), feature(point(70, 95))])), "reason", "latitude -90 to 90"),
    BadFile("coordinates-as-text", "x.geojson", const(geojson([feature({"type": "Point", "coordinates": ["east", "north"]})])), "reason", "not valid positions"),
    BadFile("crs-url", "x.geojson", const(geojson([feature(point())], crs={"type": "link", "properties": {"href": "http://evil.invalid/crs", "type": "proj4"}})), "refused", "a link to another document, which is never fetched"),
    BadFile("crs-unknown-code", "x.geojson", const(geojson([feature(point())], crs={"type": "name", "properties": {"name": "EPSG:999999"}})), "refused", "coordinate system is not understood"),
    BadFile("crs-not-epsg", "x.geojson", const(geojson([feature(point())], crs={"type": "name", "properties": {"name": "urn:x:<b>evil</b>"}})), "refused", "which is not an EPSG code the atlas knows"),
    BadFile("crs-garbage", "x.geojson", const(geojson([feature(point())], crs="EPSG:4326")), "refused", "'crs' member is not understood"),
    BadFile("missing-crs-metres", "x.geojson", const(geojson([feature(point(500000, 5500000))])), "refused", "states no coordinate system and its coordinates are not longitude/latitude"),
    BadFile("wrong-crs-metres-as-degrees", "x.geojson", const(geojson([feature(point(500000, 5500000))], crs={"type": "name", "properties": {"name": "EPSG:4326"}})), "reason", "is the coordinate system right?"),
    BadFile("wrong-crs-degrees-as-utm", "x.geojson", const(geojson([feature(point(70, 48))], crs={"type": "name", "properties": {"name": "EPSG:32642"}})), "note", "none of the shapes lies in Kazakhstan"),
    BadFile("null-geometry", "x.geojson", const(geojson([feature(None)])), "reason", "the feature has no geometry"),
    BadFile("empty-geometry", "x.geojson", const(geojson([feature({"type": "Polygon", "coordinates": []})])), "reason", "the geometry is empty"),
    BadFile("not-a-geometry", "x.geojson", const(geojson([feature({"type": "Circle", "radius": 5})])), "reason", "not a GeoJSON geometry"),
    BadFile("not-a-feature", "x.geojson", const(geojson([{"type": "Banana"}])), "reason", "the entry is not a GeoJSON Feature"),
    BadFile("mixed-geometry", "x.geojson", const(geojson([feature({"type": "GeometryCollection", "geometries": [point(), polygon(SQUARE)]})])), "reason", "mixes several kinds of shape"),
    BadFile("three-d", "x.geojson", const(geojson([feature({"type": "Point", "coordinates": [70, 48, 350]})])), "repair", "Z dropped"),
    BadFile("self-intersection", "x.geojson", const(geojson([feature(polygon([[70, 48], [70.1, 48.1], [70.1, 48], [70, 48.1], [70, 48]]))])), "repair", "invalid geometry repaired (self-intersection; area"),
    BadFile("antimeridian", "x.geojson", const(geojson([feature(polygon([[179, 60], [-179, 60], [-179, 61], [179, 61], [179, 60]]))])), "reason", "crosses the antimeridian"),
    BadFile("one-point-polygon", "x.geojson", const(geojson([feature(polygon([[70, 48]]))])), "reason", "a polygon ring has 1 point(s); it needs at least 4"),
    BadFile("unclosed-ring", "x.geojson", const(geojson([feature(polygon(SQUARE[:4]))])), "repair", "polygon ring was not closed; closed it"),
    BadFile("outside-kazakhstan", "x.geojson", const(geojson([feature(point(2.35, 48.85))])), "repair", "outside Kazakhstan"),
    BadFile("huge-property", "x.geojson", const(geojson([feature(point(), name="N" * 1_000_000)])), "repair", "Name (English) shortened to 200 characters"),
    BadFile("too-many-features", "x.geojson", const(geojson([{"type": "Feature", "properties": None, "geometry": None}] * 50_001)), "refused", "holds 50,001 features; at most 50,000"),
    BadFile("control-characters", "x.geojson", const(geojson([feature(point(), name=text) for text in CONTROL])), "reason", "holds control or text-direction characters"),
    BadFile("dangerous-urls", "x.geojson", const(geojson([feature(point(), source_url=url) for url in DANGEROUS_URLS])), "reason", "is not an http(s) web address"),
    BadFile("dangerous-links", "x.geojson", const(geojson([feature(point(), links="javascript:alert(1)")])), "reason", "link 'javascript"),
    # --- zip archives and shapefiles
    BadFile("zip-empty", "x.zip", const(b"PK\x05\x06" + b"\x00" * 18), "refused", "the zip archive is empty"),
    BadFile("zip-damaged", "x.zip", lambda folder: shapefile_zip(folder, site_frame())[:200], "refused", "damaged or not a zip archive"),
    BadFile("zip-not-zip", "x.zip", const(b"hello world"), "refused", "the file is not a zip archive"),
    BadFile("zip-10000-members", "x.zip", const(zip_bytes([(f"f{i}.txt", b"") for i in range(10_000)], zipfile.ZIP_STORED)), "refused", "holds 10,000 files; at most 200"),
    BadFile("zip-bomb", "x.zip", const(zip_bytes([("layer.shp", b"\x00" * (20 * 1024 * 1024))])), "refused", "compressed more than 200 times, like a zip bomb"),
    BadFile("zip-lying-sizes", "x.zip", const(forge_central_sizes(zip_bytes([(f"p{i}.dbf", b"x") for i in range(4)], zipfile.ZIP_STORED), 100 * 1024 * 1024)), "refused", "would unpack to more than 300 MB"),
    BadFile("zip-nested", "x.zip", const(zip_bytes([("inner.zip", zip_bytes([("a.txt", b"a")]))])), "refused", "holds another archive"),
    BadFile("zip-traversal", "x.zip", const(zip_bytes([("../../evil.shp", b"x")])), "refused", "climbs out of its folder"),
    BadFile("zip-absolute", "x.zip", const(zip_bytes([("/etc/evil.shp", b"x")])), "refused", "an absolute path"),
    BadFile("zip-drive", "x.zip", const(zip_bytes([("C:\\Windows\\evil.shp", b"x")])), "refused", "an absolute path"),
    BadFile("zip-symlink", "x.zip", const(zip_bytes([(member("layer.shp", stat.S_IFLNK | 0o777), b"/etc/passwd")])), "refused", "holds a symbolic link"),
    BadFile("zip-device", "x.zip", const(zip_bytes([(member("layer.shp", stat.S_IFCHR | 0o644), b"")])), "refused", "a special file (device or pipe)"),
    BadFile("zip-duplicate", "x.zip", const(zip_bytes([("a.shp", b"1"), ("A.SHP", b"2")])), "refused", "the same file twice"),
    BadFile("zip-no-shapefile", "x.zip", const(zip_bytes([("readme.txt", b"hello")])), "refused", "holds no shapefile (.shp)"),
    BadFile("zip-two-shapefiles", "x.zip", const(zip_bytes([(n, b"x") for n in ("a.shp", "a.shx", "a.dbf", "b.shp", "b.shx", "b.dbf")])), "refused", "holds 2 shapefiles"),
    BadFile("shapefile-without-dbf", "x.zip", lambda folder: shapefile_zip(folder, site_frame(), skip=(".dbf",)), "refused", "the shapefile has no .dbf file (its attribute table)"),
    BadFile("shapefile-without-shx", "x.zip", lambda folder: shapefile_zip(folder, site_frame(), skip=(".shx",)), "refused", "the shapefile has no .shx file"),
    BadFile("shapefile-without-prj-metres", "x.zip", lambda folder: shapefile_zip(folder, site_frame("EPSG:32642", shapely.Point(500000, 5500000)), skip=(".prj",)), "refused", "include the .prj file"),
    BadFile("shapefile-without-prj-degrees", "x.zip", lambda folder: shapefile_zip(folder, site_frame(), skip=(".prj",)), "note", "read as longitude/latitude (EPSG:4326)"),
    BadFile("shapefile-garbage-prj", "x.zip", lambda folder: shapefile_zip(folder, site_frame(), replace={".prj": b"PROJCS[<script>alert(1)</script>"}), "refused", "its .prj file) is not understood"),
    BadFile("shapefile-damaged-shp", "x.zip", lambda folder: shapefile_zip(folder, site_frame(), replace={".shp": b"\x00\x00\x27\x0a" + b"\xff" * 96}), "reason", "the feature has no geometry"),
    BadFile("shapefile-over-vertex-limit", "x.zip", lambda folder: shapefile_zip(folder, site_frame(geometry=huge_polygon(500_001))), "reason", "one shape may have at most 500,000"),
    # --- GeoPackage
    BadFile("gpkg-not-sqlite", "x.gpkg", const(b"GPKG but really not a database"), "refused", "not a GeoPackage: it is not an SQLite database"),
    BadFile("gpkg-plain-sqlite", "x.gpkg", plain_sqlite, "refused", "an SQLite database but not a GeoPackage"),
    BadFile("gpkg-trigger", "x.gpkg", lambda folder: geopackage(folder, trigger=True), "refused", "database trigger(s) that are not part of the GeoPackage standard, such as 'evil'"),
    # Triggers that borrow the format's names: only the format's own name, table and SQL pass.
    BadFile("gpkg-trigger-format-prefix", "x.gpkg", added_trigger("CREATE TRIGGER gpkg_evil AFTER INSERT ON sites BEGIN SELECT 1; END"), "refused", "such as 'gpkg_evil'"),
    BadFile("gpkg-rtree-trigger-extra-sql", "x.gpkg", retriggered(name="rtree_sites_geom_insert", sql=before_end("DELETE FROM gpkg_ogr_contents;")), "refused", "such as 'rtree_sites_geom_insert'"),
    BadFile("gpkg-rtree-trigger-other-table", "x.gpkg", retriggered("sites", "other", name="rtree_sites_geom_insert", sql=lambda sql: sql.replace('ON "sites"', 'ON "other"')), "refused", "such as 'rtree_sites_geom_insert'"),
    BadFile("gpkg-feature-count-other-sql", "x.gpkg", retriggered(name="trigger_insert_feature_count_sites", sql=lambda sql: sql.replace("feature_count + 1", "0")), "refused", "such as 'trigger_insert_feature_count_sites'"),
    BadFile("gpkg-tile-matrix-check-changed", "x.gpkg", retriggered(name="gpkg_tile_matrix_zoom_level_insert", sql=lambda sql: sql.replace("< 0)", "< 0 OR (SELECT count(*) FROM sites))")), "refused", "such as 'gpkg_tile_matrix_zoom_level_insert'"),
    BadFile("gpkg-rtree-trigger-with-comment", "x.gpkg", retriggered(name="rtree_sites_geom_delete", sql=lambda sql: sql.replace("BEGIN", "BEGIN /* note */")), "refused", "such as 'rtree_sites_geom_delete'"),
    BadFile("gpkg-rtree-trigger-unregistered", "x.gpkg", unregistered_rtree, "refused", "such as 'rtree_sites_geom_"),
    BadFile("gpkg-extra-table", "x.gpkg", lambda folder: geopackage(folder, attributes=True), "note", "table 'extra' has no shapes and is not read"),
    BadFile("gpkg-truncated", "x.gpkg", lambda folder: geopackage(folder)[:4096], "refused", "GeoPackage"),
    # --- KML
    BadFile("kml-xxe", "x.kml", kml('<!DOCTYPE kml [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><kml><Document><name>&xxe;</name></Document></kml>'), "refused", "declares a DTD or entities"),
    BadFile("kml-billion-laughs", "x.kml", kml('<!DOCTYPE kml [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]><kml><Document><name>&c;</name></Document></kml>'), "refused", "declares a DTD or entities"),
    BadFile("kml-network-link", "x.kml", kml('<kml xmlns="http://www.opengis.net/kml/2.2"><Document><NetworkLink><Link><href>http://evil.invalid/a.kml</href></Link></NetworkLink></Document></kml>'), "refused", "links to other documents (NetworkLink)"),
    BadFile("kml-broken-xml", "x.kml", kml("<kml><Document><Placemark></Document>"), "refused", "not well-formed XML (line 2)"),
    BadFile("kml-wrong-root", "x.kml", kml("<svg><script>alert(1)</script></svg>"), "refused", "root element is not <kml>"),
    BadFile("kml-not-xml", "x.kml", const(b"name,lat,lon"), "refused", "does not start with an XML tag"),
    BadFile("kml-no-placemarks", "x.kml", kml('<kml xmlns="http://www.opengis.net/kml/2.2"><Document/></kml>'), "refused", "the file holds no features"),
    # --- CSV
    BadFile("csv-formula-cells", "x.csv", csv_text('name,lat,lon,kind\n"=HYPERLINK(""http://evil.invalid"",""x"")",48,70,undp_site\n'), "repair", "starts like a spreadsheet formula; kept as plain text, never run"),
    BadFile("csv-wrong-year", "x.csv", csv_text("name,lat,lon,kind,year\nA,48,70,undp_site,abc\n"), "reason", "year 'abc' is not a number"),
    BadFile("csv-wrong-budget", "x.csv", csv_text("name,lat,lon,kind,budget\nA,48,70,undp_site,-\n"), "reason", "budget '-' is not a number"),
    BadFile("csv-wrong-latitude", "x.csv", csv_text("name,lat,lon,kind\nA,north,70,undp_site\n"), "reason", "latitude 'north' cannot be read as a coordinate"),
    BadFile("csv-wrong-area", "x.csv", csv_text("name,lat,lon,kind,area_ha\nA,48,70,undp_site,huge\n"), "reason", "official area (ha) 'huge' is not a number"),
    BadFile("csv-wrong-date", "x.csv", csv_text("name,lat,lon,kind,source_date\nA,48,70,undp_site,yesterday\n"), "reason", "source date 'yesterday' is not a date (YYYY-MM-DD)"),
    BadFile("csv-wrong-kind", "x.csv", csv_text("name,lat,lon,kind\nA,48,70,castle\n"), "reason", "kind 'castle' is not one of the atlas's kinds"),
    BadFile("csv-year-out-of-range", "x.csv", csv_text("name,lat,lon,kind,year\nA,48,70,undp_site,99999\n"), "reason", "year 99999 is outside 1800 to 2100"),
    BadFile("csv-latitude-95", "x.csv", csv_text("name,lat,lon,kind\nA,95,70,undp_site\n"), "reason", "latitude 95 is outside -90 to 90"),
    BadFile("csv-half-position", "x.csv", csv_text("name,lat,lon,kind\nA,48,,undp_site\n"), "reason", "a latitude or a longitude but not both"),
    BadFile("csv-no-position", "x.csv", csv_text("name,kind\nA,undp_site\n"), "reason", "the row has no position"),
    BadFile("csv-extra-cells", "x.csv", csv_text("name,lat,lon\nA,48,70,undp_site,extra\n"), "reason", "the row has 5 cells but the header has 3 columns"),
    BadFile("csv-unknown-theme", "x.csv", csv_text("name,lat,lon,kind,themes\nA,48,70,undp_site,<b>x</b>\n"), "repair", "is not one of the atlas's themes; left out"),
    BadFile("csv-control", "x.csv", csv_text("name,lat,lon,kind\nA\x1b[31m,48,70,undp_site\n"), "reason", "holds control or text-direction characters"),
    BadFile("csv-nul", "x.csv", const(b"name,lat\x00,lon\n"), "refused", "the file is binary, not CSV text"),
    BadFile("csv-huge-cell", "x.csv", csv_text("name,lat,lon\n" + "N" * 200_000 + ",48,70\n"), "refused", "holds more than 100,000 characters"),
    BadFile("csv-huge-line", "x.csv", csv_text(",".join(["x"] * 1_000_000)), "refused", "at most 200 columns are accepted"),
    BadFile("csv-header-only", "x.csv", csv_text("name,lat,lon\n"), "refused", "has a header but no rows"),
    BadFile("csv-unbalanced-quotes", "x.csv", csv_text('name,lat,lon\n"A,48,70\n' + "x" * 10), "reason", "the row has no position"),
    BadFile("csv-old-split-region", "x.csv", csv_text("name,region,kind\nA,KZ-VOS,undp_site\n"), "reason", "region code KZ-VOS is from before 2022"),
    # --- XLSX
    BadFile("xlsx-formula", "x.xlsx", workbook([["name", "lat", "lon", "kind"], ["A", "=1+1", 70, "undp_site"]]), "reason", "cell B2 holds a formula; formulas are not run"),
    BadFile("xlsx-hyperlink-formula", "x.xlsx", workbook([["name", "lat", "lon", "kind"], ['=HYPERLINK("http://evil.invalid","x")', 48, 70, "undp_site"]]), "reason", "cell A2 holds a formula"),
    BadFile("xlsx-formula-header", "x.xlsx", workbook([["=A2", "lat"], ["A", 48]]), "refused", "the header row holds a formula (cell A1)"),
    BadFile("xlsx-wrong-types", "x.xlsx", workbook([["name", "lat", "lon", "kind", "year", "budget"], ["A", 48, 70, "undp_site", "abc", "-"]]), "reason", "year 'abc' is not a number"),
    BadFile("xlsx-not-zip", "x.xlsx", const(b"name,lat,lon\nA,48,70\n"), "refused", "not an Excel workbook (.xlsx is a zip archive)"),
    BadFile("xlsx-zip-not-workbook", "x.xlsx", const(zip_bytes([("hello.txt", b"hi")])), "refused", "a zip archive but not an Excel workbook"),
    BadFile("xlsx-macros", "x.xlsx", const(zip_bytes([("[Content_Types].xml", b"<Types/>"), ("xl/workbook.xml", b"<workbook/>"), ("xl/vbaProject.bin", b"\x00")])), "refused", "the workbook holds macros"),
    BadFile("xlsx-zip-bomb", "x.xlsx", const(zip_bytes([("[Content_Types].xml", b"<Types/>"), ("xl/workbook.xml", b"<workbook/>"), ("xl/worksheets/sheet1.xml", b" " * (30 * 1024 * 1024))])), "refused", "like a zip bomb"),
    BadFile("xlsx-damaged", "x.xlsx", const(zip_bytes([("[Content_Types].xml", b"<Types/>"), ("xl/workbook.xml", b"<not-a-workbook")])), "refused", "the workbook cannot be opened"),
]
