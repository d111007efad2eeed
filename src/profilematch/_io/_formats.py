"""File formats: a CSV or JSON Lines file read into its columns and rows.

The format comes from the file's extension unless the caller names it. A last
extension of ``.gz``, ``.bz2`` or ``.xz`` says the file is compressed with
gzip, bzip2 or xz: it is decompressed first, and the extension before it gives
the format. The text is decoded as UTF-8, with or without a byte order mark,
or in the encoding named. A CSV file's delimiter is sniffed from its first
lines; each JSON Lines object is flattened into dotted columns. Every failure
names the file and the line.
"""

from __future__ import annotations

import bz2
import csv
import gzip
import io
import json
import lzma
import zlib
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any, NamedTuple

from profilematch._errors import BadRequestException


class _Compression(NamedTuple):
    """A compression a file's name may announce."""

    tool: str
    magic: bytes
    decompress: Callable[[bytes], bytes]


_COMPRESSIONS = {
    ".gz": _Compression("gzip", b"\x1f\x8b", gzip.decompress),
    ".bz2": _Compression("bzip2", b"BZh", bz2.decompress),
    ".xz": _Compression("xz", b"\xfd7zXZ\x00", lzma.decompress),
}

# What the decompressors raise for data that is not theirs, damaged or cut short.
_DECOMPRESS_ERRORS = (OSError, EOFError, ValueError, lzma.LZMAError, zlib.error)


def _format_from_extension(name: str) -> str:
    """``jsonl`` for JSON Lines extensions, else ``csv``."""
    suffixes = [s.lower() for s in Path(name).suffixes]
    if suffixes and suffixes[-1] in _COMPRESSIONS:
        suffixes = suffixes[:-1]
    if suffixes and suffixes[-1] in (".jsonl", ".ndjson", ".json"):
        return "jsonl"

    return "csv"


def _read_text(name: str, encoding: str | None) -> str:
    """Read a whole file as text, with a clear error for a wrong encoding."""
    raw = _decompress(name, _read_bytes(name))

    codec = encoding or "utf-8-sig"
    try:
        return raw.decode(codec)
    except LookupError:
        raise BadRequestException(
            f"{name}: unknown encoding '{codec}'; use a name such as utf-8, "
            "latin-1 or cp1252",
            field="--encoding",
            rule="known encoding",
            value=codec,
        ) from None
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise BadRequestException(
            f"{name}: line {line}, byte {exc.start}: not valid {codec} "
            f"(byte 0x{raw[exc.start]:02x}); save the file as UTF-8 or name its "
            "encoding with --encoding (e.g. --encoding latin-1)",
            field="FILE",
            rule=f"encoding {codec}",
            value=name,
        ) from None


def _read_bytes(name: str) -> bytes:
    """Read a whole file as it is on disk, with a clear error if it cannot be."""
    try:
        return Path(name).read_bytes()
    except FileNotFoundError:
        raise BadRequestException(
            f"{name}: no such file; check the path",
            field="FILE",
            rule="file exists",
            value=name,
        ) from None
    except OSError as exc:
        raise BadRequestException(
            f"{name}: cannot be read ({exc.strerror}); check the path and "
            "its permissions",
            field="FILE",
            rule="file readable",
            value=name,
        ) from None


def _decompress(name: str, raw: bytes) -> bytes:
    """A file's bytes, decompressed when its name ends in .gz, .bz2 or .xz.

    An empty file stays empty, so it is reported as empty whatever its name.
    """
    suffix = Path(name).suffix.lower()
    compression = _COMPRESSIONS.get(suffix)
    if compression is None or not raw:
        return raw

    try:
        return compression.decompress(raw)
    except _DECOMPRESS_ERRORS as exc:
        tool = compression.tool
        if not raw.startswith(compression.magic):
            raise BadRequestException(
                f"{name}: the name ends in {suffix} but the file is not "
                f"{tool}-compressed; rename it to {Path(name).stem} if it is "
                f"plain text, or compress it with {tool}",
                field="FILE",
                rule=f"{tool}-compressed",
                value=name,
            ) from None
        raise BadRequestException(
            f"{name}: the {tool} data is damaged or cut short ({exc}); copy the "
            f"file again or compress the original again with {tool}",
            field="FILE",
            rule=f"valid {tool} data",
            value=name,
        ) from None


def _csv_records(
    name: str, text: str, delimiter: str | None
) -> tuple[list[str], Iterator[tuple[int, dict[str, str]]]]:
    """The header and the rows of a CSV text, each row with its first line."""
    if not text.strip():
        raise BadRequestException(
            f"{name}: the file is empty; a header line is expected",
            field="FILE",
            rule="header line",
            value=name,
        )

    sep = delimiter or _sniff_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep, strict=True)
    try:
        header = [h.strip() for h in next(reader)]
    except csv.Error as exc:
        raise BadRequestException(
            f"{name}: line 1: the header is not valid CSV ({exc})",
            field="FILE",
            rule="CSV",
            value=name,
        ) from None
    header = [h or f"column_{i + 1}" for i, h in enumerate(header)]
    duplicates = sorted({h for h in header if header.count(h) > 1})
    if duplicates:
        raise BadRequestException(
            f"{name}: line 1: the header names {', '.join(duplicates)} more than "
            "once; give every column its own name",
            field="FILE",
            rule="unique column names",
            value=duplicates[0],
        )

    return header, _csv_rows(name, reader, header)


def _csv_rows(
    name: str, reader: Any, header: list[str]
) -> Iterator[tuple[int, dict[str, str]]]:
    """Yield each CSV row as a dict, checking its width against the header."""
    index = 0
    while True:
        line = reader.line_num + 1
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise BadRequestException(
                f"{name}: row {index + 1} (line {line}): not valid CSV ({exc})",
                field="FILE",
                rule="CSV",
                value=name,
            ) from None

        if not any(cell.strip() for cell in row):
            continue
        index += 1
        if len(row) > len(header) and any(c.strip() for c in row[len(header) :]):
            raise BadRequestException(
                f"{name}: row {index} (line {line}): {len(row)} fields, but the "
                f"header has {len(header)}; quote values that hold the delimiter",
                field="FILE",
                rule="row width",
                value=name,
            )
        yield line, dict(zip(header, row, strict=False))


def _sniff_delimiter(text: str) -> str:
    """Guess the delimiter from the first lines: comma, semicolon, tab or bar."""
    sample = text[:65536]
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t|").delimiter
    except csv.Error:
        first = sample.splitlines()[0] if sample else ""
        counts = {d: first.count(d) for d in ",;\t|"}
        best = max(counts, key=lambda d: counts[d])
        return best if counts[best] else ","


def _jsonl_records(
    name: str, text: str
) -> tuple[list[str], Iterator[tuple[int, dict[str, str]]]]:
    """The columns and rows of a JSON Lines text, objects flattened."""
    rows: list[tuple[int, dict[str, str]]] = []
    columns: dict[str, None] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            raise BadRequestException(
                f"{name}: row {len(rows) + 1} (line {number}): not valid JSON "
                f"({exc.msg} at column {exc.colno})",
                field="FILE",
                rule="JSON Lines",
                value=name,
            ) from None
        if not isinstance(obj, dict):
            raise BadRequestException(
                f"{name}: row {len(rows) + 1} (line {number}): a JSON object is "
                f"expected on each line, got {type(obj).__name__}",
                field="FILE",
                rule="JSON object per line",
                value=name,
            )

        flat = dict(_flatten(obj))
        columns.update(dict.fromkeys(flat))
        rows.append((number, flat))

    return list(columns), iter(rows)


def _flatten(obj: Mapping[str, Any], prefix: str = "") -> Iterator[tuple[str, str]]:
    """Flatten nested objects to dotted columns with string values."""
    for key, value in obj.items():
        column = f"{prefix}{key}"
        if isinstance(value, Mapping):
            yield from _flatten(value, f"{column}.")
        elif value is None:
            continue
        elif isinstance(value, str):
            yield column, value
        elif isinstance(value, bool):
            yield column, "true" if value else "false"
        elif isinstance(value, (int, float)):
            yield column, str(value)
        else:
            yield column, json.dumps(value, ensure_ascii=False, sort_keys=True)
