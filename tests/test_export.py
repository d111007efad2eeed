"""Tests of the export of match groups to a directory and to S3."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest

from profilematch._errors import (
    BadRequestException,
    InternalServerException,
    ResourceNotFoundException,
)
from profilematch._export import (
    export_file_name,
    location_of,
    render_lines,
    write_export,
)
from profilematch._models import (
    ExportingConfig as ServiceExportingConfig,
)
from profilematch._models import (
    ExportingLocation,
    MatchItem,
    S3ExportingConfig,
    S3ExportingLocation,
)

GENERATED = datetime(2026, 12, 5, 0, 0, tzinfo=timezone.utc)


@dataclass(frozen=True)
class Group:
    """A stand-in with the three fields an export reads from a MatchItem."""

    match_id: str
    profile_ids: tuple[str, ...]
    confidence_score: float


@dataclass(frozen=True)
class S3Config:
    """A stand-in for S3ExportingConfig."""

    s3_bucket_name: str
    s3_key_name: str | None = None


@dataclass(frozen=True)
class ExportingConfig:
    """A stand-in for ExportingConfig."""

    s3_exporting: S3Config | None


GROUPS = [
    Group("m1", ("a" * 32, "b" * 32), 0.98),
    Group("m2", ("c" * 32, "d" * 32, "e" * 32), 0.5),
]
exported_records = [
    {
        "MatchId": "m1",
        "ProfileIds": ["a" * 32, "b" * 32],
        "ConfidenceScore": 0.98,
        "MatchGenerationDate": "2026-12-05T00:00:00+00:00",
    },
    {
        "MatchId": "m2",
        "ProfileIds": ["c" * 32, "d" * 32, "e" * 32],
        "ConfidenceScore": 0.5,
        "MatchGenerationDate": "2026-12-05T00:00:00+00:00",
    },
]


def read_records(text: str) -> list[dict[str, Any]]:
    """Parse JSON lines."""
    return [json.loads(line) for line in text.splitlines()]


def test_render_lines_one_object_per_group() -> None:
    """Each group is one JSON line in the service's PascalCase shape."""
    lines = list(render_lines(GROUPS, GENERATED))

    assert exported_records == [json.loads(line) for line in lines]
    assert all(line.endswith("\n") and line.count("\n") == 1 for line in lines)


def test_default_name_comes_from_the_generation_date() -> None:
    """The default file name carries the generation date in UTC."""
    assert "matches-20261205T000000Z.jsonl" == export_file_name(GENERATED)


def test_export_to_directory_path(tmp_path: Path) -> None:
    """A directory path gets one .jsonl file and the file URL is returned."""
    url = write_export(GROUPS, GENERATED, tmp_path)

    written = tmp_path / "matches-20261205T000000Z.jsonl"
    assert written.as_uri() == url
    assert exported_records == read_records(written.read_text(encoding="utf-8"))
    assert [written] == list(tmp_path.iterdir())


def test_export_to_file_url_creates_the_directory(tmp_path: Path) -> None:
    """A file:// URL names a directory, created when missing, and a name is kept."""
    directory = tmp_path / "out dir" / "weekly"

    url = write_export(GROUPS, GENERATED, directory.as_uri(), name="job.jsonl")

    assert (directory / "job.jsonl").as_uri() == url
    assert exported_records == read_records((directory / "job.jsonl").read_text())


def test_export_replaces_an_older_file_whole(tmp_path: Path) -> None:
    """Writing the same name again replaces the file and leaves no temporary file."""
    write_export(GROUPS, GENERATED, str(tmp_path), name="x.jsonl")

    write_export(GROUPS[:1], GENERATED, str(tmp_path), name="x.jsonl")

    assert exported_records[:1] == read_records((tmp_path / "x.jsonl").read_text())
    assert ["x.jsonl"] == sorted(os.listdir(tmp_path))


def test_failed_local_export_leaves_nothing(tmp_path: Path) -> None:
    """An error while writing removes the temporary file and keeps the old one."""
    (tmp_path / "x.jsonl").write_text("old\n")

    def broken() -> Iterator[Group]:
        yield GROUPS[0]
        raise RuntimeError("source failed")

    with pytest.raises(RuntimeError, match="source failed"):
        write_export(broken(), GENERATED, tmp_path, name="x.jsonl")

    assert ["x.jsonl"] == sorted(os.listdir(tmp_path))
    assert "old\n" == (tmp_path / "x.jsonl").read_text()


def test_export_into_a_file_path_is_a_clear_error(tmp_path: Path) -> None:
    """A destination that is a file, not a directory, fails with the path named."""
    blocker = tmp_path / "blocker"
    blocker.write_text("")

    with pytest.raises(InternalServerException, match="blocker"):
        write_export(GROUPS, GENERATED, blocker)


def test_unknown_url_scheme_is_refused() -> None:
    """A URL that is neither file:// nor s3:// is a BadRequestException."""
    with pytest.raises(BadRequestException) as caught:
        write_export(GROUPS, GENERATED, "ftp://example.com/out")

    assert "destination" == caught.value.field
    assert "ftp://example.com/out" == caught.value.value


def s3_records(client: Any, key: str) -> list[dict[str, Any]]:
    """Read an exported object back from the mocked S3."""
    body = client.get_object(Bucket="results", Key=key)["Body"].read()

    return read_records(body.decode("utf-8"))


def test_export_to_s3_url_with_a_key(s3: Any) -> None:
    """An s3://bucket/key URL writes exactly that object."""
    url = write_export(GROUPS, GENERATED, "s3://results/exports/latest.jsonl")

    assert "s3://results/exports/latest.jsonl" == url
    assert exported_records == s3_records(s3, "exports/latest.jsonl")


def test_export_to_s3_url_with_a_prefix(s3: Any) -> None:
    """An s3://bucket/prefix/ URL writes the named object under the prefix."""
    url = write_export(GROUPS, GENERATED, "s3://results/weekly/", name="j.jsonl")

    assert "s3://results/weekly/j.jsonl" == url
    assert exported_records == s3_records(s3, "weekly/j.jsonl")


def test_export_to_s3_through_exporting_config(s3: Any) -> None:
    """ExportingConfig's S3KeyName is a prefix for the default object name."""
    config = ExportingConfig(S3Config("results", "profiles/matches"))

    url = write_export(GROUPS, GENERATED, config, s3_client=s3)

    key = "profiles/matches/matches-20261205T000000Z.jsonl"
    assert f"s3://results/{key}" == url
    assert exported_records == s3_records(s3, key)


def test_export_to_s3_without_key_name_uses_the_bucket_root(s3: Any) -> None:
    """Without S3KeyName the object lands at the bucket's root."""
    url = write_export(GROUPS, GENERATED, ExportingConfig(S3Config("results")))

    assert "s3://results/matches-20261205T000000Z.jsonl" == url


def test_export_to_missing_bucket_is_a_clear_error(s3: Any) -> None:
    """A bucket that does not exist raises ResourceNotFoundException naming it."""
    config = ExportingConfig(S3Config("no-such-bucket", "x"))

    with pytest.raises(ResourceNotFoundException) as caught:
        write_export(GROUPS, GENERATED, config)

    assert "'no-such-bucket' does not exist" in caught.value.message


def test_exporting_config_without_s3_is_refused() -> None:
    """An ExportingConfig with no S3Exporting names the missing field."""
    with pytest.raises(BadRequestException) as caught:
        write_export(GROUPS, GENERATED, ExportingConfig(None))

    assert "ExportingConfig.S3Exporting" == caught.value.field


@pytest.mark.parametrize("bucket", ["ab", "Upper", "under_score", "x" * 64])
def test_malformed_bucket_is_refused(bucket: str) -> None:
    """A bucket name the service would refuse is a BadRequestException."""
    with pytest.raises(BadRequestException) as caught:
        write_export(GROUPS, GENERATED, ExportingConfig(S3Config(bucket)))

    assert bucket == caught.value.value


def test_missing_boto3_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without boto3 an S3 export says which extra to install."""
    monkeypatch.setitem(sys.modules, "boto3", None)

    with pytest.raises(BadRequestException, match=r"profilematch\[s3\]"):
        write_export(GROUPS, GENERATED, "s3://results/x.jsonl")


def test_export_of_service_models_to_s3_returns_the_location(s3: Any) -> None:
    """MatchItems and a service ExportingConfig give the service's ExportingLocation."""
    items = [
        MatchItem(
            match_id=g.match_id,
            profile_ids=g.profile_ids,
            confidence_score=g.confidence_score,
        )
        for g in GROUPS
    ]
    config = ServiceExportingConfig(
        s3_exporting=S3ExportingConfig(s3_bucket_name="results", s3_key_name="p")
    )

    location = location_of(write_export(items, GENERATED, config, name="j.jsonl"))

    expected = ExportingLocation(
        s3_exporting=S3ExportingLocation(
            s3_bucket_name="results", s3_key_name="p/j.jsonl"
        )
    )
    assert expected == location
    assert exported_records == s3_records(s3, "p/j.jsonl")


def test_export_to_a_directory_has_no_service_location(tmp_path: Path) -> None:
    """A local export returns None: the service's ExportingLocation names S3 only."""
    location = location_of(write_export(GROUPS, GENERATED, tmp_path))

    assert location is None
    assert location_of((tmp_path / "x").as_uri()) is None
