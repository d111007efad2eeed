"""The options commands share, each set added by one decorator.

``_store_options`` adds --db and --domain, ``_read_options`` how to read an
input file and map its columns to profile fields, ``_job_options`` the settings
of an identity resolution job and ``_output_options`` where and how match groups
are written.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import click

from profilematch._cli._base import DEFAULT_DB, MEMORY_DB

_F = TypeVar("_F", bound=Callable[..., Any])

_OUTPUT_FORMATS = ("table", "jsonl", "csv", "json")


def _store_options(func: _F) -> _F:
    """Add --db and --domain, which every command that opens the store takes."""
    func = click.option(
        "--domain",
        default="default",
        show_default=True,
        envvar="PROFILEMATCH_DOMAIN",
        help="The domain (a named set of profiles) to work in.",
    )(func)
    func = click.option(
        "--db",
        default=DEFAULT_DB,
        show_default=True,
        envvar="PROFILEMATCH_DB",
        help=f"The SQLite store; {MEMORY_DB} keeps nothing after the command.",
    )(func)
    return func


def _read_options(func: _F) -> _F:
    """Add the options that say how to read an input file."""
    options = [
        click.option(
            "--map",
            "field_map",
            multiple=True,
            metavar="FIELD=COLUMN",
            help=(
                "Fill a profile field from a column (repeatable), e.g. "
                "FirstName=given_name, Address.City=suburb, "
                "Address.Address1=street_number+address_1."
            ),
        ),
        click.option(
            "--id-column",
            metavar="COLUMN",
            help="The column of original row ids (default: id, rec_id, ...).",
        ),
        click.option(
            "--unmapped",
            type=click.Choice(["attributes", "ignore"]),
            default="attributes",
            show_default=True,
            help="Keep columns with no profile field as Attributes, or drop them.",
        ),
        click.option(
            "--auto-map/--no-auto-map",
            default=True,
            show_default=True,
            help="Map columns with common names (first_name, zip, dob, ...).",
        ),
        click.option(
            "--input-format",
            type=click.Choice(["csv", "jsonl"]),
            help="The input format (default: from the file extension).",
        ),
        click.option("--encoding", help="The file's encoding (default UTF-8)."),
        click.option(
            "--delimiter",
            help="The CSV delimiter: one character, or tab (default: sniffed).",
        ),
        click.option(
            "--region",
            metavar="CC",
            help="Phone region for numbers without a country code, e.g. US, GB.",
        ),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def _job_options(func: _F) -> _F:
    """Add the options of an identity resolution job."""
    options = [
        click.option(
            "--threshold",
            type=click.FloatRange(0.0, 1.0),
            help="The match probability at which two profiles are linked.",
        ),
        click.option(
            "--max-block-size",
            type=click.IntRange(2),
            help="A blocking key shared by more profiles makes no pairs.",
        ),
        click.option("--seed", type=int, help="Seed for the random pairs (u)."),
        click.option(
            "--progress/--no-progress",
            default=None,
            help="Show progress bars (default: when standard error is a terminal).",
        ),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def _output_options(func: _F) -> _F:
    """Add --output, --format and --show."""
    options = [
        click.option(
            "--output",
            "-o",
            metavar="PATH",
            help="Write the match groups to PATH (.jsonl, .csv or .json; - for "
            "standard output) instead of printing a table.",
        ),
        click.option(
            "--format",
            "fmt",
            type=click.Choice(_OUTPUT_FORMATS),
            help="The output format (default: from --output's extension).",
        ),
        click.option(
            "--show",
            type=click.IntRange(0),
            default=20,
            show_default=True,
            help="How many match groups the table shows; 0 for all.",
        ),
    ]
    for option in reversed(options):
        func = option(func)
    return func
