"""profilematch: identity resolution for customer profiles."""

from __future__ import annotations

from profilematch._errors import (
    AccessDeniedException,
    BadRequestException,
    InternalServerException,
    ProfileMatchError,
    ResourceNotFoundException,
    ThrottlingException,
)

__version__ = "0.1.0"

__all__ = [
    "AccessDeniedException",
    "BadRequestException",
    "InternalServerException",
    "ProfileMatchError",
    "ResourceNotFoundException",
    "ThrottlingException",
]
