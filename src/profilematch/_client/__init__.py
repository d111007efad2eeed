"""The Client: the service's operations as Python calls over the embedded store.

Every call checks its input against the service model before touching the
store, and raises BadRequestException naming the field, the rule and the value
received. Responses are the models of :mod:`profilematch._models`, whose
``to_dict()`` is the service's response shape.

The Client is made of one class per concern, each in a module of its own:
``_domains`` (domains), ``_ingest`` (create_profile, put_profiles and the
preparation of profiles for the store), ``_profiles`` (reading, changing and
deleting stored profiles), ``_search`` (search keys and search_profiles),
``_matches`` (match groups and explain_match) and ``_resolution`` (jobs and
merging). ``_base`` holds the state they share and the checks they all make.
"""

from __future__ import annotations

import os

import attrs

from profilematch._client._base import check_workers
from profilematch._client._domains import DomainsMixin, DomainsPage
from profilematch._client._ingest import IngestMixin
from profilematch._client._matches import MatchesMixin
from profilematch._client._profiles import BatchGetProfileResult, ProfilesMixin
from profilematch._client._resolution import ResolutionMixin
from profilematch._client._search import (
    SEARCH_KEYS,
    ProfilesPage,
    SearchMixin,
    search_keys,
)
from profilematch._config import check_region
from profilematch._store import Store

__all__ = [
    "SEARCH_KEYS",
    "BatchGetProfileResult",
    "Client",
    "DomainsPage",
    "ProfilesPage",
    "search_keys",
]


@attrs.define
class Client(
    ProfilesMixin, IngestMixin, SearchMixin, MatchesMixin, DomainsMixin, ResolutionMixin
):
    """Identity resolution over an embedded SQLite store.

    Args:
        path: a database file, created with its schema on first use; None (the
            default) or ``":memory:"`` keeps everything in memory.
        default_region: the phone region for numbers written without a country
            code when a profile's address names no country; None uses the
            library default (``profilematch.get_default_region()``, "US").
        workers: processes that normalize the profiles of one ``put_profiles``
            call; None uses every core for calls of 5,000 profiles or more
            (where the platform forks), 1 never starts a process.

    The client is a context manager, and safe to share between threads; two
    processes may use one file at once.

    Example:
        >>> import profilematch as pm
        >>> with pm.Client() as client:
        ...     domain = client.create_domain("retail", default_expiration_days=366)
        ...     domain.domain_name
        'retail'
    """

    path: str | os.PathLike[str] | None = None
    default_region: str | None = attrs.field(default=None, kw_only=True)
    workers: int | None = attrs.field(default=None, kw_only=True)
    _store: Store = attrs.field(init=False)

    def __attrs_post_init__(self) -> None:
        if self.default_region is not None:
            check_region(self.default_region)
        if self.workers is not None:
            check_workers(self.workers)
        target = None if self.path is None else os.fspath(self.path)
        self._store = Store(target)

    def close(self) -> None:
        """Close the store; the client cannot be used afterwards."""
        self._store.close()

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
