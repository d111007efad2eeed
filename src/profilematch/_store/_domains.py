"""Domains: creating, reading, changing, listing and deleting them; their sizes."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Mapping
from datetime import datetime
from typing import Any

import attrs

from profilematch._errors import BadRequestException, ResourceNotFoundException
from profilematch._store._connection import (
    _Connections,
    _dumps,
    _from_iso,
    _iso,
    utc_now,
)

__all__ = ["DOMAIN_NOT_FOUND_HINT", "DomainRecord"]

DOMAIN_NOT_FOUND_HINT = (
    "create it with create_domain or check the name with list_domains"
)
"""What to do about a missing domain, in the Python API's words."""


@attrs.frozen
class DomainRecord:
    """A stored domain.

    Attributes:
        domain_name: the domain's name.
        config: the domain's settings in the service's shape (DefaultExpirationDays,
            Matching, Tags, ...), without DomainName and the timestamps.
        created_at: when the domain was created.
        last_updated_at: when its settings last changed.
        latest_generation_id: the generation get_matches reads, or None.
    """

    domain_name: str
    config: dict[str, Any]
    created_at: datetime
    last_updated_at: datetime
    latest_generation_id: int | None


class _Domains(_Connections):
    """The domains table; every other table's rows belong to a domain."""

    __slots__ = ()

    def _domain_row(self, connection: sqlite3.Connection, name: str) -> DomainRecord:
        row = connection.execute(
            "SELECT domain_name, config_json, created_at, last_updated_at, "
            "latest_generation_id FROM domains WHERE domain_name = ?",
            (name,),
        ).fetchone()
        if row is None:
            raise ResourceNotFoundException(
                f"domain {name!r} does not exist; {DOMAIN_NOT_FOUND_HINT}"
            )

        return DomainRecord(
            domain_name=row[0],
            config=json.loads(row[1]),
            created_at=_from_iso(row[2]),
            last_updated_at=_from_iso(row[3]),
            latest_generation_id=row[4],
        )

    def insert_domain(
        self, name: str, config: Mapping[str, Any], *, now: datetime | None = None
    ) -> DomainRecord:
        """Create a domain.

        Raises:
            BadRequestException: a domain of that name exists.
        """
        stamp = _iso(now or utc_now())

        with self.atomic() as connection:
            try:
                connection.execute(
                    "INSERT INTO domains (domain_name, config_json, created_at, "
                    "last_updated_at) VALUES (?, ?, ?, ?)",
                    (name, _dumps(dict(config)), stamp, stamp),
                )
            except sqlite3.IntegrityError:
                raise BadRequestException(
                    f"DomainName: domain {name!r} already exists; choose another "
                    "name, or change it with update_domain",
                    field="DomainName",
                    rule="unique",
                    value=name,
                ) from None
            return self._domain_row(connection, name)

    def get_domain(self, name: str) -> DomainRecord:
        """Return a domain.

        Raises:
            ResourceNotFoundException: no such domain.
        """
        with self.snapshot() as connection:
            return self._domain_row(connection, name)

    def update_domain(
        self, name: str, config: Mapping[str, Any], *, now: datetime | None = None
    ) -> DomainRecord:
        """Replace a domain's settings.

        Raises:
            ResourceNotFoundException: no such domain.
        """
        with self.atomic() as connection:
            self._domain_row(connection, name)
            connection.execute(
                "UPDATE domains SET config_json = ?, last_updated_at = ? "
                "WHERE domain_name = ?",
                (_dumps(dict(config)), _iso(now or utc_now()), name),
            )
            return self._domain_row(connection, name)

    def delete_domain(self, name: str) -> None:
        """Delete a domain with its profiles, jobs and results.

        Raises:
            ResourceNotFoundException: no such domain.
        """
        with self.atomic() as connection:
            self._domain_row(connection, name)
            for table in (
                "matches",
                "generations",
                "jobs",
                "profile_keys",
                "profiles",
                "merged_profiles",
                "profile_history",
                "domains",
            ):
                connection.execute(
                    f"DELETE FROM {table} WHERE domain_name = ?", (name,)
                )

    def list_domains(
        self, *, limit: int, after: str | None = None
    ) -> list[DomainRecord]:
        """Return up to ``limit`` domains in name order, after the name given."""
        with self.snapshot() as connection:
            rows = connection.execute(
                "SELECT domain_name FROM domains WHERE domain_name > ? "
                "ORDER BY domain_name LIMIT ?",
                ("" if after is None else after, limit),
            ).fetchall()
            return [self._domain_row(connection, row[0]) for row in rows]

    def count_profiles(self, domain: str) -> int:
        """Return how many profiles a domain holds."""
        with self.snapshot() as connection:
            row = connection.execute(
                "SELECT COUNT(*) FROM profiles WHERE domain_name = ?", (domain,)
            ).fetchone()

        return int(row[0])
