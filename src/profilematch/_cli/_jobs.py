"""Identity resolution jobs from the command line: the run and jobs commands.

A job runs with the command's job options and shows a progress bar per stage
on standard error when that is a terminal (or --progress says so). A FAILED job
is an error; a PARTIAL_SUCCESS one prints a warning. ``jobs`` lists a domain's
jobs, newest first, as a table or as the service's JSON.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Mapping
from typing import Any

import click

from profilematch._cli._base import _client
from profilematch._cli._options import _job_options, _store_options
from profilematch._cli._output import _dumps, _stat
from profilematch._client import Client
from profilematch._errors import InternalServerException
from profilematch._models import IdentityResolutionJob

__all__ = ["jobs_command", "run_command"]

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


@click.command("run")
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


@click.command("jobs")
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
