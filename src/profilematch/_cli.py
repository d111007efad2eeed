"""The ``profilematch`` command line.

``profilematch match FILE`` reads a CSV or JSON Lines file of customers,
imports it into an embedded SQLite store, runs an identity resolution job and
prints the match groups (or writes them with ``--output``). The other
commands do one piece each: ``import``, ``run``, ``matches``, ``jobs``,
``explain``, ``merge`` and ``export``.

Data goes to standard output; the column mapping, progress bars and the
closing summary go to standard error, so output can be piped. An error that
profilematch raises on purpose prints one line, ``profilematch: error: ...``,
and exits with 2 for bad input and 1 otherwise.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any, TypeVar

import attrs
import click

from profilematch._client import Client
from profilematch._errors import (
    BadRequestException,
    InternalServerException,
    ProfileMatchError,
    ResourceNotFoundException,
)
from profilematch._io import ROW_ID_ATTRIBUTE, InputFile, read_profiles
from profilematch._models import IdentityResolutionJob, Matching, MatchItem
from profilematch._store import DOMAIN_NOT_FOUND_HINT

__all__ = ["cli", "main"]

_F = TypeVar("_F", bound=Callable[..., Any])

DEFAULT_DB = "profilematch.db"
MEMORY_DB = ":memory:"
_EXPIRATION_DAYS = 366
_PHONE_FIELDS = (
    "PhoneNumber",
    "MobilePhoneNumber",
    "HomePhoneNumber",
    "BusinessPhoneNumber",
)
_EMAIL_FIELDS = ("EmailAddress", "PersonalEmailAddress", "BusinessEmailAddress")
_OUTPUT_FORMATS = ("table", "jsonl", "csv", "json")


class _Group(click.Group):
    """A command group that turns profilematch errors into one-line messages."""

    def invoke(self, ctx: click.Context) -> Any:
        """Run the command; report a ProfileMatchError and exit non-zero."""
        try:
            return super().invoke(ctx)
        except ProfileMatchError as exc:
            _fail(exc)


def _fail(exc: ProfileMatchError) -> None:
    """Print an error as ``profilematch: error: ...`` and exit."""
    # The library's hint names Python calls; a shell user needs commands.
    message = exc.message.replace(
        DOMAIN_NOT_FOUND_HINT,
        "import a file into it with 'profilematch import FILE --domain NAME', "
        "or check --db and --domain",
    )
    lines = message.splitlines() or [exc.code]
    click.echo(f"profilematch: error: {lines[0]}", err=True)
    for line in lines[1:]:
        click.echo(f"  {line}", err=True)
    raise SystemExit(2 if isinstance(exc, BadRequestException) else 1)


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


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="profilematch", prog_name="profilematch")
def cli() -> None:
    """Find duplicate customer profiles and group them with a confidence score.

    Start with `profilematch match customers.csv`; `profilematch COMMAND -h`
    tells more about each command.
    """


def main(argv: Sequence[str] | None = None) -> None:
    """Run the command line (the ``profilematch`` console script).

    Args:
        argv: the arguments; default ``sys.argv[1:]``.
    """
    cli.main(args=list(argv) if argv is not None else None, prog_name="profilematch")


# --------------------------------------------------------------------------
# The store


@contextmanager
def _client(db: str, region: str | None = None) -> Iterator[Client]:
    """Open the Client on the store file, or in memory for ``:memory:``."""
    path = None if db == MEMORY_DB else db
    with Client(path, default_region=region.upper() if region else None) as client:
        yield client


def _ensure_domain(client: Client, domain: str) -> bool:
    """Create the domain with matching enabled unless it exists.

    Returns:
        True when the domain was created.
    """
    try:
        client.get_domain(domain)
    except ResourceNotFoundException:
        client.create_domain(
            domain,
            default_expiration_days=_EXPIRATION_DAYS,
            matching=Matching(enabled=True),
        )
        return True

    return False


def _profile_count(client: Client, domain: str) -> int:
    """The number of profiles a domain holds, from its stats."""
    stats = client.get_domain(domain).stats

    return (stats.profile_count or 0) if stats is not None else 0


# --------------------------------------------------------------------------
# Reading and importing


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


@cli.command("import")
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


# --------------------------------------------------------------------------
# Running jobs


_BAR_FORMAT = "{desc}: {percentage:3.0f}%|{bar}| {n_fmt}/{total_fmt} [{elapsed}]"


class _Progress:
    """A tqdm bar per job stage, on standard error."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self.stage: str | None = None
        self.bar: Any = None

    def __call__(self, stage: str, done: int, total: int) -> None:
        """Show the progress of a stage; a new stage closes the previous bar."""
        if not self.enabled:
            return

        from tqdm import tqdm

        if stage != self.stage:
            self.close()
            self.stage = stage
            self.bar = tqdm(
                total=total or None,
                desc=stage,
                file=sys.stderr,
                leave=False,
                bar_format=_BAR_FORMAT,
            )
        elif total and self.bar.total != total:
            # A stage runs several steps, each reporting its own total.
            self.bar.reset(total=total)
        self.bar.n = done
        self.bar.refresh()

    def close(self) -> None:
        """Close the open bar, if any."""
        if self.bar is not None:
            self.bar.close()
            self.bar = None


def _progress_enabled(flag: bool | None) -> bool:
    """Progress bars when asked, else when standard error is a terminal."""
    if flag is not None:
        return flag

    return sys.stderr.isatty()


def _run_job(
    client: Client, domain: str, options: Mapping[str, Any]
) -> IdentityResolutionJob:
    """Run an identity resolution job with the command's job options."""
    settings = {
        name: options[name]
        for name in ("threshold", "max_block_size", "seed")
        if options.get(name) is not None
    }
    progress = _Progress(_progress_enabled(options.get("progress")))
    try:
        job = client.run_identity_resolution_job(domain, progress=progress, **settings)
    finally:
        progress.close()

    if job.status == "FAILED":
        raise InternalServerException(
            f"identity resolution job {job.job_id} failed: "
            f"{job.message or 'no reason given'}; the previous match groups are kept"
        )
    if job.status == "PARTIAL_SUCCESS":
        click.echo(f"Warning: job {job.job_id}: {job.message}", err=True)

    return job


@cli.command("run")
@_store_options
@_job_options
def run_command(db: str, domain: str, **options: Any) -> None:
    """Run an identity resolution job over a domain's profiles now."""
    started = time.perf_counter()
    with _client(db) as client:
        job = _run_job(client, domain, options)

    stats = job.job_stats
    click.echo(
        f"Job {job.job_id} {job.status}: "
        f"{_stat(stats, 'number_of_profiles_reviewed')} profiles reviewed, "
        f"{_stat(stats, 'number_of_matches_found')} match groups found "
        f"in {time.perf_counter() - started:.1f} s."
    )


def _stat(stats: Any, name: str) -> str:
    """A job statistic formatted with thousands separators, or '-'."""
    value = getattr(stats, name, None)

    return "-" if value is None else f"{value:,}"


# --------------------------------------------------------------------------
# Match groups: rows, tables and files


@attrs.frozen
class _Member:
    """A profile in a match group, as shown to the user."""

    profile_id: str
    row_id: str
    profile: Mapping[str, Any]


@attrs.frozen
class _GroupView:
    """A match group with its members."""

    match_id: str
    confidence_score: float
    members: tuple[_Member, ...]


def _all_matches(client: Client, domain: str) -> list[MatchItem]:
    """Every match group of the latest job, best first."""
    return list(client.iter_matches(domain))


# batch_get_profile takes at most this many ids, as the service does.
_BATCH_GET_LIMIT = 20


def _profiles_by_id(
    client: Client, domain: str, profile_ids: Iterable[str]
) -> dict[str, Mapping[str, Any]]:
    """Service-shaped profiles by id, read from the store in batches."""
    wanted = list(dict.fromkeys(profile_ids))
    found: dict[str, Mapping[str, Any]] = {}
    for start in range(0, len(wanted), _BATCH_GET_LIMIT):
        result = client.batch_get_profile(
            domain, wanted[start : start + _BATCH_GET_LIMIT]
        )
        for profile in result.profiles:
            found[str(profile.profile_id)] = profile.to_dict()

    return found


def _views(
    matches: Sequence[MatchItem], profiles: Mapping[str, Mapping[str, Any]]
) -> list[_GroupView]:
    """Join match groups with their profiles and original row ids."""
    views = []
    for match in matches:
        members = []
        for profile_id in match.profile_ids:
            profile = profiles.get(profile_id, {})
            attributes = profile.get("Attributes") or {}
            row_id = str(attributes.get(ROW_ID_ATTRIBUTE, ""))
            members.append(_Member(profile_id, row_id, profile))
        views.append(
            _GroupView(match.match_id, float(match.confidence_score), tuple(members))
        )

    return views


def _input_profiles(
    data: InputFile, ids: Sequence[str]
) -> dict[str, Mapping[str, Any]]:
    """The profiles just read, keyed by the ids the store gave them."""
    return {
        profile_id: {**profile, "ProfileId": profile_id}
        for profile_id, profile in zip(ids, data.profiles, strict=True)
    }


def _name(profile: Mapping[str, Any]) -> str:
    """A person's name, or the business name, for display."""
    parts = [profile.get(k) for k in ("FirstName", "MiddleName", "LastName")]
    text = " ".join(str(p) for p in parts if p)

    return text or str(profile.get("BusinessName") or "")


def _first(profile: Mapping[str, Any], fields: Sequence[str]) -> str:
    """The first of several fields that has a value."""
    for field in fields:
        if profile.get(field):
            return str(profile[field])

    return ""


def _address(profile: Mapping[str, Any]) -> str:
    """The main address on one line."""
    address = profile.get("Address") or {}
    parts = [address.get(k) for k in ("Address1", "City", "PostalCode", "Country")]

    return ", ".join(str(p) for p in parts if p)


_TABLE_COLUMNS: tuple[tuple[str, int, Callable[[Mapping[str, Any]], str]], ...] = (
    ("name", 24, _name),
    ("email", 28, lambda p: _first(p, _EMAIL_FIELDS)),
    ("phone", 16, lambda p: _first(p, _PHONE_FIELDS)),
    ("birth date", 12, lambda p: str(p.get("BirthDate") or "")),
    ("address", 36, _address),
)


def _cut(text: str, width: int) -> str:
    """Fit text in a column, marking a cut with an ellipsis."""
    text = " ".join(text.split())
    if len(text) <= width:
        return text.ljust(width)

    return text[: width - 1] + "…"


def _table(views: Sequence[_GroupView], limit: int | None) -> list[str]:
    """The match groups as an aligned text table, one line per profile."""
    row_width = max([len("row id")] + [len(m.row_id) for v in views for m in v.members])
    row_width = min(row_width, 20)
    header = [
        "group".ljust(8),
        "score",
        "row id".ljust(row_width),
        "profile".ljust(8),
        *(title.ljust(width) for title, width, _ in _TABLE_COLUMNS),
    ]
    lines = ["  ".join(header).rstrip()]

    shown = views if limit is None else views[:limit]
    for view in shown:
        for index, member in enumerate(view.members):
            lead = (
                [view.match_id[:8].ljust(8), f"{view.confidence_score:.3f}"]
                if index == 0
                else [" " * 8, " " * 5]
            )
            cells = [
                *lead,
                _cut(member.row_id, row_width),
                member.profile_id[:8],
                *(_cut(get(member.profile), w) for _, w, get in _TABLE_COLUMNS),
            ]
            lines.append("  ".join(cells).rstrip())
        lines.append("")

    return lines


def _output_format(output: str | None, fmt: str | None) -> str:
    """The output format: the option, else the output file's extension."""
    if fmt:
        return fmt
    if output is None or output == "-":
        return "table"

    suffix = Path(output).suffix.lower()
    if suffix in (".jsonl", ".ndjson"):
        return "jsonl"
    if suffix == ".json":
        return "json"
    if suffix in (".csv", ".tsv", ".txt"):
        return "csv"
    raise BadRequestException(
        f"--output {output}: cannot tell the format from '{suffix or 'no'}' "
        "extension; use .jsonl, .csv or .json, or say --format",
        field="--output",
        rule="extension .jsonl, .csv or .json",
        value=output,
    )


def _records(views: Sequence[_GroupView]) -> Iterator[dict[str, Any]]:
    """Match groups in the service's MatchItem shape plus original row ids."""
    for view in views:
        yield {
            "MatchId": view.match_id,
            "ConfidenceScore": view.confidence_score,
            "ProfileIds": [m.profile_id for m in view.members],
            "RowIds": [m.row_id for m in view.members],
        }


def _write(views: Sequence[_GroupView], fmt: str, stream: IO[str]) -> None:
    """Write match groups as JSON Lines, JSON or CSV (one row per profile)."""
    if fmt == "jsonl":
        for record in _records(views):
            stream.write(json.dumps(record, ensure_ascii=False) + "\n")
    elif fmt == "json":
        json.dump(list(_records(views)), stream, ensure_ascii=False, indent=2)
        stream.write("\n")
    else:
        writer = csv.writer(stream, lineterminator="\n")
        writer.writerow(["match_id", "confidence_score", "profile_id", "row_id"])
        for view in views:
            for member in view.members:
                writer.writerow(
                    [
                        view.match_id,
                        f"{view.confidence_score:.6f}",
                        member.profile_id,
                        member.row_id,
                    ]
                )


def _emit(
    views: Sequence[_GroupView], output: str | None, fmt: str, limit: int | None
) -> None:
    """Print the table, or write a file (or standard output for ``-``)."""
    buffer = io.StringIO()
    if fmt == "table":
        lines = _table(views, limit) if views else ["No match groups found."]
        if limit is not None and len(views) > limit:
            lines.append(
                f"... and {len(views) - limit:,} more match groups; write them "
                "all with --output groups.csv (or --show 0 to print them all)."
            )
        buffer.write("\n".join(lines) + "\n")
    else:
        _write(views, fmt, buffer)

    if output is None or output == "-":
        click.echo(buffer.getvalue(), nl=False)
        return

    # Written from a buffer so a failure leaves no half-written file.
    Path(output).write_text(buffer.getvalue(), encoding="utf-8")
    click.echo(f"Wrote {len(views):,} match groups to {output} ({fmt}).", err=True)


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


# --------------------------------------------------------------------------
# match: the whole job in one step


def _summary(
    *,
    profiles: int,
    views: Sequence[_GroupView],
    invalid: Mapping[str, int],
    oversized: Mapping[str, int],
    seconds: float,
) -> list[str]:
    """The closing summary of a match run."""
    grouped = sum(len(v.members) for v in views)
    lines = [
        f"Profiles: {profiles:,}",
        f"Match groups: {len(views):,}",
        f"Profiles in groups: {grouped:,}",
    ]
    if invalid:
        details = ", ".join(f"{k} {v:,}" for k, v in sorted(invalid.items()))
        lines.append(f"Invalid values: {details}")
    else:
        lines.append("Invalid values: none")
    if oversized:
        shown = ", ".join(f"{k} ({v:,})" for k, v in list(oversized.items())[:5])
        more = f" and {len(oversized) - 5:,} more" if len(oversized) > 5 else ""
        lines.append(f"Blocking keys too common to make pairs: {shown}{more}")
    lines.append(f"Seconds: {seconds:.1f}")

    return lines


@cli.command("match")
@click.argument("file", type=click.Path(dir_okay=False))
@_store_options
@_read_options
@_job_options
@_output_options
@click.option(
    "--append",
    is_flag=True,
    help="Add the file to the profiles the domain holds, instead of replacing them.",
)
def match_command(
    file: str,
    db: str,
    domain: str,
    output: str | None,
    fmt: str | None,
    show: int,
    append: bool,
    **options: Any,
) -> None:
    """Find the duplicates in a CSV or JSON Lines FILE and print the match groups.

    Reads FILE, imports it into the domain (replacing the profiles it held,
    unless --append), runs an identity resolution job and prints the match
    groups as a table, or writes them with --output. Original row ids are
    kept next to profile ids so the groups join back to FILE. FILE may be
    compressed with gzip, bzip2 or xz (.gz, .bz2, .xz).
    """
    started = time.perf_counter()
    fmt = _output_format(output, fmt)
    data = _read(file, options)
    _report_mapping(data)

    with _client(db, options["region"]) as client:
        # One transaction: a failed import leaves the domain's old profiles.
        with client.store.atomic():
            held = 0
            if not append and not _ensure_domain(client, domain):
                held = _profile_count(client, domain)
                client.delete_domain(domain)
                _ensure_domain(client, domain)
            elif append:
                _ensure_domain(client, domain)
            ids = _import(client, domain, data)
        if held:
            click.echo(
                f"Replaced the {held:,} profiles of domain '{domain}' in {db} "
                "(--append keeps them).",
                err=True,
            )
        job = _run_job(client, domain, options)
        report = client.get_job_report(domain, job.job_id)
        matches = _all_matches(client, domain)

        profiles = _input_profiles(data, ids)
        missing = {p for m in matches for p in m.profile_ids} - profiles.keys()
        if missing:
            profiles.update(_profiles_by_id(client, domain, missing))
        total = _profile_count(client, domain) if append else len(ids)

    views = _views(matches, profiles)
    _emit(views, output, fmt, show or None)
    for line in _summary(
        profiles=total,
        views=views,
        invalid=report.invalid_values,
        oversized=report.oversized_blocking_keys,
        seconds=time.perf_counter() - started,
    ):
        click.echo(line, err=True)


# --------------------------------------------------------------------------
# matches, export, jobs


def _json_default(value: Any) -> Any:
    """JSON for timestamps: ISO 8601."""
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()

    raise TypeError(f"not JSON serializable: {type(value).__name__}")


def _dumps(value: Any) -> str:
    """Pretty JSON with timestamps in ISO 8601."""
    return json.dumps(value, indent=2, ensure_ascii=False, default=_json_default)


@cli.command("matches")
@_store_options
@click.option(
    "--max-results",
    type=int,
    default=100,
    show_default=True,
    help="Match groups per page (1 to 100).",
)
@click.option("--next-token", help="The NextToken of the previous page.")
def matches_command(
    db: str, domain: str, max_results: int, next_token: str | None
) -> None:
    """Print one page of match groups as GetMatches JSON.

    Pass the page's NextToken back with --next-token for the next page.
    """
    with _client(db) as client:
        page = client.get_matches(
            domain, max_results=max_results, next_token=next_token
        )

    click.echo(_dumps(page.to_dict()))


@cli.command("export")
@_store_options
@click.option(
    "--output",
    "-o",
    metavar="PATH",
    default="-",
    show_default=True,
    help="The file to write (.jsonl, .csv or .json); - for standard output.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["jsonl", "csv", "json"]),
    help="The output format (default: from the extension, else jsonl).",
)
def export_command(db: str, domain: str, output: str, fmt: str | None) -> None:
    """Write every match group of the latest job, with original row ids."""
    if fmt is None:
        fmt = "jsonl" if output == "-" else _output_format(output, None)

    with _client(db) as client:
        matches = _all_matches(client, domain)
        profile_ids = [p for m in matches for p in m.profile_ids]
        profiles = _profiles_by_id(client, domain, profile_ids)

    _emit(_views(matches, profiles), output, fmt, None)


@cli.command("jobs")
@_store_options
@click.option("--json", "as_json", is_flag=True, help="Print the service's JSON.")
def jobs_command(db: str, domain: str, as_json: bool) -> None:
    """List the domain's identity resolution jobs, newest first."""
    with _client(db) as client:
        jobs = _all_jobs(client, domain)

    if as_json:
        payload = {"IdentityResolutionJobsList": [j.to_dict() for j in jobs]}
        click.echo(_dumps(payload))
        return
    if not jobs:
        click.echo(f"No jobs in domain '{domain}'.")
        return

    click.echo(f"{'job id':<32}  {'status':<15}  {'started':<19}  profiles  groups")
    for job in jobs:
        started = (
            job.job_start_time.strftime("%Y-%m-%d %H:%M:%S")
            if job.job_start_time
            else ""
        )
        click.echo(
            f"{job.job_id:<32}  {job.status:<15}  {started:<19}  "
            f"{_stat(job.job_stats, 'number_of_profiles_reviewed'):>8}  "
            f"{_stat(job.job_stats, 'number_of_matches_found'):>6}"
        )


def _all_jobs(client: Client, domain: str) -> list[IdentityResolutionJob]:
    """Every job of a domain, newest first, following the pages."""
    jobs: list[IdentityResolutionJob] = []
    page = client.list_identity_resolution_jobs(domain)
    jobs.extend(page.identity_resolution_jobs_list)
    while page.next_token:
        page = client.list_identity_resolution_jobs(domain, next_token=page.next_token)
        jobs.extend(page.identity_resolution_jobs_list)

    return jobs


_PROFILE_ID = re.compile(r"^[a-f0-9]{32}$")


def _resolve_ids(client: Client, domain: str, ids: Sequence[str]) -> list[str]:
    """Profile ids for ids given as profile ids or as original row ids.

    Raises:
        ResourceNotFoundException: an id is neither a profile id nor the row
            id of a profile in the domain.
        BadRequestException: a row id belongs to several profiles.
    """
    wanted = {i for i in ids if not _PROFILE_ID.match(i)}
    if not wanted:
        return list(ids)

    found: dict[str, list[str]] = {i: [] for i in wanted}
    for record in client.store.iter_profiles(domain):
        row_id = (record.raw.get("Attributes") or {}).get(ROW_ID_ATTRIBUTE)
        if row_id in found:
            found[row_id].append(record.profile_id)
    for row_id, profile_ids in found.items():
        if not profile_ids:
            raise ResourceNotFoundException(
                f"{row_id}: no profile with this profile id or row id in domain "
                f"'{domain}'; profile ids are 32 hex characters, row ids come "
                "from the imported file, and a merged row's profile is gone (use "
                "the profile id of the profile it was merged into)"
            )
        if len(profile_ids) > 1:
            raise BadRequestException(
                f"row id {row_id} belongs to {len(profile_ids)} profiles "
                f"({', '.join(profile_ids)}); name one by its profile id",
                field="ID",
                rule="unique row id",
                value=row_id,
            )

    return [found[i][0] if i in found else i for i in ids]


@cli.command("explain")
@click.argument("id_a")
@click.argument("id_b")
@_store_options
@click.option("--json", "as_json", is_flag=True, help="Print the explanation as JSON.")
@click.option("--job-id", help="Score with this job's model (default: the latest).")
def explain_command(
    db: str, domain: str, id_a: str, id_b: str, as_json: bool, job_id: str | None
) -> None:
    """Explain the score of two profiles: levels and match weights per attribute.

    ID_A and ID_B are profile ids, or row ids from the imported file.
    """
    with _client(db) as client:
        first, second = _resolve_ids(client, domain, [id_a, id_b])
        explanation = client.explain_match(domain, first, second, job_id=job_id)

    if as_json:
        click.echo(_dumps(attrs.asdict(explanation)))
        return

    click.echo(f"{first} and {second}:")
    click.echo(str(explanation))


@cli.command("merge")
@click.argument("main_id")
@click.argument("ids", nargs=-1, required=True)
@_store_options
def merge_command(db: str, domain: str, main_id: str, ids: tuple[str, ...]) -> None:
    """Merge the profiles IDS into MAIN_ID (MergeProfiles).

    Ids are profile ids, or row ids from the imported file.
    """
    with _client(db) as client:
        main, *others = _resolve_ids(client, domain, [main_id, *ids])
        message = client.merge_profiles(domain, main, others)

    click.echo(message or f"Merged {len(others)} profiles into {main}.")
