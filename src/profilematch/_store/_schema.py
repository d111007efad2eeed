"""The store's schema as named, ordered migrations, and the meta table.

Each migration runs once, in one transaction with its record in
``schema_migrations``, so a store opened by a newer version catches up with
the migrations it lacks. The meta table holds store-wide values, among them
the secret that signs page tokens.
"""

from __future__ import annotations

import logging
import secrets

import attrs

from profilematch._store._connection import _Connections, _iso, utc_now

__all__ = ["MIGRATIONS", "Migration"]

logger = logging.getLogger(__name__)

_TOKEN_SECRET_KEY = "token_secret"


@attrs.frozen
class Migration:
    """One named schema change; its statements run in one transaction."""

    name: str
    statements: tuple[str, ...]


MIGRATIONS: tuple[Migration, ...] = (
    Migration(
        "0001_initial",
        (
            """CREATE TABLE meta (
                key TEXT PRIMARY KEY,
                value TEXT NOT NULL
            )""",
            """CREATE TABLE domains (
                domain_name TEXT PRIMARY KEY,
                config_json TEXT NOT NULL,
                created_at TEXT NOT NULL,
                last_updated_at TEXT NOT NULL,
                latest_generation_id INTEGER
            )""",
            # A rowid table so profiles list in ingest order.
            """CREATE TABLE profiles (
                domain_name TEXT NOT NULL,
                profile_id TEXT NOT NULL,
                raw_json TEXT NOT NULL,
                features_json TEXT,
                source_name TEXT,
                created_at TEXT NOT NULL,
                updated_at TEXT NOT NULL,
                attribute_updated_json TEXT NOT NULL,
                UNIQUE (domain_name, profile_id)
            )""",
            """CREATE TABLE profile_keys (
                domain_name TEXT NOT NULL,
                key_name TEXT NOT NULL,
                key_value TEXT NOT NULL,
                profile_id TEXT NOT NULL
            )""",
            """CREATE INDEX profile_keys_lookup
                ON profile_keys (domain_name, key_name, key_value)""",
            """CREATE INDEX profile_keys_owner
                ON profile_keys (domain_name, profile_id)""",
            """CREATE TABLE merged_profiles (
                domain_name TEXT NOT NULL,
                profile_id TEXT NOT NULL,
                merged_into TEXT NOT NULL,
                merged_at TEXT NOT NULL,
                PRIMARY KEY (domain_name, profile_id)
            )""",
            """CREATE TABLE profile_history (
                event_id INTEGER PRIMARY KEY AUTOINCREMENT,
                domain_name TEXT NOT NULL,
                profile_id TEXT NOT NULL,
                event_json TEXT NOT NULL,
                at TEXT NOT NULL
            )""",
            """CREATE INDEX profile_history_owner
                ON profile_history (domain_name, profile_id)""",
            """CREATE TABLE jobs (
                domain_name TEXT NOT NULL,
                job_id TEXT NOT NULL,
                status TEXT NOT NULL,
                job_start_time TEXT,
                job_end_time TEXT,
                last_updated_at TEXT,
                job_expiration_time TEXT,
                stats_json TEXT,
                message TEXT,
                model_json TEXT,
                exporting_location_json TEXT,
                auto_merging_json TEXT,
                PRIMARY KEY (domain_name, job_id)
            )""",
            """CREATE INDEX jobs_newest
                ON jobs (domain_name, job_start_time DESC, job_id DESC)""",
            # AUTOINCREMENT: a generation id is never reused, even after its
            # domain is deleted and made again, so an old token cannot point
            # into new results.
            """CREATE TABLE generations (
                generation_id INTEGER PRIMARY KEY AUTOINCREMENT,
                domain_name TEXT NOT NULL,
                job_id TEXT,
                created_at TEXT NOT NULL,
                potential_matches INTEGER NOT NULL
            )""",
            """CREATE INDEX generations_domain
                ON generations (domain_name, generation_id)""",
            """CREATE TABLE matches (
                generation_id INTEGER NOT NULL,
                rank INTEGER NOT NULL,
                domain_name TEXT NOT NULL,
                match_id TEXT NOT NULL,
                profile_ids_json TEXT NOT NULL,
                confidence_score REAL NOT NULL,
                PRIMARY KEY (generation_id, rank)
            )""",
            """CREATE TABLE leases (
                name TEXT PRIMARY KEY,
                owner TEXT NOT NULL,
                expires_at TEXT NOT NULL
            )""",
        ),
    ),
    Migration(
        "0002_job_reports",
        ("ALTER TABLE jobs ADD COLUMN report_json TEXT",),
    ),
)


class _Schema(_Connections):
    """Migrating the schema, and the meta values kept beside it."""

    __slots__ = ()

    def _migrate(self) -> None:
        with self.atomic() as connection:
            connection.execute(
                "CREATE TABLE IF NOT EXISTS schema_migrations ("
                "name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)"
            )
            applied = {
                row[0]
                for row in connection.execute("SELECT name FROM schema_migrations")
            }
            for migration in MIGRATIONS:
                if migration.name in applied:
                    continue
                for statement in migration.statements:
                    connection.execute(statement)
                connection.execute(
                    "INSERT INTO schema_migrations (name, applied_at) VALUES (?, ?)",
                    (migration.name, _iso(utc_now())),
                )
                logger.debug("applied migration %s to %s", migration.name, self.path)

    def applied_migrations(self) -> list[str]:
        """Return the names of the applied migrations, in the order applied."""
        with self.snapshot() as connection:
            rows = connection.execute(
                "SELECT name FROM schema_migrations ORDER BY rowid"
            ).fetchall()

        return [row[0] for row in rows]

    # -- meta and the token secret ----------------------------------------

    def get_meta(self, key: str) -> str | None:
        """Return a stored meta value, or None."""
        with self.snapshot() as connection:
            row = connection.execute(
                "SELECT value FROM meta WHERE key = ?", (key,)
            ).fetchone()

        return None if row is None else str(row[0])

    def set_meta(self, key: str, value: str) -> None:
        """Store a meta value, replacing any earlier one."""
        with self.atomic() as connection:
            connection.execute(
                "INSERT INTO meta (key, value) VALUES (?, ?) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (key, value),
            )

    def token_secret(self) -> bytes:
        """Return the secret that signs page tokens, creating it on first use."""
        if self._secret is not None:
            return self._secret

        with self.atomic() as connection:
            connection.execute(
                "INSERT OR IGNORE INTO meta (key, value) VALUES (?, ?)",
                (_TOKEN_SECRET_KEY, secrets.token_hex(32)),
            )
            row = connection.execute(
                "SELECT value FROM meta WHERE key = ?", (_TOKEN_SECRET_KEY,)
            ).fetchone()
        self._secret = bytes.fromhex(row[0])

        return self._secret
