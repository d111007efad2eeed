"""profilematch beside Splink on the same generated profiles, in the same run.

Both tools get the same rows from ``generate.py`` and work unsupervised:

- profilematch through its public ``find_matches`` (normalization, blocking,
  EM training, scoring and clustering are its own);
- Splink (DuckDB backend) with a configuration a careful Splink user would
  write for these columns: light cleaning in Python (case, accents, phone
  digits, dates to ISO), a forename and surname comparison that handles
  swaps, date of birth, email and phone sets, address, postcode and city;
  the prior from deterministic rules, u from its own random sampling, m from
  EM on three blocking rules, then prediction and connected-component
  clustering at a threshold.

It prints the pairwise precision, recall and F1 of both against the ground
truth, the seconds of each and their ratio.  Without Splink installed it says
how to install the benchmark extra and exits 0.

Usage::

    python benchmarks/compare.py --rows 10000 --seed 1
    python benchmarks/compare.py --rows 100000 --splink-threshold 0.95 --json out.json
"""

from __future__ import annotations

import argparse
import collections
import importlib.util
import json
import logging
import re
import sys
import time
import unicodedata
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import profilematch as pm
from generate import generate, warm_up
from speed import profile_key, to_profile

Row = dict[str, str]
INSTALL_HINT = (
    "Splink is not installed, so there is nothing to compare against.\n"
    "Install the benchmark extra into a separate virtualenv and run again:\n\n"
    "    python -m venv /tmp/splinkvenv\n"
    "    /tmp/splinkvenv/bin/pip install -e '.[benchmark]'\n"
    "    /tmp/splinkvenv/bin/python benchmarks/compare.py --rows 10000\n"
)


def splink_available() -> bool:
    """Whether Splink and DuckDB can be imported here."""
    return all(importlib.util.find_spec(name) for name in ("splink", "duckdb"))


def pair_scores(
    truth: dict[str, str], groups: Iterable[Iterable[str]]
) -> dict[str, float]:
    """Pairwise precision, recall and F1 of predicted groups.

    Args:
        truth: Record id to its true cluster.
        groups: Predicted groups of record ids; singletons may be left out.

    Returns:
        precision, recall, f1 and the pair counts behind them.
    """
    true_sizes = collections.Counter(truth.values())
    true_pairs = sum(n * (n - 1) // 2 for n in true_sizes.values())

    found_pairs = 0
    correct = 0
    for group in groups:
        members = list(group)
        found_pairs += len(members) * (len(members) - 1) // 2
        overlap = collections.Counter(truth[member] for member in members)
        correct += sum(n * (n - 1) // 2 for n in overlap.values())

    precision = correct / found_pairs if found_pairs else 1.0
    recall = correct / true_pairs if true_pairs else 1.0
    f1 = 2 * precision * recall / (precision + recall) if correct else 0.0
    return {
        "precision": round(precision, 4),
        "recall": round(recall, 4),
        "f1": round(f1, 4),
        "true_pairs": true_pairs,
        "found_pairs": found_pairs,
        "correct_pairs": correct,
    }


def run_profilematch(rows: list[Row]) -> tuple[list[list[str]], float]:
    """Match the rows with profilematch's public find_matches.

    Returns:
        The groups as lists of row ids, and the seconds taken.
    """
    by_key = {profile_key(row["profile_id"]): row["profile_id"] for row in rows}
    profiles = [to_profile(row) for row in rows]

    clock = time.perf_counter()
    found = pm.find_matches(profiles)
    seconds = time.perf_counter() - clock

    groups = [[by_key[pid] for pid in item.profile_ids] for item in found]
    return groups, seconds


def _fold(text: str) -> str | None:
    text = unicodedata.normalize("NFKD", text.strip().lower())
    text = "".join(char for char in text if not unicodedata.combining(char))
    text = re.sub(r"[^a-z0-9 '-]", "", text).strip()
    return text or None


def _phone(text: str) -> str | None:
    # The last nine digits agree between national and international forms in
    # every country of the generator, without needing a phone library.
    digits = re.sub(r"\D", "", text)
    return digits[-9:] if len(digits) >= 7 else None


_DATE_PATTERNS = (
    (re.compile(r"^(\d{4})[-/]?(\d{2})[-/]?(\d{2})$"), (1, 2, 3)),
    (re.compile(r"^(\d{2})/(\d{2})/(\d{4})$"), (3, 1, 2)),
    (re.compile(r"^(\d{2})[.-](\d{2})[.-](\d{4})$"), (3, 2, 1)),
)
_MONTHS = {
    name: index
    for index, name in enumerate(
        [
            "jan",
            "feb",
            "mar",
            "apr",
            "may",
            "jun",
            "jul",
            "aug",
            "sep",
            "oct",
            "nov",
            "dec",
        ],
        start=1,
    )
}


def _date(text: str, country: str) -> str | None:
    text = text.strip()
    for pattern, (y, m, d) in _DATE_PATTERNS:
        found = pattern.match(text)
        if found:
            year, month, day = (int(found.group(i)) for i in (y, m, d))
            if found.re.pattern.startswith("^(\\d{2})/") and country != "US":
                month, day = day, month
            return f"{year:04d}-{month:02d}-{day:02d}"
    words = re.findall(r"[A-Za-z]+|\d+", text)
    numbers = [int(word) for word in words if word.isdigit()]
    months = [_MONTHS.get(word[:3].lower()) for word in words if word.isalpha()]
    if len(numbers) == 2 and months and months[0]:
        day, year = sorted(numbers)
        return f"{year:04d}-{months[0]:02d}-{day:02d}"
    return None


def splink_record(row: Row) -> dict[str, Any]:
    """Clean one row the way a Splink user would before linking."""
    emails = sorted(
        {
            row[column].strip().lower()
            for column in (
                "email_address",
                "personal_email_address",
                "business_email_address",
            )
            if row[column].strip()
        }
    )
    phones = sorted(
        {
            phone
            for column in (
                "phone_number",
                "mobile_phone_number",
                "home_phone_number",
                "business_phone_number",
            )
            if row[column] and (phone := _phone(row[column]))
        }
    )
    return {
        "unique_id": row["profile_id"],
        "first_name": _fold(row["first_name"]),
        "surname": _fold(row["last_name"]),
        "dob": _date(row["birth_date"], row["country"]) if row["birth_date"] else None,
        "emails": emails or None,
        "email1": emails[0] if emails else None,
        "phones": phones or None,
        "phone1": phones[0] if phones else None,
        "address1": _fold(row["address1"]),
        "postcode": re.sub(r"\s", "", row["postal_code"].upper()) or None,
        "city": _fold(row["city"]),
    }


def run_splink(
    rows: list[Row], *, threshold: float, seed: int
) -> tuple[list[list[str]], float, str]:
    """Deduplicate the rows with Splink, unsupervised, on DuckDB.

    Returns:
        The clusters of two or more row ids, the seconds taken (cleaning,
        training, prediction and clustering) and Splink's version.
    """
    # Imported by name: Splink lives in another virtualenv than the type
    # checker, and its API moved between major versions.
    splink: Any = importlib.import_module("splink")
    cl: Any = importlib.import_module("splink.comparison_library")
    linker_class, settings_class, block_on = (
        splink.Linker,
        splink.SettingsCreator,
        splink.block_on,
    )
    try:
        duckdb_api: Any = importlib.import_module("splink.backends.duckdb").DuckDBAPI
    except ImportError:
        duckdb_api = splink.DuckDBAPI

    clock = time.perf_counter()
    records = [splink_record(row) for row in rows]
    settings = settings_class(
        link_type="dedupe_only",
        comparisons=[
            cl.ForenameSurnameComparison("first_name", "surname"),
            cl.DateOfBirthComparison("dob", input_is_string=True),
            cl.ArrayIntersectAtSizes("emails", [1]),
            cl.ArrayIntersectAtSizes("phones", [1]),
            cl.JaroWinklerAtThresholds("address1", [0.9]),
            cl.ExactMatch("postcode"),
            cl.ExactMatch("city").configure(term_frequency_adjustments=True),
        ],
        blocking_rules_to_generate_predictions=[
            block_on("first_name", "surname"),
            block_on("surname", "dob"),
            block_on("email1"),
            block_on("phone1"),
            block_on("postcode", "surname"),
        ],
        retain_intermediate_calculation_columns=False,
    )
    db_api = duckdb_api()
    if hasattr(db_api, "register"):
        linker = linker_class(db_api.register(records), settings)
    else:
        pandas: Any = importlib.import_module("pandas")
        linker = linker_class(pandas.DataFrame(records), settings, db_api)
    # Splink logs every EM iteration at INFO; the comparison prints a table.
    logging.getLogger("splink").setLevel(logging.WARNING)

    linker.training.estimate_probability_two_random_records_match(
        [block_on("email1"), block_on("first_name", "surname", "dob")], recall=0.7
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=2e6, seed=seed)
    for rule in (
        block_on("first_name", "surname"),
        block_on("dob"),
        block_on("email1"),
    ):
        linker.training.estimate_parameters_using_expectation_maximisation(rule)
    predictions = linker.inference.predict(threshold_match_probability=0.01)
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(
        predictions, threshold_match_probability=threshold
    )
    members: dict[Any, list[str]] = collections.defaultdict(list)
    for cluster_id, unique_id in _fetch(clusters, "cluster_id", "unique_id"):
        members[cluster_id].append(str(unique_id))
    seconds = time.perf_counter() - clock

    groups = [group for group in members.values() if len(group) > 1]
    return groups, seconds, splink.__version__


def _fetch(frame: Any, *columns: str) -> list[tuple[Any, ...]]:
    if hasattr(frame, "as_duckdbpyrelation"):
        relation = frame.as_duckdbpyrelation()
        rows: list[tuple[Any, ...]] = relation.select(*columns).fetchall()
        return rows
    table = frame.as_pandas_dataframe()
    return list(table[list(columns)].itertuples(index=False, name=None))


def compare(rows: int, seed: int, *, splink_threshold: float = 0.9) -> dict[str, Any]:
    """Run both tools on one generated data set.

    Args:
        rows: Number of generated profiles.
        seed: Generator seed (Splink's sampling uses it too).
        splink_threshold: Match probability at which Splink's clusters join.

    Returns:
        A JSON-ready dict with both tools' scores and seconds.
    """
    warm_up()
    data = list(generate(rows, seed))
    truth = {row["profile_id"]: row["cluster_id"] for row in data}

    pm_groups, pm_seconds = run_profilematch(data)
    sp_groups, sp_seconds, version = run_splink(
        data, threshold=splink_threshold, seed=seed
    )

    return {
        "rows": rows,
        "seed": seed,
        "profilematch": {
            "version": pm.__version__,
            "seconds": round(pm_seconds, 2),
            **pair_scores(truth, pm_groups),
        },
        "splink": {
            "version": version,
            "threshold": splink_threshold,
            "seconds": round(sp_seconds, 2),
            **pair_scores(truth, sp_groups),
        },
        "time_ratio_profilematch_to_splink": round(pm_seconds / sp_seconds, 2),
    }


def markdown(result: dict[str, Any]) -> str:
    """Render one comparison as a Markdown table."""
    lines = [
        f"{result['rows']:,} generated profiles, seed {result['seed']}:",
        "",
        "| tool | precision | recall | F1 | seconds |",
        "|---|---:|---:|---:|---:|",
    ]
    for tool in ("profilematch", "splink"):
        part = result[tool]
        name = f"{tool} {part['version']}"
        if tool == "splink":
            name += f" (threshold {part['threshold']})"
        lines.append(
            f"| {name} | {part['precision']:.3f} | {part['recall']:.3f} "
            f"| {part['f1']:.3f} | {part['seconds']:.1f} |"
        )
    lines += [
        "",
        "profilematch takes "
        f"{result['time_ratio_profilematch_to_splink']}x Splink's time.",
    ]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the comparison from the command line."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=10_000, help="profiles")
    parser.add_argument("--seed", type=int, default=1, help="generator seed")
    parser.add_argument(
        "--splink-threshold",
        type=float,
        default=0.9,
        help="match probability at which Splink clusters (default 0.9)",
    )
    parser.add_argument("--json", type=Path, help="also write the result here")
    args = parser.parse_args(argv)

    if not splink_available():
        print(INSTALL_HINT)
        return 0

    result = compare(args.rows, args.seed, splink_threshold=args.splink_threshold)
    print(markdown(result))
    if args.json is not None:
        args.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")

    return 0


if __name__ == "__main__":
    sys.exit(main())
