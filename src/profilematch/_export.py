"""Export of a job's match groups as JSON lines, to a local directory or S3.

Each match group becomes one line::

    {"MatchId": "...", "ProfileIds": ["...", "..."], "ConfidenceScore": 0.97,
     "MatchGenerationDate": "2026-12-05T00:00:00+00:00"}

Destinations:

- a local directory, as a path or a ``file://`` URL: the file is written
  beside its final name and renamed into place, so a reader never sees half
  of it;
- ``s3://bucket/key``: that exact object; ``s3://bucket/prefix/`` (or a bare
  ``s3://bucket``): an object named after the generation under the prefix;
- the service's ExportingConfig: S3Exporting's S3BucketName, with S3KeyName
  as the prefix.

S3 goes through boto3, the optional ``s3`` extra, imported only when needed.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import re
import tempfile
from collections.abc import Iterable, Iterator
from datetime import datetime, timezone
from pathlib import Path
from typing import IO, Any, Protocol
from urllib.parse import unquote, urlsplit

from profilematch._errors import (
    AccessDeniedException,
    BadRequestException,
    InternalServerException,
    ResourceNotFoundException,
)
from profilematch._models import ExportingLocation, S3ExportingLocation
from profilematch._store import MatchGroup

__all__ = ["export_file_name", "location_of", "render_lines", "write_export"]

logger = logging.getLogger(__name__)

_BUCKET_PATTERN = re.compile(r"^[a-z0-9.-]+$")
_MAX_KEY_LENGTH = 1024
# Bodies up to this size stay in memory before spilling to a temporary file.
_SPOOL_BYTES = 8 * 1024 * 1024


class _S3Config(Protocol):
    """What an export reads from an S3ExportingConfig."""

    @property
    def s3_bucket_name(self) -> str: ...

    @property
    def s3_key_name(self) -> str | None: ...


class _ExportingConfig(Protocol):
    """What an export reads from an ExportingConfig."""

    @property
    def s3_exporting(self) -> _S3Config | None: ...


Destination = str | os.PathLike[str] | _ExportingConfig


def _utc(moment: datetime) -> datetime:
    """Return ``moment`` as an aware UTC datetime, reading a naive one as UTC."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=timezone.utc)

    return moment.astimezone(timezone.utc)


def export_file_name(generation_date: datetime) -> str:
    """Return the default file or object name for one generation's export.

    Args:
        generation_date: when the match groups were generated.

    Returns:
        A name such as ``matches-20261205T000000Z.jsonl``.
    """
    return f"matches-{_utc(generation_date):%Y%m%dT%H%M%SZ}.jsonl"


def render_lines(
    groups: Iterable[MatchGroup], generation_date: datetime
) -> Iterator[str]:
    """Yield one JSON line (newline included) per match group.

    Args:
        groups: the match groups, in the order they should appear.
        generation_date: when the match groups were generated.

    Returns:
        An iterator of lines in the service's PascalCase shape.
    """
    generated = _utc(generation_date).isoformat()

    for group in groups:
        record = {
            "MatchId": group.match_id,
            "ProfileIds": list(group.profile_ids),
            "ConfidenceScore": float(group.confidence_score),
            "MatchGenerationDate": generated,
        }
        yield json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n"


def _check_bucket(bucket: str, field: str) -> None:
    """Refuse a bucket name the service would refuse.

    Raises:
        BadRequestException: the name's length or characters are wrong.
    """
    if 3 <= len(bucket) <= 63 and _BUCKET_PATTERN.match(bucket):
        return

    raise BadRequestException(
        f"{field}: must be 3 to 63 characters of a-z, 0-9, '.' and '-'; got "
        f"{bucket!r}. Name an existing S3 bucket.",
        field=field,
        rule="len 3..63; pattern ^[a-z0-9.-]+$",
        value=bucket,
    )


def _join_key(prefix: str, name: str) -> str:
    """Put ``name`` under ``prefix``, with exactly one slash between them."""
    if not prefix:
        return name

    return f"{prefix.rstrip('/')}/{name}"


def _s3_target(destination: str | _ExportingConfig, name: str) -> tuple[str, str]:
    """Return the (bucket, key) an ``s3://`` URL or an ExportingConfig names.

    Raises:
        BadRequestException: no valid bucket is named.
    """
    if isinstance(destination, str):
        parts = urlsplit(destination)
        _check_bucket(parts.netloc, "destination")
        path = parts.path.lstrip("/")
        key = _join_key(path, name) if path == "" or path.endswith("/") else path
        return parts.netloc, key

    config = destination.s3_exporting
    if config is None:
        raise BadRequestException(
            "ExportingConfig.S3Exporting: required to export; got None. Set "
            "S3Exporting with an S3BucketName, or export to a local directory.",
            field="ExportingConfig.S3Exporting",
            rule="required",
            value=None,
        )
    _check_bucket(config.s3_bucket_name, "ExportingConfig.S3Exporting.S3BucketName")

    return config.s3_bucket_name, _join_key(config.s3_key_name or "", name)


def _local_directory(destination: str | os.PathLike[str]) -> Path:
    """Return the directory a path or ``file://`` URL names.

    Raises:
        BadRequestException: the URL has a scheme other than file, or a host.
    """
    text = os.fspath(destination)
    if "://" not in text:
        return Path(text)

    parts = urlsplit(text)
    if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
        raise BadRequestException(
            f"destination: must be a directory path, a file:// URL or an s3:// "
            f"URL; got {text!r}. Use file:///absolute/dir or s3://bucket/prefix/.",
            field="destination",
            rule="scheme file or s3",
            value=text,
        )

    return Path(unquote(parts.path))


def _write_local(lines: Iterable[str], directory: Path, name: str) -> Path:
    """Write ``lines`` to ``directory/name`` atomically and return the path.

    Raises:
        AccessDeniedException: the directory may not be written.
        InternalServerException: any other failure to write; nothing is left.
    """
    target = directory / name

    try:
        directory.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(
            dir=directory, prefix=f".{name}.", suffix=".tmp"
        )
    except PermissionError as error:
        raise AccessDeniedException(
            f"Export to {str(directory)!r} refused: {error.strerror}. Choose a "
            f"directory this process may write."
        ) from error
    except OSError as error:
        raise InternalServerException(
            f"Export to {str(directory)!r} failed: {error}. Check that the "
            f"path is a directory that can be created and written."
        ) from error

    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as stream:
            stream.writelines(lines)
            stream.flush()
            os.fsync(stream.fileno())
        # os.replace is atomic on one file system, so readers see all or nothing.
        os.replace(temporary, target)
    except BaseException as error:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        if isinstance(error, OSError):
            raise InternalServerException(
                f"Export to {str(target)!r} failed: {error}. Nothing was written."
            ) from error
        raise

    return target


def _s3_client() -> Any:
    """Return a default boto3 S3 client.

    Raises:
        BadRequestException: boto3 is not installed.
    """
    try:
        import boto3
    except ImportError as error:
        raise BadRequestException(
            "ExportingConfig.S3Exporting: export to S3 needs boto3, which is not "
            "installed. Install it with: pip install 'profilematch[s3]'.",
            field="ExportingConfig.S3Exporting",
            rule="requires boto3",
            value=None,
        ) from error

    return boto3.client("s3")


def _write_s3(lines: Iterable[str], bucket: str, key: str, client: Any) -> None:
    """Upload ``lines`` as one object; S3 shows it whole or not at all.

    Raises:
        ResourceNotFoundException: the bucket does not exist.
        AccessDeniedException: the credentials may not write the object.
        InternalServerException: any other failure; nothing was written.
    """
    where = f"s3://{bucket}/{key}"

    body: IO[bytes]
    with tempfile.SpooledTemporaryFile(max_size=_SPOOL_BYTES) as body:
        for line in lines:
            body.write(line.encode("utf-8"))
        body.seek(0)

        try:
            client.put_object(
                Bucket=bucket, Key=key, Body=body, ContentType="application/x-ndjson"
            )
        except Exception as error:
            raise _s3_error(error, bucket, where) from error


def _s3_error(error: Exception, bucket: str, where: str) -> Exception:
    """Translate a botocore failure into the library's error for it."""
    response = getattr(error, "response", None)
    code = ""
    if isinstance(response, dict):
        code = str(response.get("Error", {}).get("Code", ""))

    if code in ("NoSuchBucket", "404"):
        return ResourceNotFoundException(
            f"Export to {where} failed: bucket {bucket!r} does not exist. Create "
            f"the bucket or correct ExportingConfig.S3Exporting.S3BucketName."
        )
    if code in ("AccessDenied", "403", "AllAccessDisabled"):
        return AccessDeniedException(
            f"Export to {where} refused: access denied. Grant s3:PutObject on "
            f"the bucket to the credentials in use."
        )

    return InternalServerException(
        f"Export to {where} failed: {error}. Nothing was written; check the "
        f"credentials, region and network, then run the job again."
    )


def write_export(
    groups: Iterable[MatchGroup],
    generation_date: datetime,
    destination: Destination,
    *,
    name: str | None = None,
    s3_client: Any = None,
) -> str:
    """Write match groups as JSON lines and return the URL of what was written.

    Args:
        groups: the match groups to write, in order.
        generation_date: when they were generated (MatchGenerationDate).
        destination: a directory path, a ``file://`` URL, an ``s3://`` URL or
            an ExportingConfig.
        name: the file or object name under a directory or prefix; by default
            ``matches-<generation date>.jsonl``.
        s3_client: a boto3 S3 client to use instead of ``boto3.client("s3")``.

    Returns:
        ``s3://bucket/key`` or ``file:///absolute/path``.

    Raises:
        BadRequestException: the destination is malformed, or S3 is named and
            boto3 is not installed.
        ResourceNotFoundException: the S3 bucket does not exist.
        AccessDeniedException: the destination may not be written.
        InternalServerException: writing failed for another reason.
    """
    name = export_file_name(generation_date) if name is None else name
    lines = render_lines(groups, generation_date)

    if isinstance(destination, os.PathLike) or (
        isinstance(destination, str) and not destination.startswith("s3://")
    ):
        path = _write_local(lines, _local_directory(destination), name)
        logger.info("Exported match groups to %s", path)
        return path.resolve().as_uri()

    bucket, key = _s3_target(destination, name)
    if len(key) > _MAX_KEY_LENGTH:
        raise BadRequestException(
            f"S3KeyName: the exported object's key must be at most "
            f"{_MAX_KEY_LENGTH} characters; got {len(key)}. Use a shorter prefix.",
            field="S3KeyName",
            rule=f"len 1..{_MAX_KEY_LENGTH}",
            value=key,
        )
    _write_s3(lines, bucket, key, _s3_client() if s3_client is None else s3_client)
    logger.info("Exported match groups to s3://%s/%s", bucket, key)

    return f"s3://{bucket}/{key}"


def location_of(url: str) -> ExportingLocation | None:
    """Return the service's ExportingLocation for a URL write_export returned.

    Args:
        url: ``s3://bucket/key`` or ``file:///path``.

    Returns:
        The S3 bucket and key as an ExportingLocation; None for a local file,
        which the service's shape has no member for.
    """
    if not url.startswith("s3://"):
        return None

    bucket, _, key = url[len("s3://") :].partition("/")

    return ExportingLocation(
        s3_exporting=S3ExportingLocation(s3_bucket_name=bucket, s3_key_name=key)
    )
