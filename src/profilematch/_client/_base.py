"""What every part of the Client shares: its state, page tokens and argument checks.

The Client is put together from one class per concern: domains, profile ingest,
profile reads and updates, search, matches, and jobs with merging. Each derives
from ClientBase, which declares the state they share and issues and reads their
page tokens; the checks here are the quick ones every call makes of its scalar
arguments before touching the store.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from profilematch._config import get_default_region
from profilematch._errors import BadRequestException
from profilematch._models import ListDomainItem, Profile
from profilematch._paging import PageToken, decode_token, encode_token
from profilematch._store import ProfileRecord, Store
from profilematch._validate import Checker

_DOMAIN_NAME_PATTERN = r"^[a-zA-Z0-9_-]+$"
_PROFILE_ID_PATTERN = r"[a-f0-9]{32}"


def page_dict(
    items: Sequence[ListDomainItem | Profile], next_token: str | None
) -> dict[str, Any]:
    """A page in the service's list shape: Items, and NextToken when there is one."""
    result: dict[str, Any] = {"Items": [item.to_dict() for item in items]}
    if next_token is not None:
        result["NextToken"] = next_token

    return result


def check_string(
    checker: Checker, name: str, value: object, pattern: str, length: tuple[int, int]
) -> bool:
    """Check a string's type, length and pattern; whether it passed them all."""
    if not checker.check_type(name, value, str, "string"):
        return False
    assert isinstance(value, str)
    return checker.check_length(name, value, *length) and checker.check_pattern(
        name, value, pattern
    )


def check_domain_name(checker: Checker, domain_name: object) -> None:
    """Check a domain name against the service's DomainName rules."""
    check_string(checker, "DomainName", domain_name, _DOMAIN_NAME_PATTERN, (1, 64))


def check_profile_id(checker: Checker, name: str, profile_id: object) -> None:
    """Check a profile id: 32 lowercase hexadecimal characters."""
    if checker.check_type(name, profile_id, str, "string"):
        assert isinstance(profile_id, str)
        checker.check_pattern(name, profile_id, _PROFILE_ID_PATTERN)


def check_workers(workers: object) -> None:
    """Check the Client's workers option and raise when it is not 1 or more."""
    checker = Checker()
    if checker.check_type("workers", workers, int, "integer"):
        assert isinstance(workers, int)
        if workers < 1:
            checker.add("workers", "at least 1", workers, "pass 1 or more, or None")
    checker.raise_if_any()


def checked(**problems_for: Any) -> None:
    """Run quick checks of scalar arguments and raise once for every problem."""
    checker = Checker()
    for name, value in problems_for.items():
        if name == "DomainName":
            check_domain_name(checker, value)
        elif name == "ProfileId":
            check_profile_id(checker, name, value)
    checker.raise_if_any()


def profile_from_record(record: ProfileRecord) -> Profile:
    """The Profile a stored record holds, with its id."""
    return Profile.from_dict({**record.raw, "ProfileId": record.profile_id})


class ClientBase:
    """The state the parts of the Client share, and the page tokens they issue.

    Declared here so that each part is typed against it; Client, an attrs class
    made of the parts, defines these attributes.
    """

    __slots__ = ()

    default_region: str | None
    workers: int | None
    _store: Store

    @property
    def store(self) -> Store:
        """The store under this client, for the job runner and merging."""
        return self._store

    @property
    def region(self) -> str:
        """The phone region in force: this client's, else the library default."""
        return self.default_region or get_default_region()

    def _encode(
        self, kind: str, domain: str, generation: int | None, position: Any
    ) -> str:
        return encode_token(
            self._store.token_secret(),
            PageToken(
                kind=kind, domain=domain, generation=generation, position=position
            ),
        )

    def _decode(self, kind: str, domain: str, next_token: object) -> PageToken:
        return decode_token(
            self._store.token_secret(), next_token, kind=kind, domain=domain
        )

    @staticmethod
    def _bad_position(next_token: str) -> BadRequestException:
        return BadRequestException(
            "next_token: the token is malformed (bad position); start again from "
            "the first page with next_token=None",
            field="next_token",
            rule="valid token",
            value=next_token,
        )
