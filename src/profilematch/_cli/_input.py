"""Reading an input file and importing its profiles: the import command.

A CSV or JSON Lines file is read with the command's reading options, and the
column mapping is reported on standard error. The profiles go into the domain
all at once or not at all; an error about one of them names its row in the file.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import click

from profilematch._cli._base import _client, _ensure_domain
from profilematch._cli._options import _read_options, _store_options
from profilematch._client import Client
from profilematch._errors import BadRequestException
from profilematch._io import InputFile, read_profiles

__all__ = ["import_command"]

_DELIMITER_NAMES = {"\\t": "\t", "tab": "\t", "comma": ",", "semicolon": ";"}


def _read(path: str, options: Mapping[str, Any]) -> InputFile:
    """Read an input file with the reading options of a command."""
    delimiter = options["delimiter"]
    delimiter = _DELIMITER_NAMES.get(delimiter, delimiter) if delimiter else None
    if delimiter is not None and len(delimiter) != 1:
        raise BadRequestException(
            f"--delimiter {delimiter!r}: a delimiter is one character (or tab, "
            "comma, semicolon)",
            field="--delimiter",
            rule="one character",
            value=delimiter,
        )

    return read_profiles(
        path,
        field_map=list(options["field_map"]),
        id_column=options["id_column"],
        auto_map=options["auto_map"],
        unmapped=options["unmapped"],
        file_format=options["input_format"],
        encoding=options["encoding"],
        delimiter=delimiter,
    )


def _report_mapping(data: InputFile) -> None:
    """Tell the user which column went to which profile field."""
    click.echo(
        f"Read {len(data.profiles):,} rows from {data.path}; columns mapped:",
        err=True,
    )
    for line in data.mapping.describe():
        click.echo(line, err=True)


def _import(client: Client, domain: str, data: InputFile) -> list[str]:
    """Put a file's profiles into a domain, all or none; return their ids."""
    source = Path(data.path).name[:255] or "input"
    try:
        ids = client.put_profiles(domain, list(data.profiles), source_name=source)
    except BadRequestException as exc:
        raise _locate(exc, data) from None

    return [str(i) for i in ids]


def _locate(exc: BadRequestException, data: InputFile) -> BadRequestException:
    """Name the file's row behind a bulk error about ``Profiles[i]``."""
    field = exc.field or ""
    if not field.startswith("Profiles[") or "]" not in field:
        return exc

    index_text = field[len("Profiles[") : field.index("]")]
    if not index_text.isdigit() or int(index_text) >= len(data.profiles):
        return exc
    first_line = exc.message.splitlines()[0]

    return BadRequestException(
        f"{data.where(int(index_text))}: {first_line}",
        field=exc.field,
        rule=exc.rule,
        value=exc.value,
    )


@click.command("import")
@click.argument("file", type=click.Path(dir_okay=False))
@_store_options
@_read_options
def import_command(file: str, db: str, domain: str, **options: Any) -> None:
    """Import the profiles of a CSV or JSON Lines FILE into a domain.

    The domain is created when missing; profiles are added to those it holds.
    Either every row is imported or, on an error, none. FILE may be compressed
    with gzip, bzip2 or xz (.gz, .bz2, .xz).
    """
    data = _read(file, options)
    _report_mapping(data)

    with _client(db, options["region"]) as client:
        _ensure_domain(client, domain)
        ids = _import(client, domain, data)

    click.echo(f"Imported {len(ids):,} profiles into domain '{domain}' ({db}).")
