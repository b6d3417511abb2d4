"""Zip archives (.docx, .odt) unpacked within limits: one home for the checks against zip bombs and damage.

The archive's directory is checked first (member count, declared sizes, compression ratio). A bomb can
understate its sizes, and `ZipFile.read` inflates a member in one step, far past the size it declares
before cutting it: so every member is read here in bounded chunks, the total stopped at
`max_unpacked_bytes`, and a damaged member (bad CRC, corrupt deflate data) is one message. Parsers get
the unpacked bytes (or `repack`: an archive of stored members whose sizes are true), never the original.
"""

from __future__ import annotations

import io
import zipfile
import zlib

from rag.readers.base import ReadLimits, UnreadableDocument

MAX_MEMBERS = 10_000  # files inside the archive
MAX_RATIO = 200  # uncompressed / compressed size of a single member; text compresses about 10:1
CHUNK = 1 << 20  # bytes inflated at a time

# What a damaged member raises while it is inflated: a bad CRC or header (BadZipFile), corrupt deflate data
# (zlib.error), a cut stream (EOFError), an encrypted member (RuntimeError), an unknown method (NotImplementedError).
_DAMAGE = (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, EOFError, OSError, ValueError, RuntimeError,
           NotImplementedError, LookupError)


def open_archive(data: bytes, name: str, limits: ReadLimits, required: str,
                 kind: str) -> tuple[zipfile.ZipFile, list[zipfile.ZipInfo]]:
    """The archive in `data` and its members, after checking its directory: it holds `required`, and its
    declared sizes fit `max_unpacked_bytes` and are not a bomb's."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except _DAMAGE:
        raise UnreadableDocument(name, f"it is damaged or not {kind} (not a zip archive)") from None
    if len(members) > MAX_MEMBERS:
        raise UnreadableDocument(name, f"the archive holds {len(members):,} files")
    total = sum(member.file_size for member in members)
    if total > limits.max_unpacked_bytes:
        raise UnreadableDocument(name, f"it unpacks to {total:,} bytes (the limit is {limits.max_unpacked_bytes:,})",
                                 "Raise max_unpacked_bytes if the file is genuine.")
    for member in members:
        if member.file_size > 1_000_000 and member.file_size > MAX_RATIO * max(member.compress_size, 1):
            raise UnreadableDocument(name, f"{member.filename} inside it is compressed {MAX_RATIO}+ times "
                                     "(a zip bomb?)")
    if required not in archive.namelist():
        raise UnreadableDocument(name, f"it is damaged or not {kind} ({required} is missing)")
    return archive, members


def unpack(data: bytes, name: str, limits: ReadLimits, required: str, kind: str) -> dict[str, bytes]:
    """Every member of the zip archive in `data` (name -> bytes), inflated a chunk at a time: never more
    than `max_unpacked_bytes` in all, whatever the archive declares. Raises UnreadableDocument for a
    damaged archive, a missing `required` member or a bomb."""
    archive, members = open_archive(data, name, limits, required, kind)
    budget = limits.max_unpacked_bytes
    out: dict[str, bytes] = {}
    for member in members:
        if member.is_dir():
            continue
        parts: list[bytes] = []
        try:
            with archive.open(member) as stream:
                while chunk := stream.read(CHUNK):
                    budget -= len(chunk)
                    if budget < 0:
                        raise UnreadableDocument(
                            name, f"it unpacks to more than {limits.max_unpacked_bytes:,} bytes (its directory "
                            "understates the sizes: a zip bomb?)", "Raise max_unpacked_bytes if the file is genuine.")
                    parts.append(chunk)
        except _DAMAGE as exc:
            raise UnreadableDocument(name, f"it is damaged ({member.filename} inside it: {_why(exc)})",
                                     "Open it and save it again, or export the text as .txt.") from None
        out[member.filename] = b"".join(parts)
    return out


def repack(members: dict[str, bytes]) -> bytes:
    """A zip archive of `members`, stored without compression: a library reading it inflates nothing."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as archive:
        for member, content in members.items():
            archive.writestr(member, content)
    return out.getvalue()


def _why(exc: BaseException) -> str:
    if isinstance(exc, zlib.error):
        return "corrupt compressed data"
    text = str(exc)
    if "CRC" in text:
        return "bad CRC checksum"
    return f"{type(exc).__name__}: {text[:80]}" if text else type(exc).__name__
