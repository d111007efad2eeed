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

import re
import time
from collections.abc import Mapping, Sequence
from typing import Any

import attrs
import click

from profilematch._cli._base import _client, _ensure_domain, _profile_count, cli, main
from profilematch._cli._input import _import, _read, _report_mapping, import_command
from profilematch._cli._jobs import _run_job, jobs_command, run_command
from profilematch._cli._options import (
    _job_options,
    _output_options,
    _read_options,
    _store_options,
)
from profilematch._cli._output import (
    _all_matches,
    _dumps,
    _emit,
    _GroupView,
    _input_profiles,
    _output_format,
    _profiles_by_id,
    _views,
)
from profilematch._client import Client
from profilematch._errors import BadRequestException, ResourceNotFoundException
from profilematch._io import ROW_ID_ATTRIBUTE

__all__ = ["cli", "main"]

cli.add_command(import_command)
cli.add_command(run_command)
cli.add_command(jobs_command)


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
    kept next to profile ids so the groups join back to FILE.
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
