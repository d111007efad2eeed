"""The embedded SQLite store: domains, profiles, jobs, results and leases.

One Store wraps one SQLite database, a file or ``:memory:``. The Client is a
thin facade over it; the job runner and merging use it directly. Rules kept
throughout:

- Every value is bound with ``?``; table and column names are constants.
- ``atomic()`` is the one way to write: the outermost call is a
  ``BEGIN IMMEDIATE`` transaction, nested calls are savepoints, so a bulk write
  applies fully or not at all.
- File stores use WAL and a busy timeout and open one connection per thread;
  ``:memory:`` has one connection shared by every thread behind a lock.
- "database is locked" becomes ThrottlingException; other SQLite failures
  become InternalServerException, and the transaction is rolled back.
- The schema is a list of named, ordered migrations, applied once each.
- Match results are generations: ``write_generation`` inserts a whole
  generation and flips the domain's latest pointer in one transaction, keeps
  the previous generation for readers still paging, and drops older ones.

Timestamps are stored as ISO 8601 text in UTC with microseconds (so text order
is time order) and returned as aware datetimes.

Store is made of one part per concern, each a class in a module of its own:
connections, transactions and leases (``_connection``), the schema and the
meta table (``_schema``), domains (``_domains``), profiles (``_profiles``),
merged profiles and history (``_merged``), jobs (``_jobs``) and generations of
match results (``_generations``).
"""

from __future__ import annotations

import attrs

from profilematch._store._connection import _Handle, _Leases, utc_now
from profilematch._store._domains import DOMAIN_NOT_FOUND_HINT, DomainRecord, _Domains
from profilematch._store._generations import (
    GenerationRecord,
    MatchGroup,
    MatchRecord,
    _Generations,
)
from profilematch._store._jobs import JobRecord, _Jobs
from profilematch._store._merged import _Merged
from profilematch._store._profiles import ProfileRecord, ProfileWrite, _Profiles
from profilematch._store._schema import MIGRATIONS, Migration, _Schema

__all__ = [
    "DOMAIN_NOT_FOUND_HINT",
    "MIGRATIONS",
    "DomainRecord",
    "GenerationRecord",
    "JobRecord",
    "MatchGroup",
    "MatchRecord",
    "Migration",
    "ProfileRecord",
    "ProfileWrite",
    "Store",
    "utc_now",
]


@attrs.define
class Store(_Schema, _Merged, _Profiles, _Jobs, _Generations, _Domains, _Leases):
    """A SQLite store for profilematch (a file, or in memory).

    Args:
        path: a database file, created with its schema on first use; None or
            ``":memory:"`` for a private in-memory store.
        busy_timeout: seconds to wait for another writer before giving up with
            ThrottlingException.
    """

    def __attrs_post_init__(self) -> None:
        if self.path is None or self.path == ":memory:":
            self._shared = _Handle(self._connect(":memory:"))
        self._migrate()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
