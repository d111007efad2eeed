"""Running a function over chunks of work in forked worker processes.

The engine's heavy stages (normalizing profiles at ingest, comparing candidate
pairs) are pure Python and bound by one core each. Their inputs are large and
already in memory, so workers are forked: a child sees the parent's data
without pickling it, and only each chunk's bounds and result cross the pipe.
Where fork is missing (Windows, macOS by default in some setups) the work runs
in this process.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterator, Sequence
from typing import Any, TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")

# The function of the running map, inherited by the forked workers.
_FUNCTION: list[Callable[[Any], Any]] = []


def can_fork() -> bool:
    """Whether this platform starts worker processes by fork."""
    return "fork" in multiprocessing.get_all_start_methods()


def worker_count(requested: int | None, size: int, *, parallel_from: int) -> int:
    """The number of processes for a piece of work of a given size.

    Args:
        requested: The caller's choice; None decides from the size.
        size: How much work there is (profiles, candidate pairs).
        parallel_from: Below this size one process is faster than forking.

    Returns:
        ``requested`` when given; else every core for large work on a platform
        that forks, and 1 otherwise.
    """
    if requested is not None:
        return requested
    if size < parallel_from or not can_fork():
        return 1
    return os.cpu_count() or 1


def _call(item: Any) -> Any:
    return _FUNCTION[0](item)


def ordered_map(
    function: Callable[[Item], Result],
    items: Sequence[Item],
    workers: int,
    *,
    fresh: bool = False,
) -> Iterator[Result]:
    """Apply a function to each item, in worker processes when asked for.

    Args:
        function: Called once per item; in a worker it sees the memory of this
            process as it was when the worker was forked.
        items: The chunks of work (small: their bounds, say), sent to workers.
        workers: Processes to use; 1 (or a platform without fork) runs here.
        fresh: Fork a new worker for every item. A worker shares its parent's
            memory until it writes to it, and merely reading a Python object
            writes its reference count: a long-lived worker ends up with a
            private copy of all it ever read, a fresh one of what one item
            reads.

    Yields:
        The results in the order of the items.
    """
    if workers <= 1 or len(items) <= 1 or not can_fork():
        yield from map(function, items)
        return

    _FUNCTION[:] = [function]
    try:
        context = multiprocessing.get_context("fork")
        processes = min(workers, len(items))
        with context.Pool(processes, maxtasksperchild=1 if fresh else None) as pool:
            yield from pool.imap(_call, items)
    finally:
        _FUNCTION.clear()
