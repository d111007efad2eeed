"""Matches: the match groups of the latest job, and why two profiles match.

get_matches pages through one generation of results, ordered by confidence
score. explain_match scores a pair with the model of the domain's latest job
that stored one, and counts the values the pair shares over the stored profiles
as a job would, so it gives the probability a job gives.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import attrs

from profilematch import _jobs
from profilematch._client._base import checked, profile_from_record
from profilematch._client._domains import DomainsMixin
from profilematch._compare import compare
from profilematch._errors import BadRequestException, ResourceNotFoundException
from profilematch._features import ProfileFeatures, profile_features
from profilematch._matcher import Explanation, MatchOptions, explain
from profilematch._models import MatchesPage, MatchItem, Profile
from profilematch._paging import check_max_results
from profilematch._score import KnownCounts, ModelParameters, TermFrequencies


class MatchesMixin(DomainsMixin):
    """The Client's calls that read match groups and explain a pair."""

    __slots__ = ()

    def get_matches(
        self,
        domain_name: str,
        max_results: int = 100,
        next_token: str | None = None,
    ) -> MatchesPage:
        """Return a page of match groups from the latest identity resolution job.

        Groups are ordered by confidence score, highest first, then by match id.
        Pass the page's ``next_token`` back for the next page; a token stays
        valid while its generation of results is kept (the latest and the one
        before it).

        Args:
            domain_name: the domain.
            max_results: 1 to 100 groups per page (default 100).
            next_token: the previous page's token, or None for the first page.

        Returns:
            A MatchesPage: matches, match_generation_date, potential_matches
            (groups in the whole generation) and next_token (None on the last
            page). Before the first job: no matches and potential_matches 0.

        Raises:
            BadRequestException: matching is not enabled for the domain;
                max_results is outside 1 to 100; the token is not 1 to 1,024
                characters, malformed, altered, from another domain or store,
                or its results were regenerated.
            ResourceNotFoundException: no such domain.

        Example:
            >>> client = Client()
            >>> _ = client.create_domain("retail", default_expiration_days=30,
            ...                          matching=Matching(enabled=True))
            >>> client.get_matches("retail").potential_matches
            0
        """
        checked(DomainName=domain_name)
        limit = check_max_results(max_results)
        token = None
        if next_token is not None:
            token = self._decode("matches", domain_name, next_token)
            if not isinstance(token.position, int) or token.position < 0:
                raise self._bad_position(next_token)

        with self._store.snapshot():
            domain = self._domain(self._store.get_domain(domain_name))
            if domain.matching is None or not domain.matching.enabled:
                raise BadRequestException(
                    f"Matching.Enabled: identity resolution is not enabled for "
                    f"domain {domain_name!r}; enable it with update_domain("
                    f"{domain_name!r}, matching=Matching(enabled=True)) and run a job",
                    field="Matching.Enabled",
                    rule="must be true",
                    value=False if domain.matching is None else domain.matching.enabled,
                )
            if token is None:
                generation = self._store.latest_generation(domain_name)
                offset = 0
            else:
                assert token.generation is not None and next_token is not None
                generation = self._store.get_generation(domain_name, token.generation)
                offset = token.position
                if generation is None:
                    raise BadRequestException(
                        "next_token: the match results were regenerated since this "
                        "token was issued (a newer job replaced them); start again "
                        "from the first page with next_token=None",
                        field="next_token",
                        rule="current generation",
                        value=next_token,
                    )
            if generation is None:
                return MatchesPage(matches=(), potential_matches=0)
            rows = self._store.read_matches(
                generation.generation_id, offset=offset, limit=limit
            )

        matches = tuple(
            MatchItem(
                match_id=row.match_id,
                profile_ids=row.profile_ids,
                confidence_score=row.confidence_score,
            )
            for row in rows
        )
        end = offset + len(rows)
        following = None
        if end < generation.potential_matches:
            following = self._encode(
                "matches", domain_name, generation.generation_id, end
            )

        return MatchesPage(
            matches=matches,
            match_generation_date=generation.created_at,
            next_token=following,
            potential_matches=generation.potential_matches,
        )

    def iter_matches(self, domain_name: str) -> Iterator[MatchItem]:
        """Yield every match group of the latest results, across pages.

        Raises:
            The errors of get_matches.

        Example:
            >>> client = Client()
            >>> _ = client.create_domain("retail", default_expiration_days=30,
            ...                          matching=Matching(enabled=True))
            >>> list(client.iter_matches("retail"))
            []
        """
        next_token: str | None = None
        while True:
            page = self.get_matches(domain_name, max_results=100, next_token=next_token)
            yield from page.matches
            if page.next_token is None:
                return
            next_token = page.next_token

    def explain_match(
        self,
        domain_name: str,
        profile_id_a: str,
        profile_id_b: str,
        *,
        job_id: str | None = None,
    ) -> Explanation:
        """Explain how two stored profiles score, attribute family by family.

        The pair is scored with the model trained by the domain's latest job
        that stored one (or by ``job_id``), so the explanation shows the same
        comparison levels and match weights that produced the match groups.
        Before any job ran, the built-in model is used. The shared name, email
        and phone values are counted over the domain's stored profiles, and a
        household or suffix veto is reported, so the probability is the one a
        job over the profiles stored now gives the pair.

        Args:
            domain_name: the domain.
            profile_id_a: one profile.
            profile_id_b: the other profile.
            job_id: the job whose model to use; default the latest.

        Returns:
            The explanation: ``str()`` is a terminal table, and a notebook
            shows an HTML table.

        Raises:
            BadRequestException: a name or id breaks its rules.
            ResourceNotFoundException: no such domain, profile or job, or the
                job stored no model (it failed before matching).

        Example:
            >>> client = Client()
            >>> _ = client.create_domain("retail", default_expiration_days=30)
            >>> a = client.create_profile("retail", first_name="Ann", last_name="Lee")
            >>> b = client.create_profile("retail", first_name="Anne", last_name="Lee")
            >>> 0.0 <= client.explain_match("retail", a, b).probability <= 1.0
            True
        """
        first = self._stored_features(domain_name, profile_id_a)
        second = self._stored_features(domain_name, profile_id_b)
        if job_id is not None:
            job = _jobs.get_job(self._store, domain_name, job_id)
            stored = self._store.get_job(domain_name, job_id).model_json
            if stored is None:
                raise ResourceNotFoundException(
                    f"identity resolution job {job_id} stored no model (status "
                    f"{job.status}); leave job_id out to use the latest model"
                )
        else:
            stored = self._store.latest_model_json(domain_name)
        options = MatchOptions(default_region=self.region)
        counts = self._value_counts(domain_name, first, second)
        if stored is None:
            return explain(first, second, options=options, counts=counts)

        model = ModelParameters.from_dict(json.loads(stored))

        return explain(first, second, model=model, options=options, counts=counts)

    def _stored_features(self, domain_name: str, profile_id: str) -> ProfileFeatures:
        """The features a job compares for a stored profile.

        Raises:
            BadRequestException: the domain name or profile id breaks its rules.
            ResourceNotFoundException: no such domain or profile.
        """
        checked(DomainName=domain_name, ProfileId=profile_id)
        record = self._store.get_profile(domain_name, profile_id)

        if record.features_json is None:
            profile = profile_from_record(record)
            return profile_features(profile, default_region=self.region)
        features = ProfileFeatures.from_json(record.features_json)
        return attrs.evolve(features, profile_id=profile_id)

    def _value_counts(
        self, domain_name: str, first: ProfileFeatures, second: ProfileFeatures
    ) -> KnownCounts:
        """How many stored profiles hold the name, email and phone two profiles share.

        The same counts a job takes over every profile's features, taken by
        queries instead. A phone in E.164 is a search key written from the
        features at ingest, so an indexed lookup counts it. The email and
        full name search keys are the raw values case-folded (display names,
        accents and titles kept), not the canonical values the features hold,
        so names, emails and local phones are counted from the features of
        the profiles whose features JSON contains the value (one pass in SQL,
        parsing only those rows).
        """
        _, exact = compare(first, second)
        counts: dict[tuple[str, str], int] = {}
        scanned: list[tuple[str, str]] = []
        texts: list[str] = []
        for family, value in zip(("name", "email", "phone"), exact, strict=True):
            if value is None:
                continue
            if family == "phone" and value.startswith("+"):
                held = self._store.count_key_holders(domain_name, "_phone", value)
                counts[family, value] = held
                continue
            scanned.append((family, value))
            # Every word of a shared name is inside the first or last name (or
            # the business name tokens) of each profile holding it.
            word = max(value.split(), key=len) if family == "name" else value
            texts.append(json.dumps(word, ensure_ascii=False)[1:-1])

        holders = []
        for profile_id, features_json, raw in self._store.features_containing(
            domain_name, texts
        ):
            if features_json is not None:
                holders.append(ProfileFeatures.from_json(features_json))
            elif raw is not None:
                profile = Profile.from_dict({**raw, "ProfileId": profile_id})
                holders.append(profile_features(profile, default_region=self.region))
        frequencies = TermFrequencies(holders)
        for family, value in scanned:
            counts[family, value] = frequencies.counts[family].get(value, 1)

        return KnownCounts(
            profiles=self._store.count_profiles(domain_name), counts=counts
        )
