"""Accuracy of profilematch on the labelled data sets.

For each set: pairwise precision, recall and F1 of the match groups against the
ground truth at the default threshold and at the best of a sweep of thresholds,
cluster-level figures (share of true groups found exactly, share of found
groups that are exactly true), pair completeness and reduction ratio of the
blocking, and seconds. The groups come from ``profilematch.find_matches``, the
public API; the sweep reuses the model trained by the first run.

Usage::

    .venv/bin/python benchmarks/accuracy.py            # every set
    .venv/bin/python benchmarks/accuracy.py --quick    # small sets, no sweep
    .venv/bin/python benchmarks/accuracy.py --only febrl3 splink
    .venv/bin/python benchmarks/accuracy.py --only generated \
        --generated-rows 1000000 --no-sweep                # at scale
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import itertools
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from profilematch import find_matches
from profilematch._block import candidate_pairs
from profilematch._features import profile_features
from profilematch._matcher import MatchOptions, match_features
from profilematch._models import Profile

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
if not DATA.exists():
    DATA = Path(__file__).resolve().parents[1] / ".." / "shared" / "data"

Row = dict[str, str]
Mapper = Callable[[Row], dict[str, Any]]


def _clean(value: str | None) -> str | None:
    if value is None:
        return None
    value = value.strip().strip("'").strip()
    return value or None


def _put(target: dict[str, Any], key: str, value: str | None) -> None:
    value = _clean(value)
    if value is None:
        return
    if key.startswith("Address."):
        target.setdefault("Address", {})[key.split(".", 1)[1]] = value[:255]
    else:
        target[key] = value[:255]


def _simple(mapping: dict[str, str], extra: dict[str, str] | None = None) -> Mapper:
    """A mapper that copies CSV columns to profile fields."""

    def mapper(row: Row) -> dict[str, Any]:
        profile: dict[str, Any] = {}
        for column, field in mapping.items():
            _put(profile, field, row.get(column))
        for field, value in (extra or {}).items():
            if profile:
                _put(profile, field, value)
        return profile

    return mapper


CUSTOMERS = _simple(
    {
        "first_name": "FirstName",
        "middle_name": "MiddleName",
        "last_name": "LastName",
        "email_address": "EmailAddress",
        "personal_email_address": "PersonalEmailAddress",
        "business_email_address": "BusinessEmailAddress",
        "phone_number": "PhoneNumber",
        "home_phone_number": "HomePhoneNumber",
        "mobile_phone_number": "MobilePhoneNumber",
        "business_phone_number": "BusinessPhoneNumber",
        "address1": "Address.Address1",
        "city": "Address.City",
        "postal_code": "Address.PostalCode",
        "country": "Address.Country",
        "birth_date": "BirthDate",
    }
)


def FEBRL(row: Row) -> dict[str, Any]:
    """FEBRL columns: street number and address_1 form Address1; country AU."""
    profile = _simple(
        {
            "given_name": "FirstName",
            "surname": "LastName",
            "address_2": "Address.Address2",
            "suburb": "Address.City",
            "postcode": "Address.PostalCode",
            "state": "Address.State",
            "date_of_birth": "BirthDate",
            "soc_sec_id": "AccountNumber",
        }
    )(row)
    street = " ".join(
        part
        for part in (_clean(row["street_number"]), _clean(row["address_1"]))
        if part
    )
    _put(profile, "Address.Address1", street)
    _put(profile, "Address.Country", "AU")
    return profile


SPLINK = _simple(
    {
        "first_name": "FirstName",
        "surname": "LastName",
        "dob": "BirthDate",
        "city": "Address.City",
        "email": "EmailAddress",
    },
    {"Address.Country": "GB"},
)
RESTAURANTS = _simple(
    {
        "name": "BusinessName",
        "addr": "Address.Address1",
        "city": "Address.City",
        "phone": "PhoneNumber",
    }
)
DEDUPE = _simple(
    {
        "Site name": "BusinessName",
        "Address": "Address.Address1",
        "Zip": "Address.PostalCode",
        "Phone": "PhoneNumber",
    }
)


def _read(path: Path) -> Iterator[Row]:
    with path.open(newline="", encoding="utf-8") as handle:
        yield from csv.DictReader(handle, skipinitialspace=True)


# name -> (files, ground-truth column, source id column, mapper, F1 target)
SETS: dict[str, tuple[tuple[str, ...], str, str | None, Mapper, float]] = {
    "customers": (
        ("customers_synthetic/customers_dev_10k.csv",),
        "cluster_id",
        "profile_id",
        CUSTOMERS,
        0.95,
    ),
    "generated": (("",), "cluster_id", "profile_id", CUSTOMERS, 0.95),
    "febrl1": (("febrl/dataset1_with_entity.csv",), "entity_id", "rec_id", FEBRL, 0.0),
    "febrl2": (("febrl/dataset2_with_entity.csv",), "entity_id", "rec_id", FEBRL, 0.0),
    "febrl3": (
        ("febrl/dataset3_with_entity.csv",),
        "entity_id",
        "rec_id",
        FEBRL,
        0.995,
    ),
    "febrl4": (
        ("febrl/dataset4a_with_entity.csv", "febrl/dataset4b_with_entity.csv"),
        "entity_id",
        "rec_id",
        FEBRL,
        0.995,
    ),
    "splink": (
        ("splink_fake_1000/fake_1000_from_splink_demos.csv",),
        "cluster",
        "unique_id",
        SPLINK,
        0.95,
    ),
    "restaurants": (("restaurants/restaurant.csv",), "class", "id", RESTAURANTS, 0.9),
    "dedupe": (
        ("dedupe_csv_example/csv_example_input_with_true_ids.csv",),
        "True Id",
        "Id",
        DEDUPE,
        0.0,
    ),
}
QUICK = ("febrl1", "splink", "restaurants")
SWEEP = (0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.99)


GENERATED_ROWS = {"generated": 20_000}
"""Rows made by benchmarks/generate.py (seed 7) for the "generated" set."""


def _rows(name: str, file: str) -> Iterator[Row]:
    if name in GENERATED_ROWS:
        sys.path.insert(0, str(Path(__file__).parent))
        from generate import generate  # the benchmark engineer's generator

        for row in generate(GENERATED_ROWS[name], 7):
            yield {
                key: "" if value is None else str(value) for key, value in row.items()
            }
        return
    yield from _read(DATA / file)


def load(name: str) -> tuple[list[dict[str, Any]], dict[str, str]]:
    """Profiles of a set as PascalCase dicts, and each profile id's true entity."""
    files, truth_column, id_column, mapper, _ = SETS[name]
    profiles: list[dict[str, Any]] = []
    truth: dict[str, str] = {}
    for file_index, file in enumerate(files):
        for line, row in enumerate(_rows(name, file)):
            source = f"{file_index}:{row.get(id_column) if id_column else line}"
            profile_id = hashlib.md5(f"{name}:{source}".encode()).hexdigest()
            profile = mapper(row)
            profile["ProfileId"] = profile_id
            profiles.append(profile)
            truth[profile_id] = _clean(row[truth_column]) or f"row{line}"
    return profiles, truth


def _pairs(groups: Iterable[Iterable[str]]) -> set[tuple[str, str]]:
    pairs: set[tuple[str, str]] = set()
    for group in groups:
        pairs.update(itertools.combinations(sorted(group), 2))
    return pairs


def _true_groups(truth: dict[str, str]) -> list[list[str]]:
    by_entity: dict[str, list[str]] = defaultdict(list)
    for profile_id, entity in truth.items():
        by_entity[entity].append(profile_id)
    return [members for members in by_entity.values() if len(members) > 1]


def _prf(found: set[tuple[str, str]], true: set[tuple[str, str]]) -> tuple[float, ...]:
    hits = len(found & true)
    precision = hits / len(found) if found else 1.0
    recall = hits / len(true) if true else 1.0
    f1 = 2 * precision * recall / (precision + recall) if hits else 0.0
    return precision, recall, f1


def evaluate(name: str, *, sweep: bool) -> dict[str, Any]:
    """Every figure of one set."""
    profiles, truth = load(name)
    true_groups = _true_groups(truth)
    true_pairs = _pairs(true_groups)

    started = time.perf_counter()
    groups = find_matches(profiles)
    seconds = time.perf_counter() - started
    found_pairs = _pairs(g.profile_ids for g in groups)
    precision, recall, f1 = _prf(found_pairs, true_pairs)

    true_sets = {frozenset(g) for g in true_groups}
    found_sets = {frozenset(g.profile_ids) for g in groups}
    exact = len(true_sets & found_sets)

    features = [profile_features(Profile.from_dict(p)) for p in profiles]
    codes, oversized = candidate_pairs(features)
    n = len(features)
    ids = [f.profile_id for f in features]
    candidates = {
        (min(ids[i], ids[j]), max(ids[i], ids[j]))
        for i, j in (divmod(code, n) for code in codes)
    }
    completeness = len(candidates & true_pairs) / len(true_pairs) if true_pairs else 1
    reduction = 1 - len(codes) / (n * (n - 1) / 2)

    result: dict[str, Any] = {
        "set": name,
        "profiles": n,
        "true_pairs": len(true_pairs),
        "precision": precision,
        "recall": recall,
        "f1": f1,
        "target": SETS[name][4],
        "groups_exact_recall": exact / len(true_sets) if true_sets else 1.0,
        "groups_exact_precision": exact / len(found_sets) if found_sets else 1.0,
        "pair_completeness": completeness,
        "reduction_ratio": reduction,
        "candidate_pairs": len(codes),
        "oversized_keys": len(oversized),
        "seconds": seconds,
    }
    if sweep:
        trained = match_features(features)
        best = (f1, 0.5)
        for threshold in SWEEP:
            run = match_features(
                features, options=MatchOptions(threshold=threshold), model=trained.model
            )
            swept = _pairs(g.profile_ids for g in run.groups)
            best = max(best, (_prf(swept, true_pairs)[2], threshold))
        result["best_f1"], result["best_threshold"] = best
    return result


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print one line per set."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sets, no sweep")
    parser.add_argument("--only", nargs="*", choices=sorted(SETS), help="these sets")
    parser.add_argument(
        "--no-sweep",
        action="store_true",
        help="skip the threshold sweep (it reruns matching once per threshold)",
    )
    parser.add_argument(
        "--generated-rows",
        type=int,
        default=GENERATED_ROWS["generated"],
        help="rows of the generated set (benchmarks/generate.py, seed 7)",
    )
    args = parser.parse_args(argv)

    GENERATED_ROWS["generated"] = args.generated_rows
    names = args.only or (QUICK if args.quick else tuple(SETS))
    header = (
        f"{'set':<12} {'n':>6} {'P':>6} {'R':>6} {'F1':>6} {'target':>6} "
        f"{'bestF1':>6} {'@thr':>5} {'grpR':>6} {'grpP':>6} {'PC':>6} {'RR':>8} "
        f"{'pairs':>8} {'big':>4} {'sec':>6}"
    )
    print(header)
    for name in names:
        r = evaluate(name, sweep=not (args.quick or args.no_sweep))
        print(
            f"{r['set']:<12} {r['profiles']:>6} {r['precision']:>6.4f} "
            f"{r['recall']:>6.4f} {r['f1']:>6.4f} {r['target']:>6.3f} "
            f"{r.get('best_f1', float('nan')):>6.4f} "
            f"{r.get('best_threshold', float('nan')):>5.2f} "
            f"{r['groups_exact_recall']:>6.4f} {r['groups_exact_precision']:>6.4f} "
            f"{r['pair_completeness']:>6.4f} {r['reduction_ratio']:>8.6f} "
            f"{r['candidate_pairs']:>8} {r['oversized_keys']:>4} {r['seconds']:>6.1f}",
            flush=True,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
