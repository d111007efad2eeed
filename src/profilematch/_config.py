"""Library-level options that apply to every Client unless it overrides them.

The one option today is the default phone region: the region used to read a
phone number written without a country code (``"(206) 555-0100"``) when the
profile's own address names no country.
"""

from __future__ import annotations

import threading

import phonenumbers

from profilematch._errors import BadRequestException

__all__ = ["check_region", "get_default_region", "set_default_region"]

_lock = threading.Lock()
_default_region = "US"


def check_region(region: object, *, field: str = "default_region") -> str:
    """Return ``region`` if it is a phone region phonenumbers knows.

    Args:
        region: an ISO 3166-1 alpha-2 code in upper case, such as ``"US"``.
        field: the name to report when the region is refused.

    Returns:
        The region, unchanged.

    Raises:
        BadRequestException: the region is not a supported two-letter code.
    """
    if not isinstance(region, str) or region not in phonenumbers.SUPPORTED_REGIONS:
        raise BadRequestException(
            f"{field}: must be a supported ISO 3166-1 alpha-2 region code in upper "
            f"case, got {region!r}; pass a code such as 'US', 'GB' or 'DE'",
            field=field,
            rule="supported region code",
            value=region,
        )

    return region


def get_default_region() -> str:
    """Return the library-wide default phone region (``"US"`` unless changed)."""
    with _lock:
        return _default_region


def set_default_region(region: str) -> None:
    """Set the library-wide default phone region for new profiles.

    A Client made with its own ``default_region`` keeps that region.

    Args:
        region: an ISO 3166-1 alpha-2 code in upper case, such as ``"GB"``.

    Raises:
        BadRequestException: the region is not a supported two-letter code.

    Example:
        >>> import profilematch as pm
        >>> pm.set_default_region("GB")
        >>> pm.get_default_region()
        'GB'
        >>> pm.set_default_region("US")
    """
    global _default_region

    checked = check_region(region, field="region")

    with _lock:
        _default_region = checked
