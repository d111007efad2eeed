"""Options of a matching run, and the progress callback.

:class:`MatchOptions` holds the threshold, the blocking limit, the seed, the
phone region, the workers and the training options of a run; it checks them
all when it is built and raises once, listing every option out of range.
"""

from __future__ import annotations

from collections.abc import Callable

import attrs

from profilematch._validate import Checker

__all__ = ["DEFAULT_THRESHOLD", "MatchOptions", "Progress"]

Progress = Callable[[str, int, int], None]

DEFAULT_THRESHOLD = 0.5
"""Default match threshold on the pair confidence.

The confidence is a posterior probability, so 0.5 is the point where a match
is more likely than not. On the labelled sets (``benchmarks/accuracy.py``:
customers_synthetic, generated customers, FEBRL 1 to 4, splink_fake_1000,
restaurants, dedupe_csv_example) the best pairwise F1 of a sweep from 0.1 to
0.99 falls anywhere between 0.2 and 0.9 depending on the set, and F1 at 0.5
is within 0.01 of the best on every set (within 0.003 on all but the
restaurants), so the natural cut-off is kept rather than one tuned to a
particular file. Raise it to trade recall for precision.
"""


def _validate_options(options: MatchOptions) -> None:
    """Check every option, then raise once listing each one out of range."""
    checker = Checker()
    if not 0.0 <= options.threshold <= 1.0:
        checker.add("threshold", "range 0..1", options.threshold, "pass a probability")
    if options.max_block_size < 2:
        checker.add(
            "max_block_size", "at least 2", options.max_block_size, "pass 2 or more"
        )
    if options.workers is not None and options.workers < 1:
        checker.add("workers", "at least 1", options.workers, "pass 1 or more, or None")
    if options.u_sample_size < 1:
        checker.add(
            "u_sample_size", "at least 1", options.u_sample_size, "pass 1 or more"
        )
    if options.em_iterations < 0:
        checker.add(
            "em_iterations", "at least 0", options.em_iterations, "pass 0 or more"
        )
    checker.raise_if_any()


@attrs.frozen(kw_only=True)
class MatchOptions:
    """Options of a matching run.

    Attributes:
        threshold: Pairs with a confidence at or above this join a match group
            (default :data:`DEFAULT_THRESHOLD`, 0.5).
        max_block_size: A blocking key shared by more profiles makes no pairs.
        seed: Seed of the random pairs that estimate u; same input and seed
            give the same output.
        default_region: Phone region for numbers without a country code when
            the profile has no address country.
        workers: Processes for comparing pairs; None uses every core when there
            are many candidate pairs, 1 never forks.
        u_sample_size: Number of random pairs that estimate u.
        em_iterations: Largest number of EM iterations.
        em_tolerance: EM stops when no parameter moves by more than this.
        min_training_profiles: Below this many profiles the built-in model is
            used instead of training one.
    """

    threshold: float = DEFAULT_THRESHOLD
    max_block_size: int = 500
    seed: int = 0
    default_region: str = "US"
    workers: int | None = None
    u_sample_size: int = 100_000
    em_iterations: int = 50
    em_tolerance: float = 1e-5
    min_training_profiles: int = 500

    def __attrs_post_init__(self) -> None:
        _validate_options(self)
