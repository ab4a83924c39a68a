"""Zip archives checked whole before anything is unpacked, then unpacked into a folder we own.

Every member is checked from the archive's directory first: its name (no absolute path,
no ``..``, no drive letter), its type (no link, device or pipe), encryption, nested archives,
the member count, the total unpacked size and the compression ratio. Only then are the
members we need copied out, under names we choose, into a fresh temporary folder.
"""

from __future__ import annotations

import re
import stat
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from kzatlas.ingest import limits
from kzatlas.ingest.errors import RefusalError
from kzatlas.ingest.messages import N_, Message
from kzatlas.safety import plain_snippet

# Members that are archives themselves; they are never opened.
NESTED_ARCHIVES = (".zip", ".kmz", ".gz", ".tgz", ".tar", ".7z", ".rar", ".bz2", ".xz", ".zst")
# Files a shapefile is made of (besides .shp, .shx and .dbf); other members are ignored.
SHAPEFILE_SIDECARS = (".prj", ".cpg")
# Folders and files that desktop archivers add and that mean nothing.
_JUNK = re.compile(r"(^|/)(__MACOSX/|\._|\.DS_Store$|Thumbs\.db$)", re.IGNORECASE)
_DRIVE = re.compile(r"^[A-Za-z]:")
_COPY_BLOCK = 1 << 16


@dataclass(frozen=True)
class Member:
    """One file in an archive, as its directory describes it."""

    name: str
    size: int
    compressed: int


def _shown(name: str) -> str:
    return plain_snippet(name, 60)


def _check_name(info: zipfile.ZipInfo) -> None:
    name = info.filename
    shown = _shown(name)
    if "\x00" in name or any(ord(ch) < 32 for ch in name):
        raise RefusalError(N_("the archive holds a file whose name has control characters ({name})"), name=shown)
    unified = name.replace("\\", "/")
    if unified.startswith("/") or _DRIVE.match(unified):
        raise RefusalError(N_("the archive holds a file with an absolute path ({name}); it is not unpacked"), name=shown)
    if ".." in PurePosixPath(unified).parts:
        raise RefusalError(
            N_("the archive holds a file whose path climbs out of its folder ({name}); it is not unpacked"), name=shown
        )
    mode = info.external_attr >> 16
    kind = stat.S_IFMT(mode)
    if info.create_system == 3 and kind == stat.S_IFLNK:
        raise RefusalError(N_("the archive holds a symbolic link ({name}); it is not unpacked"), name=shown)
    if info.create_system == 3 and kind not in (0, stat.S_IFREG, stat.S_IFDIR):
        raise RefusalError(N_("the archive holds a special file (device or pipe) ({name}); it is not unpacked"), name=shown)
    if info.flag_bits & 0x1:
        raise RefusalError(N_("the archive holds an encrypted (password-protected) file ({name})"), name=shown)
    if unified.lower().endswith(NESTED_ARCHIVES):
        raise RefusalError(N_("the archive holds another archive ({name}); unzip it and upload what is inside"), name=shown)


def inspect_zip(path: Path) -> list[zipfile.ZipInfo]:
    """Check a zip archive's directory against the limits, without unpacking anything.

    Parameters
    ----------
    path : Path
        The archive.

    Returns
    -------
    list of zipfile.ZipInfo
        Its members (folders and desktop junk such as ``__MACOSX/`` left out).

    Raises
    ------
    RefusalError
        If the archive is damaged, holds too many members, would unpack too large or
        with a bomb-like ratio, or holds a member with a dangerous name or type.
    """
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError) as exc:
        raise RefusalError(N_("the zip archive is damaged or not a zip archive")) from exc
    if not infos:
        raise RefusalError(N_("the zip archive is empty"))
    if len(infos) > limits.MAX_ZIP_MEMBERS:
        raise RefusalError(
            N_("the archive holds {count} files; at most {limit} are accepted"), count=len(infos), limit=limits.MAX_ZIP_MEMBERS
        )
    seen: set[str] = set()
    total = compressed = 0
    for info in infos:
        _check_name(info)
        key = info.filename.replace("\\", "/").lower()
        if key in seen:
            raise RefusalError(N_("the archive holds the same file twice ({name})"), name=_shown(info.filename))
        seen.add(key)
        total += info.file_size
        compressed += info.compress_size
        if info.file_size >= limits.RATIO_MIN_MEMBER_BYTES and (
            info.file_size > limits.MAX_COMPRESSION_RATIO * max(info.compress_size, 1)
        ):
            raise RefusalError(
                N_("a file in the archive ({name}) is compressed more than {ratio} times, like a zip bomb; it is not unpacked"),
                name=_shown(info.filename),
                ratio=limits.MAX_COMPRESSION_RATIO,
            )
    if total > limits.MAX_UNZIPPED_BYTES:
        raise RefusalError(
            N_("the archive would unpack to more than {megabytes} MB"), megabytes=limits.MAX_UNZIPPED_BYTES // (1024 * 1024)
        )
    if total >= limits.RATIO_MIN_MEMBER_BYTES and total > limits.MAX_COMPRESSION_RATIO * max(compressed, 1):
        raise RefusalError(
            N_("the archive is compressed more than {ratio} times, like a zip bomb"), ratio=limits.MAX_COMPRESSION_RATIO
        )
    return [info for info in infos if not info.is_dir() and not _JUNK.search(info.filename.replace("\\", "/"))]


def shapefile_members(infos: list[zipfile.ZipInfo]) -> tuple[dict[str, zipfile.ZipInfo], list[str]]:
    """The members that make up the one shapefile in an archive.

    Parameters
    ----------
    infos : list of zipfile.ZipInfo
        Members that passed :func:`inspect_zip`.

    Returns
    -------
    tuple of (dict, list of Message)
        Extension (``.shp``, ``.shx``, ``.dbf``, ``.prj``, ``.cpg``) to member, and a note for
        each other member that is left in the archive.

    Raises
    ------
    RefusalError
        If there is no shapefile, more than one, or its ``.shx`` or ``.dbf`` is missing.
    """
    by_stem: dict[str, dict[str, zipfile.ZipInfo]] = {}
    for info in infos:
        path = PurePosixPath(info.filename.replace("\\", "/"))
        by_stem.setdefault(str(path.with_suffix("")).lower(), {})[path.suffix.lower()] = info
    shapes = [stem for stem, parts in by_stem.items() if ".shp" in parts]
    if not shapes:
        raise RefusalError(N_("the zip archive holds no shapefile (.shp)"))
    if len(shapes) > 1:
        raise RefusalError(N_("the zip archive holds {count} shapefiles; upload one shapefile per archive"), count=len(shapes))
    parts = by_stem[shapes[0]]
    if ".dbf" not in parts:
        raise RefusalError(
            N_("the shapefile has no .dbf file (its attribute table); zip the .shp, .shx, .dbf and .prj together")
        )
    if ".shx" not in parts:
        raise RefusalError(N_("the shapefile has no .shx file (its index); zip the .shp, .shx, .dbf and .prj together"))
    chosen = {ext: parts[ext] for ext in (".shp", ".shx", ".dbf", *SHAPEFILE_SIDECARS) if ext in parts}
    used = {id(info) for info in chosen.values()}
    notes = [
        Message(N_("archive member {name} is not part of the shapefile and is not read"), name=_shown(info.filename))
        for info in infos
        if id(info) not in used
    ]
    return chosen, notes


def extract_members(path: Path, members: dict[str, zipfile.ZipInfo], folder: Path) -> dict[str, Path]:
    """Copy the chosen members out of the archive under names we choose.

    Parameters
    ----------
    path : Path
        The archive (already checked by :func:`inspect_zip`).
    members : dict
        Target file name (a plain name such as ``upload.shp``) to member.
    folder : Path
        A fresh temporary folder; nothing is written anywhere else.

    Returns
    -------
    dict
        Target file name to the written path.

    Raises
    ------
    RefusalError
        If a member unpacks larger than the directory said, or cannot be read.
    """
    written = {}
    root = folder.resolve()
    with zipfile.ZipFile(path) as archive:
        for target_name, info in members.items():
            target = (root / target_name).resolve()
            if target.parent != root or PurePosixPath(target_name).name != target_name:
                raise RefusalError(N_("an archive member could not be placed safely; nothing is unpacked"))
            budget = info.file_size
            try:
                with archive.open(info) as source, target.open("xb") as sink:
                    while block := source.read(_COPY_BLOCK):
                        budget -= len(block)
                        if budget < 0:
                            raise RefusalError(N_("a file in the archive is larger than the archive says"))
                        sink.write(block)
            except (zipfile.BadZipFile, zlib.error, OSError, EOFError, NotImplementedError, RuntimeError) as exc:
                raise RefusalError(
                    N_("a file in the archive ({name}) is damaged and cannot be unpacked"), name=_shown(info.filename)
                ) from exc
            written[target_name] = target
    return written
