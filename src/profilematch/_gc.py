"""Pausing the cyclic garbage collector while the engine builds large inputs.

Loading and matching a million profiles makes tens of millions of small,
long-lived objects (features, tuples, lists of block members). Each full
collection of the cyclic collector walks every one of them, and such
collections start again and again while the objects pile up: most of the time
of loading features went there. None of these objects form cycles, so
reference counting frees them all the same.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


@contextlib.contextmanager
def collection_paused() -> Iterator[None]:
    """Disable the cyclic collector for a block, then restore its state.

    Objects that do form cycles meanwhile are collected once the collector runs
    again after the block. Nested blocks leave it disabled until the outermost
    one ends.

    Yields:
        Nothing; the block runs with the collector disabled.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
