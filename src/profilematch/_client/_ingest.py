"""Profile ingest: checking profiles and turning them into store writes.

put_profiles checks every row before it writes any, so one bad row refuses the
whole call. Rows are checked and normalized in chunks, in worker processes for
large calls; prepare_profile gives code that rewrites stored profiles the same
features and search keys.
"""

from __future__ import annotations

import contextlib
import logging
import os
import uuid
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import attrs

from profilematch._client._base import ClientBase, checked
from profilematch._client._search import search_keys
from profilematch._errors import BadRequestException
from profilematch._features import profile_features
from profilematch._io import read_profiles
from profilematch._models import Profile
from profilematch._parallel import ordered_map, worker_count
from profilematch._store import ProfileWrite, utc_now
from profilematch._validate import Checker, Problem, closest

logger = logging.getLogger(__name__)

OUTPUT_ONLY = ("ProfileId", "FoundByItems")
# Normalizing fewer profiles than this takes less time than forking workers.
_PARALLEL_PREPARE_FROM = 5_000
_PREPARE_CHUNK = 1_000


@attrs.define
class _PreparedChunk:
    """A chunk of put_profiles rows, checked and turned into store writes."""

    problems: list[Problem] = attrs.field(factory=list)
    writes: list[ProfileWrite] = attrs.field(factory=list)
    given_ids: list[tuple[int, str]] = attrs.field(factory=list)


def _problems_of(error: BadRequestException, prefix: str) -> list[Problem]:
    problems = getattr(error, "problems", None)
    if problems:
        return list(problems)
    return [
        Problem(
            field=error.field or prefix,
            rule=error.rule or "valid",
            value=error.value,
            fix=error.message,
        )
    ]


def _check_field_names(fields: Mapping[str, Any]) -> None:
    """Refuse keyword fields that are not Profile fields, naming the closest."""
    known = [field.name for field in attrs.fields(Profile)]
    checker = Checker()

    for name in sorted(set(fields) - set(known)):
        close = closest(name, known)
        hint = f"did you mean {close}? " if close else ""
        checker.add(
            name,
            "unknown field",
            fields[name],
            f"{hint}use the snake_case fields of Profile, such as first_name "
            "or email_address",
        )
    checker.raise_if_any()


class IngestMixin(ClientBase):
    """The Client's calls that store new profiles, and their preparation."""

    __slots__ = ()

    def _prepare(
        self, profile: Profile, profile_id: str, source_name: str | None
    ) -> ProfileWrite:
        raw = profile.to_dict()
        for name in OUTPUT_ONLY:
            raw.pop(name, None)

        features = profile_features(profile, default_region=self.region)

        return ProfileWrite(
            profile_id=profile_id,
            raw=raw,
            features_json=features.to_json(),
            keys=search_keys(raw, profile_id, region=self.region, e164=features.phones),
            source_name=source_name,
        )

    def prepare_profile(
        self, profile: Profile, *, source_name: str | None = None
    ) -> ProfileWrite:
        """Turn a Profile with an id into a store write: raw JSON, features, keys.

        For code that rewrites stored profiles (merging), so features and search
        keys are computed the same way as at ingest.

        Raises:
            BadRequestException: the profile has no ProfileId.
        """
        if profile.profile_id is None:
            raise BadRequestException(
                "ProfileId: required to rewrite a stored profile, got None; set the "
                "id of the profile being rewritten",
                field="ProfileId",
                rule="required",
                value=None,
            )

        return self._prepare(profile, profile.profile_id, source_name)

    @staticmethod
    def _check_source_name(source_name: object) -> None:
        if source_name is None:
            return
        checker = Checker()
        if checker.check_type("SourceName", source_name, str, "string"):
            assert isinstance(source_name, str)
            checker.check_length("SourceName", source_name, 1, 255)
        checker.raise_if_any()

    def create_profile(
        self,
        domain_name: str,
        profile: Profile | Mapping[str, Any] | None = None,
        *,
        source_name: str | None = None,
        **fields: Any,
    ) -> str:
        """Store one profile and return its new id.

        Args:
            domain_name: the domain.
            profile: a Profile, or a dict in the service's shape
                (``{"FirstName": "Ann"}``); or leave it out and pass snake_case
                fields (``first_name="Ann"``).
            source_name: where the profile comes from (1 to 255 characters),
                used when merging resolves conflicts by source.
            **fields: Profile fields, when ``profile`` is not given.

        Returns:
            The profile id: 32 lowercase hexadecimal characters.

        Raises:
            BadRequestException: a rule of the service's Profile is broken.
            ResourceNotFoundException: no such domain.

        Example:
            >>> client = Client()
            >>> _ = client.create_domain("retail", default_expiration_days=30)
            >>> len(client.create_profile("retail", first_name="Ann"))
            32
        """
        if profile is None:
            _check_field_names(fields)
            profile = Profile(**fields)
        elif fields:
            raise BadRequestException(
                "create_profile: pass either a profile or fields, not both; got "
                f"fields {sorted(fields)}",
                field="Profile",
                rule="one of profile or fields",
                value=sorted(fields),
            )

        return self.put_profiles(domain_name, [profile], source_name=source_name)[0]

    def put_profiles(
        self,
        domain_name: str,
        profiles: Iterable[Profile | Mapping[str, Any]] | str | os.PathLike[str],
        *,
        source_name: str | None = None,
    ) -> list[str]:
        """Store many profiles at once, all or nothing.

        Every row is checked first; one bad row refuses the whole call and
        nothing is written. A row may carry its own ``ProfileId`` (32 lowercase
        hex characters, not yet used in the domain); otherwise one is made.

        Args:
            domain_name: the domain.
            profiles: Profiles, dicts in the service's shape, or the path of a
                CSV or JSON Lines file, plain or compressed, whose columns are
                mapped by their names (see :func:`read_profiles` for explicit
                mappings and the file names understood).
            source_name: where the profiles come from (1 to 255 characters).

        Returns:
            The profile ids, in input order.

        Raises:
            BadRequestException: naming the row (``Profiles[3].EmailAddress``),
                the rule and the value; nothing was written.
            ResourceNotFoundException: no such domain.

        Example:
            >>> client = Client()
            >>> _ = client.create_domain("retail", default_expiration_days=30)
            >>> ids = client.put_profiles("retail", [{"FirstName": "Ann"},
            ...                                      {"FirstName": "Bo"}])
            >>> len(ids)
            2
        """
        checked(DomainName=domain_name)
        self._check_source_name(source_name)
        self._store.get_domain(domain_name)
        if isinstance(profiles, (str, os.PathLike)):
            profiles = read_profiles(os.fspath(profiles)).profiles

        rows = list(profiles)

        def check_and_prepare(bounds: tuple[int, int]) -> _PreparedChunk:
            return self._check_and_prepare(rows, bounds, source_name)

        chunks = [
            (start, min(start + _PREPARE_CHUNK, len(rows)))
            for start in range(0, len(rows), _PREPARE_CHUNK)
        ]
        workers = worker_count(
            self.workers, len(rows), parallel_from=_PARALLEL_PREPARE_FROM
        )
        problems: list[Problem] = []
        given: dict[str, int] = {}
        ids: list[str] = []
        now = utc_now()
        pending: list[ProfileWrite] = []

        # In workers, each chunk is written as soon as it is checked, while
        # the workers prepare the next ones; one bad row anywhere raises before
        # the transaction commits, and nothing is written. In one process the
        # rows are all checked first, so the write lock is held only to write.
        streamed = workers > 1
        with (
            self._store.profile_writer(domain_name, now=now)
            if streamed
            else contextlib.nullcontext(pending.extend)
        ) as write:
            for chunk in ordered_map(check_and_prepare, chunks, workers):
                problems.extend(chunk.problems)
                problems.extend(
                    self._id_problems(
                        domain_name, chunk.given_ids, given, check_store=not problems
                    )
                )
                if problems:
                    continue
                write(chunk.writes)
                ids.extend(item.profile_id for item in chunk.writes)
            Checker(problems=problems).raise_if_any()
        if not streamed:
            self._store.insert_profiles(domain_name, pending, now=now)

        logger.info("domain %s: stored %d profiles", domain_name, len(ids))
        return ids

    def _check_and_prepare(
        self,
        rows: Sequence[object],
        bounds: tuple[int, int],
        source_name: str | None,
    ) -> _PreparedChunk:
        """Check rows[start:stop] and turn the good ones into store writes.

        Once a row is refused, later rows are only checked: nothing will be
        written, so normalizing them is wasted.
        """
        prepared = _PreparedChunk()

        for index in range(*bounds):
            prefix = f"Profiles[{index}]"
            try:
                profile = self._as_profile(rows[index], prefix)
            except BadRequestException as error:
                prepared.problems.extend(_problems_of(error, prefix))
                continue
            if profile.found_by_items is not None:
                prepared.problems.append(
                    Problem(
                        field=f"{prefix}.FoundByItems",
                        rule="output only",
                        value=profile.found_by_items,
                        fix="remove it; search_profiles fills it in",
                    )
                )
            if profile.profile_id is not None:
                prepared.given_ids.append((index, profile.profile_id))
            if prepared.problems:
                continue
            profile_id = profile.profile_id or uuid.uuid4().hex
            prepared.writes.append(self._prepare(profile, profile_id, source_name))

        return prepared

    def _id_problems(
        self,
        domain_name: str,
        ids: Sequence[tuple[int, str]],
        given: dict[str, int],
        *,
        check_store: bool,
    ) -> list[Problem]:
        """Problems with the ids a chunk of rows carries: repeated, or taken.

        Args:
            domain_name: the domain.
            ids: ``(row index, profile id)`` of the chunk's rows that carry an id.
            given: the row index of each id that earlier rows of the call
                carry; this chunk's ids are added.
            check_store: whether to ask the store which ids are taken (only
                while every row so far passed its checks).
        """
        problems: list[Problem] = []
        fresh: dict[str, int] = {}

        for index, profile_id in ids:
            earlier = fresh.get(profile_id, given.get(profile_id))
            if earlier is not None:
                problems.append(
                    Problem(
                        field=f"Profiles[{index}].ProfileId",
                        rule="unique",
                        value=profile_id,
                        fix=f"it repeats Profiles[{earlier}]; give "
                        "each profile its own id or leave it out",
                    )
                )
            fresh[profile_id] = index
        given.update(fresh)
        if problems or not check_store or not fresh:
            return problems

        for profile_id in self._store.get_profiles(domain_name, list(fresh)):
            problems.append(
                Problem(
                    field=f"Profiles[{fresh[profile_id]}].ProfileId",
                    rule="unique",
                    value=profile_id,
                    fix="that profile exists already; change it with "
                    "update_profile, or leave the id out",
                )
            )
        return problems

    @staticmethod
    def _as_profile(row: object, prefix: str) -> Profile:
        if isinstance(row, Profile):
            return row
        if isinstance(row, Mapping):
            return Profile.from_dict(row, prefix=prefix)
        raise BadRequestException(
            f"{prefix}: must be a Profile or a dict in the service's shape, got "
            f"{type(row).__name__}; pass Profile objects or dicts",
            field=prefix,
            rule="type structure",
            value=row,
        )
