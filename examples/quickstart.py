"""From a domain to pages of match groups, and why one pair matched.

Run from the repository root: ``python examples/quickstart.py``.
"""

from __future__ import annotations

from pathlib import Path

import profilematch as pm

CUSTOMERS = Path(__file__).with_name("customers.csv")


def main() -> None:
    """Import the example customers, run a job and read its match groups."""
    with pm.Client() as client:  # in memory; pass a path to keep the store
        client.create_domain(
            "retail", default_expiration_days=366, matching=pm.Matching(enabled=True)
        )
        # A CSV path is read with the columns mapped by their names; dicts and
        # Profile objects work too, and pm.read_profiles maps columns by hand.
        ids = client.put_profiles("retail", CUSTOMERS)
        print(f"imported {len(ids)} profiles")

        job = client.run_identity_resolution_job("retail", seed=42)
        print(f"job {job.job_id}: {job.status}")
        if job.job_stats is not None:
            print("stats:", job.job_stats.to_dict())

        # Two pages of at most five match groups, highest confidence first.
        page = client.get_matches("retail", max_results=5)
        print(f"{page.potential_matches} match groups; first page:")
        for match in page.matches:
            print(f"  {match.match_id[:8]} {match.confidence_score:.3f}", end=" ")
            print(", ".join(pid[:8] for pid in match.profile_ids))
        page = client.get_matches("retail", max_results=5, next_token=page.next_token)
        print(f"second page: {[m.match_id[:8] for m in page.matches]}")

        # iter_matches follows the next tokens for you.
        sizes = [len(match.profile_ids) for match in client.iter_matches("retail")]
        print(f"profiles in match groups: {sum(sizes)}, largest group: {max(sizes)}")

        # Explain the top group's first pair with the model the job trained.
        top = client.get_matches("retail", max_results=1).matches[0]
        print(f"why {top.match_id[:8]} matched:")
        print(client.explain_match("retail", *top.profile_ids[:2]))


if __name__ == "__main__":
    main()
