"""What commands print: match groups as a table or a file, JSON, job statistics.

Match groups are joined with their profiles and original row ids, then shown
as an aligned table (one line per profile) or written as JSON Lines, JSON or
CSV, to a file or to standard output. The format comes from --format, else
from the output file's extension. Other commands print the service's JSON with
timestamps in ISO 8601, and job statistics with thousands separators.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import IO, Any

import attrs
import click

from profilematch._client import Client
from profilematch._errors import BadRequestException
from profilematch._io import ROW_ID_ATTRIBUTE, InputFile
from profilematch._models import EMAIL_MEMBERS, PHONE_MEMBERS, MatchItem


@attrs.frozen
class _Member:
    """A profile in a match group, as shown to the user."""

    profile_id: str
    row_id: str
    profile: Mapping[str, Any]


@attrs.frozen
class _GroupView:
    """A match group with its members."""

    match_id: str
    confidence_score: float
    members: tuple[_Member, ...]


def _all_matches(client: Client, domain: str) -> list[MatchItem]:
    """Every match group of the latest job, best first."""
    return list(client.iter_matches(domain))


# batch_get_profile takes at most this many ids, as the service does.
_BATCH_GET_LIMIT = 20


def _profiles_by_id(
    client: Client, domain: str, profile_ids: Iterable[str]
) -> dict[str, Mapping[str, Any]]:
    """Service-shaped profiles by id, read from the store in batches."""
    wanted = list(dict.fromkeys(profile_ids))
    found: dict[str, Mapping[str, Any]] = {}
    for start in range(0, len(wanted), _BATCH_GET_LIMIT):
        result = client.batch_get_profile(
            domain, wanted[start : start + _BATCH_GET_LIMIT]
        )
        for profile in result.profiles:
            found[str(profile.profile_id)] = profile.to_dict()

    return found


def _views(
    matches: Sequence[MatchItem], profiles: Mapping[str, Mapping[str, Any]]
) -> list[_GroupView]:
    """Join match groups with their profiles and original row ids."""
    views = []
    for match in matches:
        members = []
        for profile_id in match.profile_ids:
            profile = profiles.get(profile_id, {})
            attributes = profile.get("Attributes") or {}
            row_id = str(attributes.get(ROW_ID_ATTRIBUTE, ""))
            members.append(_Member(profile_id, row_id, profile))
        views.append(
            _GroupView(match.match_id, float(match.confidence_score), tuple(members))
        )

    return views


def _input_profiles(
    data: InputFile, ids: Sequence[str]
) -> dict[str, Mapping[str, Any]]:
    """The profiles just read, keyed by the ids the store gave them."""
    return {
        profile_id: {**profile, "ProfileId": profile_id}
        for profile_id, profile in zip(ids, data.profiles, strict=True)
    }


def _name(profile: Mapping[str, Any]) -> str:
    """A person's name, or the business name, for display."""
    parts = [profile.get(k) for k in ("FirstName", "MiddleName", "LastName")]
    text = " ".join(str(p) for p in parts if p)

    return text or str(profile.get("BusinessName") or "")


def _first(profile: Mapping[str, Any], fields: Sequence[str]) -> str:
    """The first of several fields that has a value."""
    for field in fields:
        if profile.get(field):
            return str(profile[field])

    return ""


def _address(profile: Mapping[str, Any]) -> str:
    """The main address on one line."""
    address = profile.get("Address") or {}
    parts = [address.get(k) for k in ("Address1", "City", "PostalCode", "Country")]

    return ", ".join(str(p) for p in parts if p)


_TABLE_COLUMNS: tuple[tuple[str, int, Callable[[Mapping[str, Any]], str]], ...] = (
    ("name", 24, _name),
    ("email", 28, lambda p: _first(p, EMAIL_MEMBERS)),
    ("phone", 16, lambda p: _first(p, PHONE_MEMBERS)),
    ("birth date", 12, lambda p: str(p.get("BirthDate") or "")),
    ("address", 36, _address),
)


def _cut(text: str, width: int) -> str:
    """Fit text in a column, marking a cut with an ellipsis."""
    text = " ".join(text.split())
    if len(text) <= width:
        return text.ljust(width)

    return text[: width - 1] + "…"


def _table(views: Sequence[_GroupView], limit: int | None) -> list[str]:
    """The match groups as an aligned text table, one line per profile."""
    row_width = max([len("row id")] + [len(m.row_id) for v in views for m in v.members])
    row_width = min(row_width, 20)
    header = [
        "group".ljust(8),
        "score",
        "row id".ljust(row_width),
        "profile".ljust(8),
        *(title.ljust(width) for title, width, _ in _TABLE_COLUMNS),
    ]
    lines = ["  ".join(header).rstrip()]

    shown = views if limit is None else views[:limit]
    for view in shown:
        for index, member in enumerate(view.members):
            lead = (
                [view.match_id[:8].ljust(8), f"{view.confidence_score:.3f}"]
                if index == 0
                else [" " * 8, " " * 5]
            )
            cells = [
                *lead,
                _cut(member.row_id, row_width),
                member.profile_id[:8],
                *(_cut(get(member.profile), w) for _, w, get in _TABLE_COLUMNS),
            ]
            lines.append("  ".join(cells).rstrip())
        lines.append("")

    return lines


def _output_format(output: str | None, fmt: str | None) -> str:
    """The output format: the option, else the output file's extension."""
    if fmt:
        return fmt
    if output is None or output == "-":
        return "table"

    suffix = Path(output).suffix.lower()
    if suffix in (".jsonl", ".ndjson"):
        return "jsonl"
    if suffix == ".json":
        return "json"
    if suffix in (".csv", ".tsv", ".txt"):
        return "csv"
    raise BadRequestException(
        f"--output {output}: cannot tell the format from '{suffix or 'no'}' "
        "extension; use .jsonl, .csv or .json, or say --format",
        field="--output",
        rule="extension .jsonl, .csv or .json",
        value=output,
    )


def _records(views: Sequence[_GroupView]) -> Iterator[dict[str, Any]]:
    """Match groups in the service's MatchItem shape plus original row ids."""
    for view in views:
        yield {
            "MatchId": view.match_id,
            "ConfidenceScore": view.confidence_score,
            "ProfileIds": [m.profile_id for m in view.members],
            "RowIds": [m.row_id for m in view.members],
        }


def _write(views: Sequence[_GroupView], fmt: str, stream: IO[str]) -> None:
    """Write match groups as JSON Lines, JSON or CSV (one row per profile)."""
    if fmt == "jsonl":
        for record in _records(views):
            stream.write(json.dumps(record, ensure_ascii=False) + "\n")
    elif fmt == "json":
        json.dump(list(_records(views)), stream, ensure_ascii=False, indent=2)
        stream.write("\n")
    else:
        writer = csv.writer(stream, lineterminator="\n")
        writer.writerow(["match_id", "confidence_score", "profile_id", "row_id"])
        for view in views:
            for member in view.members:
                writer.writerow(
                    [
                        view.match_id,
                        f"{view.confidence_score:.6f}",
                        member.profile_id,
                        member.row_id,
                    ]
                )


def _emit(
    views: Sequence[_GroupView], output: str | None, fmt: str, limit: int | None
) -> None:
    """Print the table, or write a file (or standard output for ``-``)."""
    buffer = io.StringIO()
    if fmt == "table":
        lines = _table(views, limit) if views else ["No match groups found."]
        if limit is not None and len(views) > limit:
            lines.append(
                f"... and {len(views) - limit:,} more match groups; write them "
                "all with --output groups.csv (or --show 0 to print them all)."
            )
        buffer.write("\n".join(lines) + "\n")
    else:
        _write(views, fmt, buffer)

    if output is None or output == "-":
        click.echo(buffer.getvalue(), nl=False)
        return

    # Written from a buffer so a failure leaves no half-written file.
    Path(output).write_text(buffer.getvalue(), encoding="utf-8")
    click.echo(f"Wrote {len(views):,} match groups to {output} ({fmt}).", err=True)


def _json_default(value: Any) -> Any:
    """JSON for timestamps: ISO 8601."""
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()

    raise TypeError(f"not JSON serializable: {type(value).__name__}")


def _dumps(value: Any) -> str:
    """Pretty JSON with timestamps in ISO 8601."""
    return json.dumps(value, indent=2, ensure_ascii=False, default=_json_default)


def _stat(stats: Any, name: str) -> str:
    """A job statistic formatted with thousands separators, or '-'."""
    value = getattr(stats, name, None)

    return "-" if value is None else f"{value:,}"
