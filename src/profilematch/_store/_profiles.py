"""Profiles with their features and search keys, read in pages by rowid."""

from __future__ import annotations

import functools
import json
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import datetime
from typing import Any

import attrs

from profilematch._errors import BadRequestException, ResourceNotFoundException
from profilematch._store._connection import (
    _dumps,
    _from_iso,
    _iso,
    bulk_cache,
    utc_now,
)
from profilematch._store._domains import _Domains

__all__ = ["ProfileRecord", "ProfileWrite"]


@attrs.frozen
class ProfileWrite:
    """A profile ready to be written.

    Attributes:
        profile_id: 32 lowercase hex characters.
        raw: the profile in the service's shape, without ProfileId.
        features_json: the canonical features (ProfileFeatures.to_json()), or None.
        keys: the search keys, ``(key_name, key_value)`` pairs.
        source_name: where the profile came from, or None.
    """

    profile_id: str
    raw: dict[str, Any]
    features_json: str | None
    keys: tuple[tuple[str, str], ...]
    source_name: str | None = None


@attrs.frozen
class ProfileRecord:
    """A stored profile.

    Attributes:
        profile_id: 32 lowercase hex characters.
        raw: the profile in the service's shape, without ProfileId.
        features_json: the canonical features, or None if not computed.
        source_name: where the profile came from, or None.
        created_at: when it was first written.
        updated_at: when it last changed.
        attribute_updated_at: for each top-level attribute (service name, with
            ``Attributes.<key>`` for custom attributes), when it last changed.
    """

    profile_id: str
    raw: dict[str, Any]
    features_json: str | None
    source_name: str | None
    created_at: datetime
    updated_at: datetime
    attribute_updated_at: dict[str, datetime]


class _Profiles(_Domains):
    """The profiles table and the search keys of each profile."""

    __slots__ = ()

    @staticmethod
    def _attribute_stamps(raw: Mapping[str, Any], stamp: str) -> dict[str, str]:
        return {name: stamp for name in _flat_attributes(raw)}

    @staticmethod
    def _insert_keys(
        connection: sqlite3.Connection, domain: str, writes: Iterable[ProfileWrite]
    ) -> None:
        connection.executemany(
            "INSERT INTO profile_keys (domain_name, key_name, key_value, profile_id) "
            "VALUES (?, ?, ?, ?)",
            (
                (domain, key_name, key_value, write.profile_id)
                for write in writes
                for key_name, key_value in write.keys
            ),
        )

    def insert_profiles(
        self,
        domain: str,
        writes: Sequence[ProfileWrite],
        *,
        now: datetime | None = None,
    ) -> None:
        """Insert profiles and their search keys in one transaction.

        Raises:
            ResourceNotFoundException: no such domain.
            BadRequestException: a profile id is already taken; nothing written.
        """
        with self.profile_writer(domain, now=now) as write:
            write(writes)

    @contextmanager
    def profile_writer(
        self, domain: str, *, now: datetime | None = None
    ) -> Iterator[Callable[[Sequence[ProfileWrite]], None]]:
        """Insert profiles batch by batch, all in one transaction.

        The block receives a function that inserts a batch of profiles with
        their search keys. Everything inserted is committed when the block
        ends, and nothing when it raises, so a caller can write batches while
        it still checks later ones.

        Args:
            domain: the domain.
            now: the creation time of every profile; the current time if None.

        Raises:
            ResourceNotFoundException: no such domain.
            BadRequestException: a profile id is already taken; nothing written.
        """
        stamp = _iso(now or utc_now())

        with self.atomic() as connection, bulk_cache(connection):
            self._domain_row(connection, domain)
            yield functools.partial(self._insert_batch, connection, domain, stamp)

    def _insert_batch(
        self,
        connection: sqlite3.Connection,
        domain: str,
        stamp: str,
        writes: Sequence[ProfileWrite],
    ) -> None:
        try:
            connection.executemany(
                "INSERT INTO profiles (domain_name, profile_id, raw_json, "
                "features_json, source_name, created_at, updated_at, "
                "attribute_updated_json) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    (
                        domain,
                        write.profile_id,
                        _dumps(write.raw),
                        write.features_json,
                        write.source_name,
                        stamp,
                        stamp,
                        _dumps(self._attribute_stamps(write.raw, stamp)),
                    )
                    for write in writes
                ),
            )
        except sqlite3.IntegrityError as error:
            raise BadRequestException(
                f"ProfileId: a profile id is already taken ({error}); let "
                "profilematch choose the ids",
                field="ProfileId",
                rule="unique",
            ) from None
        self._insert_keys(connection, domain, writes)

    def replace_profile(
        self, domain: str, write: ProfileWrite, *, now: datetime | None = None
    ) -> ProfileRecord:
        """Replace a stored profile's content, features and keys.

        Attributes whose value changed (or appeared) get ``now`` as their
        last-updated time; removed attributes leave the map. The source name is
        replaced only when the write names one.

        Raises:
            ResourceNotFoundException: no such domain or profile.
        """
        stamp = _iso(now or utc_now())

        with self.atomic() as connection:
            old = self._profile_row(connection, domain, write.profile_id)
            if old is None:
                raise self._missing_profile(connection, domain, write.profile_id)
            old_stamps = {
                name: _iso(moment) for name, moment in old.attribute_updated_at.items()
            }
            old_values = _flat_attributes(old.raw)
            stamps = {
                name: old_stamps.get(name, stamp)
                if old_values.get(name) == value
                else stamp
                for name, value in _flat_attributes(write.raw).items()
            }
            connection.execute(
                "UPDATE profiles SET raw_json = ?, features_json = ?, "
                "source_name = COALESCE(?, source_name), updated_at = ?, "
                "attribute_updated_json = ? WHERE domain_name = ? AND profile_id = ?",
                (
                    _dumps(write.raw),
                    write.features_json,
                    write.source_name,
                    stamp,
                    _dumps(stamps),
                    domain,
                    write.profile_id,
                ),
            )
            connection.execute(
                "DELETE FROM profile_keys WHERE domain_name = ? AND profile_id = ?",
                (domain, write.profile_id),
            )
            self._insert_keys(connection, domain, [write])
            record = self._profile_row(connection, domain, write.profile_id)
            assert record is not None
            return record

    def delete_profile(self, domain: str, profile_id: str) -> None:
        """Delete a profile and its search keys.

        Raises:
            ResourceNotFoundException: no such domain or profile.
        """
        with self.atomic() as connection:
            cursor = connection.execute(
                "DELETE FROM profiles WHERE domain_name = ? AND profile_id = ?",
                (domain, profile_id),
            )
            if cursor.rowcount == 0:
                raise self._missing_profile(connection, domain, profile_id)
            connection.execute(
                "DELETE FROM profile_keys WHERE domain_name = ? AND profile_id = ?",
                (domain, profile_id),
            )

    def _missing_profile(
        self, connection: sqlite3.Connection, domain: str, profile_id: str
    ) -> ResourceNotFoundException:
        self._domain_row(connection, domain)
        row = connection.execute(
            "SELECT merged_into FROM merged_profiles "
            "WHERE domain_name = ? AND profile_id = ?",
            (domain, profile_id),
        ).fetchone()
        if row is not None:
            return ResourceNotFoundException(
                f"profile {profile_id} was merged into profile {row[0]}; use "
                f"{row[0]} instead"
            )
        return ResourceNotFoundException(
            f"profile {profile_id} does not exist in domain {domain!r}; check the id"
        )

    @staticmethod
    def _profile_from_row(row: Sequence[Any]) -> ProfileRecord:
        return ProfileRecord(
            profile_id=row[0],
            raw=json.loads(row[1]),
            features_json=row[2],
            source_name=row[3],
            created_at=_from_iso(row[4]),
            updated_at=_from_iso(row[5]),
            attribute_updated_at={
                name: _from_iso(text) for name, text in json.loads(row[6]).items()
            },
        )

    _PROFILE_COLUMNS = (
        "profile_id, raw_json, features_json, source_name, created_at, updated_at, "
        "attribute_updated_json"
    )

    def _profile_row(
        self, connection: sqlite3.Connection, domain: str, profile_id: str
    ) -> ProfileRecord | None:
        row = connection.execute(
            f"SELECT {self._PROFILE_COLUMNS} FROM profiles "
            "WHERE domain_name = ? AND profile_id = ?",
            (domain, profile_id),
        ).fetchone()

        return None if row is None else self._profile_from_row(row)

    def get_profile(self, domain: str, profile_id: str) -> ProfileRecord:
        """Return one profile.

        Raises:
            ResourceNotFoundException: no such domain or profile; a merged
                profile's message names the profile it was merged into.
        """
        with self.snapshot() as connection:
            record = self._profile_row(connection, domain, profile_id)
            if record is None:
                raise self._missing_profile(connection, domain, profile_id)

        return record

    def get_profiles(
        self, domain: str, profile_ids: Sequence[str]
    ) -> dict[str, ProfileRecord]:
        """Return the stored profiles among ``profile_ids`` by id, skipping absent ones.

        Raises:
            ResourceNotFoundException: no such domain.
        """
        found: dict[str, ProfileRecord] = {}

        with self.snapshot() as connection:
            self._domain_row(connection, domain)
            for profile_id in dict.fromkeys(profile_ids):
                record = self._profile_row(connection, domain, profile_id)
                if record is not None:
                    found[profile_id] = record

        return found

    def missing_profile_message(self, domain: str, profile_id: str) -> str:
        """Say why a profile cannot be found (absent, or merged into another)."""
        with self.snapshot() as connection:
            return self._missing_profile(connection, domain, profile_id).message

    def _pages(self, domain: str, columns: str, batch_size: int) -> Iterator[list[Any]]:
        """Yield a domain's profile rows in ingest order, a batch per read.

        Each row is ``(rowid, *columns)``. The read walks the table by rowid
        ("+domain_name" keeps SQLite off the (domain, id) index, through which
        every page would scan and sort all the domain's remaining rows).
        Updates keep a profile's place, so no profile comes twice; one stored
        while the pages are read may come or not.
        """
        last_rowid = 0

        while True:
            with self.snapshot() as connection:
                rows = connection.execute(
                    f"SELECT rowid, {columns} FROM profiles "
                    "WHERE +domain_name = ? AND rowid > ? ORDER BY rowid LIMIT ?",
                    (domain, last_rowid, batch_size),
                ).fetchall()
            if not rows:
                return
            yield rows
            last_rowid = rows[-1][0]

    def iter_profiles(
        self, domain: str, *, batch_size: int = 1000
    ) -> Iterator[ProfileRecord]:
        """Yield every profile of a domain in ingest order, a batch per read."""
        for rows in self._pages(domain, self._PROFILE_COLUMNS, batch_size):
            for row in rows:
                yield self._profile_from_row(row[1:])

    def profile_features(
        self, domain: str, *, batch_size: int = 10_000
    ) -> Iterator[list[tuple[str, str | None]]]:
        """Yield ``(profile_id, features_json)`` of every profile, in ingest order.

        A batch per read, so the caller may write to the store between batches
        (a job renews its lease meanwhile).
        """
        for rows in self._pages(domain, "profile_id, features_json", batch_size):
            yield [(row[1], row[2]) for row in rows]

    def search_profile_ids(
        self,
        domain: str,
        clauses: Sequence[tuple[str, Sequence[str]]],
        *,
        logical_operator: str,
        limit: int,
        after: str | None = None,
    ) -> list[str]:
        """Return profile ids matching search clauses, in id order.

        Args:
            domain: the domain.
            clauses: ``(key_name, values)`` pairs; a clause holds when the
                profile has the key with any of the values (already normalized).
            logical_operator: ``"AND"`` (every clause) or ``"OR"`` (any).
            limit: the most ids to return.
            after: return ids greater than this one.

        Raises:
            ResourceNotFoundException: no such domain.
        """
        selects: list[str] = []
        params: list[Any] = []
        for key_name, values in clauses:
            marks = ", ".join("?" for _ in values)
            selects.append(
                "SELECT profile_id FROM profile_keys WHERE domain_name = ? "
                f"AND key_name = ? AND key_value IN ({marks})"
            )
            params.extend([domain, key_name, *values])
        joiner = " INTERSECT " if logical_operator == "AND" else " UNION "
        query = (
            f"SELECT DISTINCT profile_id FROM ({joiner.join(selects)}) "
            "WHERE profile_id > ? ORDER BY profile_id LIMIT ?"
        )

        with self.snapshot() as connection:
            self._domain_row(connection, domain)
            rows = connection.execute(
                query, (*params, "" if after is None else after, limit)
            ).fetchall()

        return [row[0] for row in rows]

    def count_key_holders(self, domain: str, key_name: str, key_value: str) -> int:
        """Return how many profiles hold one search key (an indexed lookup).

        Args:
            domain: the domain.
            key_name: the key's name, such as ``_phone``.
            key_value: the stored key value, as written at ingest.
        """
        with self.snapshot() as connection:
            row = connection.execute(
                "SELECT COUNT(DISTINCT profile_id) FROM profile_keys "
                "WHERE domain_name = ? AND key_name = ? AND key_value = ?",
                (domain, key_name, key_value),
            ).fetchone()

        return int(row[0])

    def features_containing(
        self, domain: str, texts: Sequence[str]
    ) -> list[tuple[str, str | None, dict[str, Any] | None]]:
        """Return the profiles whose features JSON contains any of the texts.

        One pass over the domain's profiles in SQL; only the rows that hold a
        text come back, so the caller parses a few features, not all. A
        profile stored without features comes back too, with its raw profile,
        since what its features would hold is not known here.

        Args:
            domain: the domain.
            texts: substrings of the features JSON; a row holding one matches.

        Returns:
            ``(profile_id, features_json, raw)`` per row; ``raw`` (the profile
            in the service's shape) only when ``features_json`` is None.
        """
        if not texts:
            return []

        contains = " OR ".join("instr(features_json, ?) > 0" for _ in texts)
        with self.snapshot() as connection:
            rows = connection.execute(
                "SELECT profile_id, features_json, "
                "CASE WHEN features_json IS NULL THEN raw_json END FROM profiles "
                f"WHERE domain_name = ? AND (features_json IS NULL OR {contains})",
                (domain, *texts),
            ).fetchall()

        return [
            (row[0], row[1], None if row[2] is None else json.loads(row[2]))
            for row in rows
        ]


def _flat_attributes(raw: Mapping[str, Any]) -> dict[str, Any]:
    flat = {name: value for name, value in raw.items() if name != "Attributes"}
    for key, value in (raw.get("Attributes") or {}).items():
        flat[f"Attributes.{key}"] = value
    return flat
