"""A job while it runs: its state, the stages it enters, their timings, its end.

``_Run`` holds what every stage needs (the store, the job, the lease owner, the
clock and the caller's progress callback), records each stage the job enters
and keeps the job's lease alive meanwhile. ``_timed`` logs a stage's counts and
seconds at INFO, and ``_end`` records the job's final status and message.
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any

import attrs

from profilematch._jobs._base import Progress
from profilematch._jobs._leases import (
    _RENEW_EVERY_SECONDS,
    _RUN_LEASE_SECONDS,
    _job_lease,
)
from profilematch._store import JobRecord, Store

logger = logging.getLogger(__name__)

_MAX_MESSAGE = 2048


def _clip(message: str) -> str:
    """Fit a message into the service's 2048 characters."""
    if len(message) <= _MAX_MESSAGE:
        return message

    return message[: _MAX_MESSAGE - 1] + "…"


@attrs.define
class _Run:
    """The state of one job while it runs: its store, lease and clock."""

    store: Store
    domain: str
    job_id: str
    owner: str
    clock: Callable[[], datetime]
    progress: Progress | None
    status: str = "PENDING"
    renewed_at: float = 0.0

    def renew(self) -> None:
        """Keep the job's lease alive, at most once a minute."""
        if time.monotonic() - self.renewed_at < _RENEW_EVERY_SECONDS:
            return

        self.store.acquire_lease(
            _job_lease(self.domain, self.job_id),
            self.owner,
            ttl_seconds=_RUN_LEASE_SECONDS,
        )
        self.renewed_at = time.monotonic()

    def enter(self, status: str) -> None:
        """Record that the job entered a stage."""
        self.store.update_job(
            self.domain, self.job_id, status=status, last_updated_at=self.clock()
        )
        self.status = status
        self.renewed_at = 0.0
        self.renew()
        logger.debug("domain %s job %s: %s", self.domain, self.job_id, status)

    def report(self, stage: str, done: int, total: int) -> None:
        """Pass progress on to the caller's callback and keep the lease alive."""
        self.renew()
        if self.progress is not None:
            self.progress(stage, done, total)


@contextlib.contextmanager
def _timed(domain: str, job_id: str, stage: str) -> Iterator[dict[str, int]]:
    """Log a stage's counts and seconds at INFO once it ends."""
    counts: dict[str, int] = {}
    started = time.perf_counter()

    yield counts

    logger.info(
        "domain %s job %s: %s done in %.2f s (%s)",
        domain,
        job_id,
        stage,
        time.perf_counter() - started,
        ", ".join(f"{name} {value}" for name, value in counts.items()) or "-",
    )


def _end(state: _Run, status: str, message: str | None, **changes: Any) -> JobRecord:
    """Record a job's final status, message and end time."""
    moment = state.clock()

    return state.store.update_job(
        state.domain,
        state.job_id,
        status=status,
        message=None if message is None else _clip(message),
        job_end_time=moment,
        last_updated_at=moment,
        **changes,
    )
