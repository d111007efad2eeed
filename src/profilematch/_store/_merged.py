"""Merged profiles' tombstones, the times merged values keep, profile history."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from profilematch._store._connection import _dumps, _from_iso, _iso, utc_now
from profilematch._store._profiles import _Profiles


class _Merged(_Profiles):
    """What merging leaves in the store besides the merged profile itself."""

    __slots__ = ()

    def mark_merged(
        self,
        domain: str,
        profile_id: str,
        merged_into: str,
        *,
        now: datetime | None = None,
    ) -> None:
        """Delete a profile and leave a tombstone pointing at the profile it joined.

        Raises:
            ResourceNotFoundException: no such domain or profile.
        """
        with self.atomic() as connection:
            self.delete_profile(domain, profile_id)
            connection.execute(
                "INSERT OR REPLACE INTO merged_profiles (domain_name, profile_id, "
                "merged_into, merged_at) VALUES (?, ?, ?, ?)",
                (domain, profile_id, merged_into, _iso(now or utc_now())),
            )

    def merged_into(self, domain: str, profile_id: str) -> str | None:
        """Return the profile a merged profile went into, or None."""
        with self.snapshot() as connection:
            row = connection.execute(
                "SELECT merged_into FROM merged_profiles "
                "WHERE domain_name = ? AND profile_id = ?",
                (domain, profile_id),
            ).fetchone()

        return None if row is None else str(row[0])

    def add_history(
        self,
        domain: str,
        profile_id: str,
        event: Mapping[str, Any],
        *,
        now: datetime | None = None,
    ) -> None:
        """Append an event (any JSON object) to a profile's history."""
        with self.atomic() as connection:
            connection.execute(
                "INSERT INTO profile_history (domain_name, profile_id, event_json, at) "
                "VALUES (?, ?, ?, ?)",
                (domain, profile_id, _dumps(dict(event)), _iso(now or utc_now())),
            )

    def history(
        self, domain: str, profile_id: str
    ) -> list[tuple[dict[str, Any], datetime]]:
        """Return a profile's history events, oldest first, with their times."""
        with self.snapshot() as connection:
            rows = connection.execute(
                "SELECT event_json, at FROM profile_history "
                "WHERE domain_name = ? AND profile_id = ? ORDER BY event_id",
                (domain, profile_id),
            ).fetchall()

        return [(json.loads(row[0]), _from_iso(row[1])) for row in rows]

    def set_attribute_updated_at(
        self, domain: str, profile_id: str, stamps: Mapping[str, Any]
    ) -> None:
        """Replace a profile's per-attribute last-updated times.

        A merged profile keeps the time each value had in the profile it came
        from, so a later merge by recency still compares the values' own ages.

        Args:
            domain: the domain.
            profile_id: the profile.
            stamps: attribute name to a datetime or an ISO 8601 string.

        Raises:
            ResourceNotFoundException: no such domain or profile.
        """
        encoded = {
            name: _iso(value) if isinstance(value, datetime) else str(value)
            for name, value in stamps.items()
        }

        with self.atomic() as connection:
            cursor = connection.execute(
                "UPDATE profiles SET attribute_updated_json = ? "
                "WHERE domain_name = ? AND profile_id = ?",
                (_dumps(encoded), domain, profile_id),
            )
            if cursor.rowcount == 0:
                raise self._missing_profile(connection, domain, profile_id)

    def repoint_merged(self, domain: str, old_target: str, new_target: str) -> int:
        """Point tombstones that lead to a profile now merged at its new home.

        Returns:
            How many tombstones were changed.
        """
        with self.atomic() as connection:
            cursor = connection.execute(
                "UPDATE merged_profiles SET merged_into = ? "
                "WHERE domain_name = ? AND merged_into = ?",
                (new_target, domain, old_target),
            )

        return cursor.rowcount
