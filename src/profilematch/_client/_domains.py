"""Domains: the Client's calls that create, read, change, delete and list them.

A domain's settings are kept in the store in the service's Domain shape, less
the members the store derives (its name, its times and its profile count).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

import attrs

from profilematch._client._base import ClientBase, checked, page_dict
from profilematch._errors import BadRequestException
from profilematch._models import Domain, DomainStats, ListDomainItem, Matching
from profilematch._paging import check_max_results
from profilematch._store import DomainRecord, utc_now

logger = logging.getLogger(__name__)

# Domain members kept in the store's config; the rest are derived.
_DOMAIN_DERIVED = ("DomainName", "CreatedAt", "LastUpdatedAt", "Stats")


class _Unset:
    """The type of UNSET: an argument that was not passed."""

    def __repr__(self) -> str:
        return "UNSET"


UNSET: Any = _Unset()


@attrs.frozen(kw_only=True)
class DomainsPage:
    """One page of list_domains: the domains and the token for the next page."""

    items: tuple[ListDomainItem, ...] = ()
    next_token: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """The page in the ListDomains response shape."""
        return page_dict(self.items, self.next_token)


def _domain_config(domain: Domain) -> dict[str, Any]:
    data = domain.to_dict()
    for name in _DOMAIN_DERIVED:
        data.pop(name, None)
    return data


def _as_matching(matching: object) -> Matching | None:
    if matching is None or isinstance(matching, Matching):
        return matching
    if isinstance(matching, Mapping):
        return Matching.from_dict(matching, prefix="Matching")
    raise BadRequestException(
        f"Matching: must be a Matching or a dict in the service's shape, got "
        f"{matching!r}; pass profilematch.Matching(enabled=True)",
        field="Matching",
        rule="type structure",
        value=matching,
    )


class DomainsMixin(ClientBase):
    """The domain calls of the Client."""

    __slots__ = ()

    def _domain(self, record: DomainRecord, *, stats: bool = False) -> Domain:
        data: dict[str, Any] = {
            **record.config,
            "DomainName": record.domain_name,
            "CreatedAt": record.created_at,
            "LastUpdatedAt": record.last_updated_at,
        }
        if stats:
            count = self._store.count_profiles(record.domain_name)
            data["Stats"] = DomainStats(
                profile_count=count, metering_profile_count=count
            ).to_dict()
        return Domain.from_dict(data)

    def create_domain(
        self,
        domain_name: str,
        *,
        default_expiration_days: int,
        matching: Matching | Mapping[str, Any] | None = None,
        default_encryption_key: str | None = None,
        dead_letter_queue_url: str | None = None,
        tags: Mapping[str, str] | None = None,
    ) -> Domain:
        """Create a domain: a named set of profiles with its matching settings.

        Args:
            domain_name: 1 to 64 characters of letters, digits, ``_`` and ``-``.
            default_expiration_days: 1 to 1098.
            matching: identity resolution settings (a Matching or its dict);
                get_matches needs ``Matching(enabled=True)``.
            default_encryption_key: kept for parity with the service (0 to 255
                characters); profilematch does not encrypt.
            dead_letter_queue_url: kept for parity (0 to 255 characters).
            tags: 1 to 50 tags.

        Returns:
            The new Domain.

        Raises:
            BadRequestException: a rule is broken, or the domain exists.

        Example:
            >>> client = Client()
            >>> client.create_domain(
            ...     "retail", default_expiration_days=366,
            ...     matching=Matching(enabled=True)).matching.enabled
            True
        """
        now = utc_now()
        domain = Domain(
            domain_name=domain_name,
            default_expiration_days=default_expiration_days,
            default_encryption_key=default_encryption_key,
            dead_letter_queue_url=dead_letter_queue_url,
            matching=_as_matching(matching),
            created_at=now,
            last_updated_at=now,
            tags=tags,
        )

        record = self._store.insert_domain(domain_name, _domain_config(domain), now=now)
        logger.info("created domain %s", domain_name)

        return self._domain(record)

    def get_domain(self, domain_name: str) -> Domain:
        """Return a domain with its settings and profile count.

        Raises:
            BadRequestException: the name breaks the DomainName rules.
            ResourceNotFoundException: no such domain.

        Example:
            >>> client = Client()
            >>> _ = client.create_domain("retail", default_expiration_days=30)
            >>> client.get_domain("retail").stats.profile_count
            0
        """
        checked(DomainName=domain_name)

        return self._domain(self._store.get_domain(domain_name), stats=True)

    def update_domain(
        self,
        domain_name: str,
        *,
        default_expiration_days: int = UNSET,
        matching: Matching | Mapping[str, Any] | None = UNSET,
        default_encryption_key: str | None = UNSET,
        dead_letter_queue_url: str | None = UNSET,
        tags: Mapping[str, str] | None = UNSET,
    ) -> Domain:
        """Change some settings of a domain; settings not passed are kept.

        Passing None for an optional setting removes it.

        Raises:
            BadRequestException: a rule is broken.
            ResourceNotFoundException: no such domain.

        Example:
            >>> client = Client()
            >>> _ = client.create_domain("retail", default_expiration_days=30)
            >>> client.update_domain("retail", default_expiration_days=90
            ...     ).default_expiration_days
            90
        """
        checked(DomainName=domain_name)
        changes: dict[str, Any] = {
            name: value
            for name, value in (
                ("default_expiration_days", default_expiration_days),
                ("default_encryption_key", default_encryption_key),
                ("dead_letter_queue_url", dead_letter_queue_url),
                ("tags", tags),
            )
            if value is not UNSET
        }
        if matching is not UNSET:
            changes["matching"] = _as_matching(matching)

        now = utc_now()
        with self._store.atomic():
            current = self._domain(self._store.get_domain(domain_name))
            updated = current.evolve(**changes, last_updated_at=now)
            record = self._store.update_domain(
                domain_name, _domain_config(updated), now=now
            )

        return self._domain(record)

    def delete_domain(self, domain_name: str) -> str:
        """Delete a domain with its profiles, jobs and match results.

        Returns:
            A message saying what was deleted.

        Raises:
            BadRequestException: the name breaks the DomainName rules.
            ResourceNotFoundException: no such domain.

        Example:
            >>> client = Client()
            >>> _ = client.create_domain("retail", default_expiration_days=30)
            >>> client.delete_domain("retail")
            'Domain retail deleted'
        """
        checked(DomainName=domain_name)

        self._store.delete_domain(domain_name)
        logger.info("deleted domain %s", domain_name)

        return f"Domain {domain_name} deleted"

    def list_domains(
        self, max_results: int = 100, next_token: str | None = None
    ) -> DomainsPage:
        """List domains in name order, a page at a time.

        Args:
            max_results: 1 to 100 domains per page.
            next_token: the previous page's ``next_token``, or None.

        Returns:
            A DomainsPage; its ``next_token`` is None on the last page.

        Raises:
            BadRequestException: max_results out of range, or a bad token.

        Example:
            >>> client = Client()
            >>> _ = client.create_domain("retail", default_expiration_days=30)
            >>> [item.domain_name for item in client.list_domains().items]
            ['retail']
        """
        limit = check_max_results(max_results)
        after = None
        if next_token is not None:
            after = self._decode("domains", "", next_token).position
            if not isinstance(after, str):
                raise self._bad_position(next_token)

        records = self._store.list_domains(limit=limit + 1, after=after)
        items = tuple(
            ListDomainItem.from_dict(
                {
                    "DomainName": record.domain_name,
                    "CreatedAt": record.created_at,
                    "LastUpdatedAt": record.last_updated_at,
                    **(
                        {"Tags": record.config["Tags"]}
                        if "Tags" in record.config
                        else {}
                    ),
                }
            )
            for record in records[:limit]
        )
        token = None
        if len(records) > limit:
            token = self._encode("domains", "", None, items[-1].domain_name)

        return DomainsPage(items=items, next_token=token)
