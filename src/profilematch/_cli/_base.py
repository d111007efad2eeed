"""What every command shares: the command group, its error handling, the store.

``cli`` is the click group every command belongs to, and ``main`` runs it as the
``profilematch`` console script. An error that profilematch raises on purpose
prints one line, ``profilematch: error: ...``, and exits with 2 for bad input
and 1 otherwise. Commands open the store through ``_client``; the commands that
import create their domain with matching enabled when it is missing.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import click

from profilematch._client import Client
from profilematch._errors import (
    BadRequestException,
    ProfileMatchError,
    ResourceNotFoundException,
)
from profilematch._models import Matching
from profilematch._store import DOMAIN_NOT_FOUND_HINT

__all__ = ["DEFAULT_DB", "MEMORY_DB", "cli", "main"]

DEFAULT_DB = "profilematch.db"
MEMORY_DB = ":memory:"
_EXPIRATION_DAYS = 366


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
