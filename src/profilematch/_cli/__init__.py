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

The commands live in modules by what they work on: ``_input`` (import),
``_jobs`` (run and jobs), ``_match`` (match, matches and export) and
``_profiles`` (explain and merge); this package adds them to the group.
``_base`` holds the group itself with its error handling, ``main`` and opening
the store; ``_options`` the options commands share, and ``_output`` the
formatting of what they print.
"""

from __future__ import annotations

from profilematch._cli._base import cli, main
from profilematch._cli._input import import_command
from profilematch._cli._jobs import jobs_command, run_command
from profilematch._cli._match import export_command, match_command, matches_command
from profilematch._cli._profiles import explain_command, merge_command

__all__ = ["cli", "main"]

cli.add_command(import_command)
cli.add_command(run_command)
cli.add_command(match_command)
cli.add_command(matches_command)
cli.add_command(export_command)
cli.add_command(jobs_command)
cli.add_command(explain_command)
cli.add_command(merge_command)
