"""Generations of match results: written whole, then made the latest.

``write_generation`` inserts a whole generation and flips the domain's latest
pointer in one transaction, keeps the previous generation for readers still
paging, and drops older ones, so a reader never sees half a generation.
"""

from __future__ import annotations

import json
import logging
import sqlite3
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Protocol

import attrs

from profilematch._store._connection import _dumps, _from_iso, _iso, utc_now
from profilematch._store._domains import _Domains

__all__ = ["GenerationRecord", "MatchGroup", "MatchRecord"]

logger = logging.getLogger(__name__)


@attrs.frozen
class GenerationRecord:
    """One stored generation of match results."""

    generation_id: int
    domain_name: str
    job_id: str | None
    created_at: datetime
    potential_matches: int


@attrs.frozen
class MatchRecord:
    """One stored match group, at its rank in its generation."""

    rank: int
    match_id: str
    profile_ids: tuple[str, ...]
    confidence_score: float


class MatchGroup(Protocol):
    """Anything with the three fields of a MatchItem."""

    @property
    def match_id(self) -> str: ...

    @property
    def profile_ids(self) -> Sequence[str]: ...

    @property
    def confidence_score(self) -> float: ...


class _Generations(_Domains):
    """The generations and matches tables, and each domain's latest pointer."""

    __slots__ = ()

    def write_generation(
        self,
        domain: str,
        job_id: str | None,
        groups: Iterable[MatchGroup],
        *,
        now: datetime | None = None,
    ) -> int:
        """Store match groups as a new generation and make it the latest.

        Groups are ranked by confidence score descending, then match id. The
        previous generation is kept so readers paging through it can finish;
        older ones are dropped.

        Args:
            domain: the domain.
            job_id: the job that produced the groups, or None.
            groups: MatchItems, or anything with match_id, profile_ids and
                confidence_score.
            now: the generation's date (default: now).

        Returns:
            The new generation id.

        Raises:
            ResourceNotFoundException: no such domain.
        """
        ranked = sorted(
            (
                (
                    float(group.confidence_score),
                    str(group.match_id),
                    tuple(group.profile_ids),
                )
                for group in groups
            ),
            key=lambda item: (-item[0], item[1]),
        )

        with self.atomic() as connection:
            previous = self._domain_row(connection, domain).latest_generation_id
            cursor = connection.execute(
                "INSERT INTO generations (domain_name, job_id, created_at, "
                "potential_matches) VALUES (?, ?, ?, ?)",
                (domain, job_id, _iso(now or utc_now()), len(ranked)),
            )
            generation_id = cursor.lastrowid
            assert generation_id is not None
            connection.executemany(
                "INSERT INTO matches (generation_id, rank, domain_name, match_id, "
                "profile_ids_json, confidence_score) VALUES (?, ?, ?, ?, ?, ?)",
                (
                    (generation_id, rank, domain, match_id, _dumps(list(ids)), score)
                    for rank, (score, match_id, ids) in enumerate(ranked)
                ),
            )
            connection.execute(
                "UPDATE domains SET latest_generation_id = ? WHERE domain_name = ?",
                (generation_id, domain),
            )
            keep = (generation_id, -1 if previous is None else previous)
            for table in ("matches", "generations"):
                connection.execute(
                    f"DELETE FROM {table} WHERE domain_name = ? "
                    "AND generation_id NOT IN (?, ?)",
                    (domain, *keep),
                )

        logger.debug(
            "domain %s: generation %d with %d match groups",
            domain,
            generation_id,
            len(ranked),
        )
        return generation_id

    def latest_generation(self, domain: str) -> GenerationRecord | None:
        """Return the domain's latest generation, or None before the first job.

        Raises:
            ResourceNotFoundException: no such domain.
        """
        with self.snapshot() as connection:
            latest = self._domain_row(connection, domain).latest_generation_id
            return None if latest is None else self._generation_row(connection, latest)

    def get_generation(
        self, domain: str, generation_id: int
    ) -> GenerationRecord | None:
        """Return a generation of a domain, or None if it was dropped."""
        with self.snapshot() as connection:
            record = self._generation_row(connection, generation_id)

        return None if record is None or record.domain_name != domain else record

    @staticmethod
    def _generation_row(
        connection: sqlite3.Connection, generation_id: int
    ) -> GenerationRecord | None:
        row = connection.execute(
            "SELECT generation_id, domain_name, job_id, created_at, potential_matches "
            "FROM generations WHERE generation_id = ?",
            (generation_id,),
        ).fetchone()
        if row is None:
            return None

        return GenerationRecord(
            generation_id=row[0],
            domain_name=row[1],
            job_id=row[2],
            created_at=_from_iso(row[3]),
            potential_matches=row[4],
        )

    def read_matches(
        self, generation_id: int, *, offset: int, limit: int
    ) -> list[MatchRecord]:
        """Return up to ``limit`` match groups of a generation from a rank on."""
        with self.snapshot() as connection:
            rows = connection.execute(
                "SELECT rank, match_id, profile_ids_json, confidence_score "
                "FROM matches WHERE generation_id = ? AND rank >= ? "
                "ORDER BY rank LIMIT ?",
                (generation_id, offset, limit),
            ).fetchall()

        return [
            MatchRecord(
                rank=row[0],
                match_id=row[1],
                profile_ids=tuple(json.loads(row[2])),
                confidence_score=row[3],
            )
            for row in rows
        ]
