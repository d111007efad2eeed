"""Exceptions raised by profilematch, mirroring the hosted service's errors.

The tree::

    ProfileMatchError
    ├── BadRequestException          (400, also ValueError)
    ├── AccessDeniedException        (403, also PermissionError)
    ├── ResourceNotFoundException    (404, also LookupError)
    ├── ThrottlingException          (429, also RuntimeError)
    └── InternalServerException      (500, also RuntimeError)

Every exception keeps its message and HTTP status as attributes; a
BadRequestException about one value also keeps the field, the rule and the
value received, so a caller can react without parsing the message.
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "AccessDeniedException",
    "BadRequestException",
    "InternalServerException",
    "ProfileMatchError",
    "ResourceNotFoundException",
    "ThrottlingException",
]

_UNSET: Any = object()


class ProfileMatchError(Exception):
    """The root of every error profilematch raises on purpose."""

    status_code: int = 500
    code: str = "ProfileMatchError"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def to_dict(self) -> dict[str, Any]:
        """The error in the service's shape: ``{"Code": ..., "Message": ...}``."""
        return {"Code": self.code, "Message": self.message}


class BadRequestException(ProfileMatchError, ValueError):
    """The request breaks a rule of the service model (HTTP 400).

    Attributes:
        field: the field at fault, as a dotted path (``"Profiles[3].EmailAddress"``),
            or None when the problem is not about one field.
        rule: the rule that was broken (``"length 1..255"``), or None.
        value: the value received, when there was one.
    """

    status_code = 400
    code = "BadRequestException"

    def __init__(
        self,
        message: str,
        *,
        field: str | None = None,
        rule: str | None = None,
        value: Any = _UNSET,
    ) -> None:
        super().__init__(message)
        self.field = field
        self.rule = rule
        self.value = None if value is _UNSET else value


class AccessDeniedException(ProfileMatchError, PermissionError):
    """The caller may not do this (HTTP 403)."""

    status_code = 403
    code = "AccessDeniedException"


class ResourceNotFoundException(ProfileMatchError, LookupError):
    """The domain, profile or job named does not exist (HTTP 404)."""

    status_code = 404
    code = "ResourceNotFoundException"


class ThrottlingException(ProfileMatchError, RuntimeError):
    """The store is busy; try again shortly (HTTP 429)."""

    status_code = 429
    code = "ThrottlingException"


class InternalServerException(ProfileMatchError, RuntimeError):
    """Something failed inside profilematch; the request made no change (HTTP 500)."""

    status_code = 500
    code = "InternalServerException"
