"""How the store talks to SQLite: connections, transactions, errors and leases.

A file store opens one connection per thread, with WAL and a busy timeout; an
in-memory store has one connection shared by every thread behind a lock.
``atomic()`` is the one way to write (a ``BEGIN IMMEDIATE`` transaction, or a
savepoint when nested) and ``snapshot()`` the way to read one consistent view.
SQLite's failures come out as the library's exceptions. Leases are named locks
that hold across processes until they expire.

Timestamps are stored as ISO 8601 text in UTC with microseconds (so text order
is time order) and returned as aware datetimes; JSON is stored compact with
sorted keys.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from typing import Any

import attrs

from profilematch._errors import InternalServerException, ThrottlingException

__all__ = ["utc_now"]

_BUSY_TIMEOUT_SECONDS = 5.0
# Page cache of a bulk write, in KiB (SQLite's default is 2 MiB). Inserting
# profiles updates indexes keyed by random ids and values, so each batch
# touches pages all over a large file; with the default cache the
# transaction spills and re-reads them, and a batch takes twice as long once
# the store holds a few hundred thousand profiles.
_BULK_CACHE_KIB = 65_536


def utc_now() -> datetime:
    """Return the current time as an aware UTC datetime."""
    return datetime.now(timezone.utc)


def _iso(moment: datetime) -> str:
    if moment.tzinfo is None:
        raise ValueError(f"timestamp must be timezone-aware, got {moment!r}")
    return moment.astimezone(timezone.utc).isoformat(timespec="microseconds")


def _iso_or_none(moment: datetime | None) -> str | None:
    return None if moment is None else _iso(moment)


def _from_iso(text: str) -> datetime:
    return datetime.fromisoformat(text)


def _from_iso_or_none(text: str | None) -> datetime | None:
    return None if text is None else _from_iso(text)


def _dumps(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), sort_keys=True, default=str)


def _loads_or_none(text: str | None) -> Any:
    return None if text is None else json.loads(text)


@contextmanager
def bulk_cache(connection: sqlite3.Connection) -> Iterator[None]:
    """A larger page cache for the duration of a bulk write, then the old one."""
    (previous,) = connection.execute("PRAGMA cache_size").fetchone()
    connection.execute(f"PRAGMA cache_size = -{_BULK_CACHE_KIB}")
    try:
        yield
    finally:
        connection.execute(f"PRAGMA cache_size = {int(previous)}")


def _is_locked(error: sqlite3.Error) -> bool:
    text = str(error).lower()
    return "locked" in text or "busy" in text


@contextmanager
def _translated_errors() -> Iterator[None]:
    try:
        yield
    except sqlite3.OperationalError as error:
        if _is_locked(error):
            raise ThrottlingException(
                "the store is busy with another writer (database is locked); "
                "retry in a moment"
            ) from error
        raise InternalServerException(f"the store failed: {error}") from error
    except sqlite3.Error as error:
        raise InternalServerException(f"the store failed: {error}") from error


class _Handle:
    """A connection with its lock and transaction depth."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self.connection = connection
        self.lock = threading.RLock()
        self.depth = 0
        self.reading = False


@attrs.define
class _Connections:
    """The connections of a store and the transactions run on them.

    Args:
        path: a database file; None or ``":memory:"`` for a private in-memory
            store.
        busy_timeout: seconds to wait for another writer before giving up with
            ThrottlingException.
    """

    path: str | None = None
    busy_timeout: float = _BUSY_TIMEOUT_SECONDS
    _shared: _Handle | None = attrs.field(default=None, init=False)
    _local: threading.local = attrs.field(factory=threading.local, init=False)
    _handles: list[_Handle] = attrs.field(factory=list, init=False)
    _handles_lock: threading.Lock = attrs.field(factory=threading.Lock, init=False)
    _closed: bool = attrs.field(default=False, init=False)
    _secret: bytes | None = attrs.field(default=None, init=False)

    @property
    def in_memory(self) -> bool:
        """True when the store lives in memory and dies with the process."""
        return self._shared is not None

    def _connect(self, target: str) -> sqlite3.Connection:
        with _translated_errors():
            connection = sqlite3.connect(
                target,
                timeout=self.busy_timeout,
                isolation_level=None,
                check_same_thread=False,
            )
            connection.execute("PRAGMA foreign_keys = ON")
            if target != ":memory:":
                connection.execute("PRAGMA journal_mode = WAL")
                connection.execute("PRAGMA synchronous = NORMAL")

        return connection

    def _handle(self) -> _Handle:
        if self._closed:
            raise InternalServerException("the store is closed; open a new Client")
        if self._shared is not None:
            return self._shared

        handle: _Handle | None = getattr(self._local, "handle", None)
        if handle is None:
            assert self.path is not None
            handle = _Handle(self._connect(self.path))
            self._local.handle = handle
            with self._handles_lock:
                self._handles.append(handle)

        return handle

    @contextmanager
    def atomic(self) -> Iterator[sqlite3.Connection]:
        """Run a block in one transaction, or a savepoint when nested.

        The outermost block takes the write lock at once (BEGIN IMMEDIATE), so
        two writers never deadlock upgrading a read lock.

        Yields:
            The connection to run statements on.

        Raises:
            ThrottlingException: another process held the write lock too long.
            InternalServerException: SQLite failed, or the block was opened
                inside ``snapshot()``; nothing was written.
        """
        handle = self._handle()

        with handle.lock:
            if handle.reading:
                # A read transaction cannot safely become a write transaction
                # once another process has committed since it began.
                raise InternalServerException(
                    "a write was started inside a read-only snapshot; open "
                    "atomic() outside snapshot() instead"
                )
            connection = handle.connection
            savepoint = f"sp_{handle.depth}"
            with _translated_errors():
                if handle.depth == 0:
                    connection.execute("BEGIN IMMEDIATE")
                else:
                    connection.execute(f"SAVEPOINT {savepoint}")
            handle.depth += 1
            try:
                with _translated_errors():
                    yield connection
            except BaseException:
                handle.depth -= 1
                if handle.depth == 0:
                    connection.execute("ROLLBACK")
                else:
                    connection.execute(f"ROLLBACK TO {savepoint}")
                    connection.execute(f"RELEASE {savepoint}")
                raise
            handle.depth -= 1
            with _translated_errors():
                if handle.depth == 0:
                    connection.execute("COMMIT")
                else:
                    connection.execute(f"RELEASE {savepoint}")

    @contextmanager
    def snapshot(self) -> Iterator[sqlite3.Connection]:
        """Run reads against one consistent view of the store.

        Inside ``atomic()`` this is the open transaction itself.

        Yields:
            The connection to run statements on.
        """
        handle = self._handle()

        with handle.lock:
            connection = handle.connection
            if handle.depth > 0:
                with _translated_errors():
                    yield connection
                return
            with _translated_errors():
                connection.execute("BEGIN")
            handle.depth += 1
            handle.reading = True
            try:
                with _translated_errors():
                    yield connection
            finally:
                handle.depth -= 1
                handle.reading = False
                connection.execute("COMMIT")

    def close(self) -> None:
        """Close every connection; the store cannot be used afterwards."""
        if self._closed:
            return
        self._closed = True

        if self._shared is not None:
            with self._shared.lock:
                self._shared.connection.close()
        with self._handles_lock:
            for handle in self._handles:
                handle.connection.close()
            self._handles.clear()


class _Leases(_Connections):
    """Named leases: locks that hold across processes until they expire."""

    __slots__ = ()

    def acquire_lease(
        self,
        name: str,
        owner: str,
        *,
        ttl_seconds: float,
        now: datetime | None = None,
    ) -> bool:
        """Take a named lease unless another owner holds an unexpired one.

        The conditional upsert runs inside BEGIN IMMEDIATE, so of two processes
        racing for the same lease exactly one wins. The holder may renew it.

        Args:
            name: what the lease guards, such as ``"job:retail:2026-12-05T00:00"``.
            owner: who asks (unique per process and attempt).
            ttl_seconds: how long the lease holds unless renewed or released.
            now: the current time (default: now).

        Returns:
            True when ``owner`` now holds the lease.
        """
        moment = now or utc_now()
        expires = datetime.fromtimestamp(moment.timestamp() + ttl_seconds, timezone.utc)

        with self.atomic() as connection:
            connection.execute(
                "INSERT INTO leases (name, owner, expires_at) VALUES (?, ?, ?) "
                "ON CONFLICT (name) DO UPDATE SET owner = excluded.owner, "
                "expires_at = excluded.expires_at "
                "WHERE leases.expires_at <= ? OR leases.owner = excluded.owner",
                (name, owner, _iso(expires), _iso(moment)),
            )
            row = connection.execute(
                "SELECT owner FROM leases WHERE name = ?", (name,)
            ).fetchone()

        return bool(row is not None and row[0] == owner)

    def release_lease(self, name: str, owner: str) -> None:
        """Give up a lease, if ``owner`` holds it."""
        with self.atomic() as connection:
            connection.execute(
                "DELETE FROM leases WHERE name = ? AND owner = ?", (name, owner)
            )

    def lease_owner(self, name: str, *, now: datetime | None = None) -> str | None:
        """Return who holds an unexpired lease, or None when nobody does."""
        with self.snapshot() as connection:
            row = connection.execute(
                "SELECT owner FROM leases WHERE name = ? AND expires_at > ?",
                (name, _iso(now or utc_now())),
            ).fetchone()

        return None if row is None else str(row[0])
