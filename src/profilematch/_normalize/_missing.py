"""Missing values: null-like tokens and the coercion of non-text input."""

from __future__ import annotations

import datetime
import math

__all__ = ["NULL_TOKENS", "coerce", "is_missing"]

# Tokens that spreadsheets, pandas and hand-typed forms write for "no value".
# "NA" is deliberately absent: it is Namibia's country code and a real token
# in names and addresses, whereas "N/A" with its slash is never data.
NULL_TOKENS = frozenset({"", "nan", "none", "null", "n/a", "#n/a", "-", "--", "<na>"})
_LONGEST_TOKEN = max(len(token) for token in NULL_TOKENS)


def coerce(raw: object) -> str | None:
    """Turn a raw value into text, or None when it is missing.

    Numbers from typed sources (JSON, spreadsheets) become their digits, so a
    phone number read as ``2015550123.0`` still normalizes.

    Args:
        raw: anything a caller may hand over.

    Returns:
        The stripped text, or None for a missing value.
    """
    # Text is nearly every call: answer it before the other types.
    if type(raw) is str:
        text = raw.strip()
        if len(text) > _LONGEST_TOKEN or text.casefold() not in NULL_TOKENS:
            return text
        return None

    if raw is None or isinstance(raw, bool):
        return None

    if isinstance(raw, str):
        text = raw
    elif isinstance(raw, int):
        text = str(raw)
    elif isinstance(raw, float):
        if not math.isfinite(raw):
            return None
        text = str(int(raw)) if raw.is_integer() else repr(raw)
    elif isinstance(raw, (bytes, bytearray)):
        text = bytes(raw).decode("utf-8", errors="replace")
    elif isinstance(raw, (datetime.date, datetime.datetime)):
        text = raw.isoformat()
    else:
        text = str(raw)

    text = text.strip()
    if text.casefold() in NULL_TOKENS:
        return None
    return text


def is_missing(raw: object) -> bool:
    """Tell whether a raw value stands for "no value".

    None, float NaN, empty or whitespace-only text and the null-like tokens
    ``nan``, ``None``, ``NULL``, ``N/A``, ``#N/A``, ``-`` and ``--``
    (in any case) are missing. ``NA`` is not: it is Namibia's country code.

    Args:
        raw: the raw value.

    Returns:
        True when the value is missing.
    """
    return coerce(raw) is None
