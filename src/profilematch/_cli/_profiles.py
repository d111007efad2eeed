"""Commands that name profiles: explain and merge.

Both take profile ids, or the original row ids of the imported file; a row id
is looked up among the domain's profiles and must belong to exactly one.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import attrs
import click

from profilematch._cli._base import _client
from profilematch._cli._options import _store_options
from profilematch._cli._output import _dumps
from profilematch._client import Client
from profilematch._errors import BadRequestException, ResourceNotFoundException
from profilematch._io import ROW_ID_ATTRIBUTE

__all__ = ["explain_command", "merge_command"]

_PROFILE_ID = re.compile(r"^[a-f0-9]{32}$")


def _resolve_ids(client: Client, domain: str, ids: Sequence[str]) -> list[str]:
    """Profile ids for ids given as profile ids or as original row ids.

    Raises:
        ResourceNotFoundException: an id is neither a profile id nor the row
            id of a profile in the domain.
        BadRequestException: a row id belongs to several profiles.
    """
    wanted = {i for i in ids if not _PROFILE_ID.match(i)}
    if not wanted:
        return list(ids)

    found: dict[str, list[str]] = {i: [] for i in wanted}
    for record in client.store.iter_profiles(domain):
        row_id = (record.raw.get("Attributes") or {}).get(ROW_ID_ATTRIBUTE)
        if row_id in found:
            found[row_id].append(record.profile_id)
    for row_id, profile_ids in found.items():
        if not profile_ids:
            raise ResourceNotFoundException(
                f"{row_id}: no profile with this profile id or row id in domain "
                f"'{domain}'; profile ids are 32 hex characters, row ids come "
                "from the imported file, and a merged row's profile is gone (use "
                "the profile id of the profile it was merged into)"
            )
        if len(profile_ids) > 1:
            raise BadRequestException(
                f"row id {row_id} belongs to {len(profile_ids)} profiles "
                f"({', '.join(profile_ids)}); name one by its profile id",
                field="ID",
                rule="unique row id",
                value=row_id,
            )

    return [found[i][0] if i in found else i for i in ids]


@click.command("explain")
@click.argument("id_a")
@click.argument("id_b")
@_store_options
@click.option("--json", "as_json", is_flag=True, help="Print the explanation as JSON.")
@click.option("--job-id", help="Score with this job's model (default: the latest).")
def explain_command(
    db: str, domain: str, id_a: str, id_b: str, as_json: bool, job_id: str | None
) -> None:
    """Explain the score of two profiles: levels and match weights per attribute.

    ID_A and ID_B are profile ids, or row ids from the imported file.
    """
    with _client(db) as client:
        first, second = _resolve_ids(client, domain, [id_a, id_b])
        explanation = client.explain_match(domain, first, second, job_id=job_id)

    if as_json:
        click.echo(_dumps(attrs.asdict(explanation)))
        return

    click.echo(f"{first} and {second}:")
    click.echo(str(explanation))


@click.command("merge")
@click.argument("main_id")
@click.argument("ids", nargs=-1, required=True)
@_store_options
def merge_command(db: str, domain: str, main_id: str, ids: tuple[str, ...]) -> None:
    """Merge the profiles IDS into MAIN_ID (MergeProfiles).

    Ids are profile ids, or row ids from the imported file.
    """
    with _client(db) as client:
        main, *others = _resolve_ids(client, domain, [main_id, *ids])
        message = client.merge_profiles(domain, main, others)

    click.echo(message or f"Merged {len(others)} profiles into {main}.")
