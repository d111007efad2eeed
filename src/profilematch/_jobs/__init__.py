"""Identity resolution jobs: run one now, run the scheduled ones, read their history.

A job moves through the service's statuses::

    PENDING -> PREPROCESSING -> FIND_MATCHING -> [MERGING] -> COMPLETED
                                                          \\-> PARTIAL_SUCCESS
    (any stage) -> FAILED

PREPROCESSING loads the profiles' stored features, FIND_MATCHING runs the
matcher, MERGING (only with AutoMerging enabled) merges the groups the
consolidation rules allow. The match groups are then written as a new
generation in the same transaction that marks the job finished, so readers see
the whole generation or the previous one, never a part. A failed export after
that leaves the job PARTIAL_SUCCESS: the results stay readable.

While a job runs, its process holds a lease named after the job. A job found
unfinished without a live holder (its process was killed) is marked FAILED the
next time jobs are read.

One module per part: running one job (``_run``), its stages from loading the
features to the export (``_stages``), the state of a running job with its
stage timings and its end (``_state``), the report a finished job leaves
(``_report``), scheduled jobs (``_scheduled``), reading jobs (``_read``) and the
leases that tell a running job from an abandoned one (``_leases``). ``_base``
holds what they share: the progress callback, the final statuses, the domain's
Matching settings and the job in the service's shape.
"""

from __future__ import annotations

from profilematch._jobs._base import FINAL_STATUSES, Progress, to_job

# _HOST and _load_features stay reachable here for the tests that use them.
from profilematch._jobs._leases import _HOST as _HOST
from profilematch._jobs._leases import fail_abandoned_jobs
from profilematch._jobs._read import JobsPage, get_job, list_jobs
from profilematch._jobs._report import JobReport, get_report
from profilematch._jobs._run import run
from profilematch._jobs._scheduled import (
    discard_pending_jobs,
    next_job_time_of,
    run_due_jobs,
)
from profilematch._jobs._stages import _load_features as _load_features

__all__ = [
    "FINAL_STATUSES",
    "JobReport",
    "JobsPage",
    "Progress",
    "discard_pending_jobs",
    "fail_abandoned_jobs",
    "get_job",
    "get_report",
    "list_jobs",
    "next_job_time_of",
    "run",
    "run_due_jobs",
    "to_job",
]
