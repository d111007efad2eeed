"""Match groups from the command line: the match, matches and export commands.

``match`` does the whole job in one step: it reads a file, imports it into the
domain (replacing the profiles it held unless --append), runs a job, prints or
writes the match groups and closes with a summary on standard error.
``matches`` prints one page of match groups as GetMatches JSON, and ``export``
writes every match group of the latest job with original row ids.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from typing import Any

import click

from profilematch._cli._base import _client, _ensure_domain, _profile_count
from profilematch._cli._input import _import, _read, _report_mapping
from profilematch._cli._jobs import _run_job
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

__all__ = ["export_command", "match_command", "matches_command"]


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


@click.command("match")
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


@click.command("matches")
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


@click.command("export")
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
