"""Opaque, signed page tokens.

A token pins what a caller is paging through (its kind, such as ``"matches"``),
the domain, the generation of results when there is one, and the position to
resume from. It is a base64url JSON payload and an HMAC-SHA256 tag made with a
secret kept in the store, so a caller can neither forge a position nor carry a
token from one domain, one kind of list or one store to another.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
from typing import Any

import attrs

from profilematch._errors import BadRequestException

__all__ = [
    "MAX_RESULTS_RANGE",
    "PageToken",
    "check_max_results",
    "check_next_token",
    "decode_token",
    "encode_token",
]

MAX_RESULTS_RANGE = (1, 100)
_TOKEN_LENGTH = (1, 1024)
_TAG_BYTES = 16
_VERSION = 1


@attrs.frozen
class PageToken:
    """What a next token pins.

    Attributes:
        kind: what is being paged (``"matches"``, ``"domains"``, ``"jobs"``, ...).
        domain: the domain name, or ``""`` for lists across domains.
        generation: the results generation the token belongs to, or None.
        position: where the next page starts (an offset or the last key seen).
    """

    kind: str
    domain: str
    generation: int | None
    position: Any


def _b64encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _b64decode(text: str) -> bytes:
    padded = text + "=" * (-len(text) % 4)
    return base64.urlsafe_b64decode(padded.encode("ascii"))


def _tag(secret: bytes, payload: str) -> str:
    digest = hmac.new(secret, payload.encode("ascii"), hashlib.sha256).digest()
    return _b64encode(digest[:_TAG_BYTES])


def encode_token(secret: bytes, token: PageToken) -> str:
    """Serialize and sign a page token.

    Args:
        secret: the store's token secret.
        token: what the token pins.

    Returns:
        An opaque string of at most 1,024 characters.

    Raises:
        ValueError: the position is too large to fit in a token.
    """
    body = {
        "v": _VERSION,
        "k": token.kind,
        "d": token.domain,
        "g": token.generation,
        "p": token.position,
    }
    payload = _b64encode(json.dumps(body, separators=(",", ":")).encode("utf-8"))
    text = f"{payload}.{_tag(secret, payload)}"

    if len(text) > _TOKEN_LENGTH[1]:
        raise ValueError(f"page position too large for a token: {token.position!r}")

    return text


def check_next_token(next_token: object, *, field: str = "next_token") -> None:
    """Refuse a next token that is not a string of 1 to 1,024 characters.

    Raises:
        BadRequestException: wrong type or length.
    """
    low, high = _TOKEN_LENGTH
    if not isinstance(next_token, str) or not low <= len(next_token) <= high:
        shown = next_token if not isinstance(next_token, str) else next_token[:40]
        raise BadRequestException(
            f"{field}: must be a string of {low} to {high} characters, got "
            f"{shown!r}; pass the next_token of the previous page unchanged, or "
            "None for the first page",
            field=field,
            rule=f"length {low}..{high}",
            value=next_token,
        )


def check_max_results(max_results: object, *, field: str = "max_results") -> int:
    """Return ``max_results`` if it is an integer from 1 to 100.

    Raises:
        BadRequestException: wrong type or out of range.
    """
    low, high = MAX_RESULTS_RANGE
    if (
        isinstance(max_results, bool)
        or not isinstance(max_results, int)
        or not low <= max_results <= high
    ):
        raise BadRequestException(
            f"{field}: must be an integer from {low} to {high}, got "
            f"{max_results!r}; ask for at most {high} items and page with "
            "next_token",
            field=field,
            rule=f"range {low}..{high}",
            value=max_results,
        )

    return max_results


def _refuse(reason: str, next_token: str, field: str) -> BadRequestException:
    return BadRequestException(
        f"{field}: {reason}; start again from the first page with next_token=None",
        field=field,
        rule="valid token",
        value=next_token,
    )


def decode_token(
    secret: bytes,
    next_token: object,
    *,
    kind: str,
    domain: str,
    field: str = "next_token",
) -> PageToken:
    """Check a next token's signature and scope and return what it pins.

    The caller still checks that the pinned generation exists.

    Args:
        secret: the store's token secret.
        next_token: the token the caller sent.
        kind: the kind of list being paged now.
        domain: the domain being paged now (``""`` for lists across domains).
        field: the name to report in errors.

    Returns:
        The decoded token.

    Raises:
        BadRequestException: the token is not a string of 1 to 1,024 characters,
            is malformed, was altered or made by another store, or belongs to
            another domain or another kind of list.
    """
    check_next_token(next_token, field=field)
    assert isinstance(next_token, str)

    payload, dot, tag = next_token.partition(".")
    if not dot or not payload or not tag:
        raise _refuse(
            "the token is malformed (not a profilematch token)", next_token, field
        )
    try:
        expected = _tag(secret, payload)
    except UnicodeEncodeError:
        raise _refuse("the token is malformed (not ASCII)", next_token, field) from None
    if not hmac.compare_digest(expected, tag):
        raise _refuse(
            "the token was altered, or was issued by another store", next_token, field
        )

    try:
        body = json.loads(_b64decode(payload))
    except (binascii.Error, ValueError):
        raise _refuse(
            "the token is malformed (bad payload)", next_token, field
        ) from None
    if (
        not isinstance(body, dict)
        or body.get("v") != _VERSION
        or not isinstance(body.get("k"), str)
        or not isinstance(body.get("d"), str)
        or not isinstance(body.get("g"), (int, type(None)))
        or "p" not in body
    ):
        raise _refuse("the token is malformed (bad payload)", next_token, field)

    if body["k"] != kind:
        raise _refuse(f"the token pages {body['k']}, not {kind}", next_token, field)
    if body["d"] != domain:
        raise _refuse(
            f"the token belongs to domain {body['d']!r}, not {domain!r}",
            next_token,
            field,
        )

    return PageToken(
        kind=body["k"], domain=body["d"], generation=body["g"], position=body["p"]
    )
