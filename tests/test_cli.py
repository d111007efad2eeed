"""Tests of the profilematch command line."""

from __future__ import annotations

import bz2
import gzip
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

import profilematch as pm
from profilematch._cli import cli


@pytest.fixture
def runner(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    """A CliRunner working in a fresh directory, so the default store is new."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("PROFILEMATCH_DB", raising=False)
    monkeypatch.delenv("PROFILEMATCH_DOMAIN", raising=False)
    return CliRunner()


def write(path: Path, text: str, encoding: str = "utf-8") -> str:
    """Write an input file and return its path as the command line takes it."""
    path.write_bytes(text.encode(encoding))
    return str(path)


def test_missing_file_is_one_line_and_exit_2(runner, tmp_path):
    """A missing input file prints one error line and exits with 2."""
    result = runner.invoke(cli, ["match", str(tmp_path / "nope.csv")])

    assert 2 == result.exit_code
    assert [
        f"profilematch: error: {tmp_path / 'nope.csv'}: no such file; check the path"
    ] == result.stderr.splitlines()
    assert not (tmp_path / "profilematch.db").exists()


def test_unreadable_encoding_names_file_and_line(runner, tmp_path):
    """A file in the wrong encoding fails with its name, line and a remedy."""
    path = write(tmp_path / "latin.csv", "id,first_name\n1,José\n", "latin-1")

    result = runner.invoke(cli, ["match", path])

    assert 2 == result.exit_code
    assert 1 == len(result.stderr.splitlines())
    assert f"{path}: line 2" in result.stderr
    assert "--encoding" in result.stderr


def test_unknown_map_column_is_refused_before_the_store(runner, tmp_path):
    """--map naming a column the file lacks fails and creates no store."""
    path = write(tmp_path / "p.csv", "id,first_name\n1,Ann\n")

    result = runner.invoke(cli, ["import", path, "--map", "LastName=surname"])

    assert 2 == result.exit_code
    assert "no column 'surname'" in result.stderr
    assert not (tmp_path / "profilematch.db").exists()


def test_value_beyond_limits_names_row_and_column(runner, tmp_path):
    """A value longer than the service allows names the file, row and column."""
    path = write(tmp_path / "p.csv", f"id,first_name\n1,Ann\n2,{'x' * 300}\n")

    result = runner.invoke(cli, ["match", path])

    assert 2 == result.exit_code
    assert 1 == len(result.stderr.splitlines())
    assert f"{path}: row 2 (line 3), column 'first_name'" in result.stderr
    assert not (tmp_path / "profilematch.db").exists()


def test_output_extension_must_name_a_format(runner, tmp_path):
    """--output with an unknown extension is refused before any work."""
    path = write(tmp_path / "p.csv", "id,first_name\n1,Ann\n")

    result = runner.invoke(cli, ["match", path, "--output", "groups.xlsx"])

    assert 2 == result.exit_code
    assert "--format" in result.stderr


def test_help_lists_every_command(runner):
    """The top-level help lists every subcommand."""
    result = runner.invoke(cli, ["--help"])

    assert 0 == result.exit_code
    for command in ("match", "import", "run", "matches", "jobs", "explain", "merge"):
        assert f"  {command} " in result.stdout


PEOPLE = """id,first_name,last_name,email,phone,city,dob
a1,Ann,Lee,ann.lee@example.com,+1 206 555 0100,Seattle,1980-01-02
a2,Anne,Lee,ANN.LEE@example.com,(206) 555-0100,Seattle,1980-01-02
b1,Bob,Smith,bob@smith.org,+1 312 555 0199,Chicago,1975-05-06
b2,Robert,Smith,bob@smith.org,312-555-0199,Chicago,1975-05-06
c1,Carla,Diaz,carla@diaz.net,+1 415 555 0142,San Francisco,1990-09-09
d1,Dmitri,Volkov,dv@volkov.ru,+1 646 555 0177,New York,1966-12-30
"""


def groups_of(csv_text: str) -> set[frozenset[str]]:
    """The match groups of a CSV output, as sets of row ids."""
    groups: dict[str, set[str]] = {}
    for line in csv_text.splitlines()[1:]:
        match_id, _score, _profile_id, row_id = line.split(",")
        groups.setdefault(match_id, set()).add(row_id)
    return {frozenset(g) for g in groups.values()}


@pytest.fixture
def people(tmp_path: Path) -> str:
    """A small customers file with two pairs of duplicates."""
    return write(tmp_path / "people.csv", PEOPLE)


def test_match_prints_groups_with_row_ids_and_a_summary(runner, people):
    """match prints a table with each group's row ids and a closing summary."""
    result = runner.invoke(cli, ["match", people])

    assert 0 == result.exit_code, result.output
    assert "a1" in result.stdout and "a2" in result.stdout
    assert "b1" in result.stdout and "b2" in result.stdout
    assert "Profiles: 6" in result.stderr
    assert "Match groups: 2" in result.stderr
    assert "Profiles in groups: 4" in result.stderr
    assert "FirstName" in result.stderr


def test_match_writes_csv_that_joins_back_on_row_ids(runner, people, tmp_path):
    """match --output groups.csv writes one line per grouped profile with its row id."""
    result = runner.invoke(cli, ["match", people, "--db", ":memory:", "-o", "g.csv"])

    assert 0 == result.exit_code, result.output
    text = (tmp_path / "g.csv").read_text()
    assert "match_id,confidence_score,profile_id,row_id" == text.splitlines()[0]
    assert {frozenset({"a1", "a2"}), frozenset({"b1", "b2"})} == groups_of(text)
    assert not (tmp_path / "profilematch.db").exists()


def test_match_writes_jsonl_in_the_service_shape(runner, people, tmp_path):
    """JSON Lines output holds MatchItems with the row ids beside the profile ids."""
    result = runner.invoke(cli, ["match", people, "-o", "g.jsonl"])

    assert 0 == result.exit_code, result.output
    items = [
        json.loads(line) for line in (tmp_path / "g.jsonl").read_text().splitlines()
    ]
    assert {frozenset({"a1", "a2"}), frozenset({"b1", "b2"})} == {
        frozenset(item["RowIds"]) for item in items
    }
    for item in items:
        assert ["ConfidenceScore", "MatchId", "ProfileIds", "RowIds"] == sorted(item)
        assert 0.0 <= item["ConfidenceScore"] <= 1.0


def test_match_twice_replaces_the_domain(runner, people):
    """Running match twice on one file gives the same groups, not self-matches."""
    first = runner.invoke(cli, ["match", people, "-o", "-", "--format", "csv"])
    second = runner.invoke(cli, ["match", people, "-o", "-", "--format", "csv"])

    assert 0 == second.exit_code, second.output
    assert groups_of(first.stdout) == groups_of(second.stdout)
    assert "Replaced the 6 profiles" in second.stderr


def test_import_run_and_page_through_matches(runner, people):
    """import, run and matches page through every group with NextToken."""
    assert 0 == runner.invoke(cli, ["import", people]).exit_code
    run = runner.invoke(cli, ["run"])
    first = runner.invoke(cli, ["matches", "--max-results", "1"])
    page = json.loads(first.stdout)
    second = runner.invoke(
        cli, ["matches", "--max-results", "1", "--next-token", page["NextToken"]]
    )
    last = json.loads(second.stdout)

    assert 0 == run.exit_code, run.output
    assert "COMPLETED" in run.stdout
    assert 1 == len(page["Matches"]) == len(last["Matches"])
    assert "NextToken" not in last
    assert page["Matches"][0]["MatchId"] != last["Matches"][0]["MatchId"]


def test_matches_with_a_bad_token_is_a_bad_request(runner, people):
    """A malformed --next-token is refused with exit code 2 and one line."""
    runner.invoke(cli, ["match", people])

    result = runner.invoke(cli, ["matches", "--next-token", "garbage"])

    assert 2 == result.exit_code
    assert result.stderr.startswith("profilematch: error: ")


def test_jobs_lists_the_job_run(runner, people):
    """jobs lists the job that match ran, in the table and in JSON."""
    runner.invoke(cli, ["match", people])

    table = runner.invoke(cli, ["jobs"])
    listed = json.loads(runner.invoke(cli, ["jobs", "--json"]).stdout)

    assert 0 == table.exit_code, table.output
    assert "COMPLETED" in table.stdout
    assert 1 == len(listed["IdentityResolutionJobsList"])


def test_explain_accepts_row_ids(runner, people):
    """explain takes two row ids from the file and prints the family table."""
    runner.invoke(cli, ["match", people])

    result = runner.invoke(cli, ["explain", "a1", "a2"])

    assert 0 == result.exit_code, result.output
    assert "email" in result.stdout
    assert "probability" in result.stdout


def test_explain_unknown_id_fails_cleanly(runner, people):
    """explain with an id that names no profile exits non-zero with one line."""
    runner.invoke(cli, ["match", people])

    result = runner.invoke(cli, ["explain", "a1", "zz"])

    assert 1 == result.exit_code
    assert 1 == len(result.stderr.splitlines())
    assert "zz" in result.stderr


def test_explain_json_lists_every_family(runner, people):
    """explain --json gives each attribute family's level and match weight."""
    runner.invoke(cli, ["match", people])

    result = runner.invoke(cli, ["explain", "b1", "b2", "--json"])

    assert 0 == result.exit_code, result.output
    families = json.loads(result.stdout)["families"]
    assert {"name", "email", "phone"} <= {f["family"] for f in families}


def test_merge_then_export(runner, people, tmp_path):
    """merge folds profiles into one; export writes the groups with row ids."""
    runner.invoke(cli, ["match", people])

    merged = runner.invoke(cli, ["merge", "b1", "b2"])
    exported = runner.invoke(cli, ["export", "-o", "all.csv"])

    assert 0 == merged.exit_code, merged.output
    assert 0 == exported.exit_code, exported.output
    assert "a1" in (tmp_path / "all.csv").read_text()


def test_progress_bars_go_to_stderr_when_asked(runner, people):
    """--progress shows the job's stages on standard error, not in the data."""
    result = runner.invoke(cli, ["match", people, "--progress", "-o", "-"])

    assert 0 == result.exit_code, result.output
    assert "FIND_MATCHING" in result.stderr
    assert "FIND_MATCHING" not in result.stdout


def test_match_reads_json_lines(runner, tmp_path):
    """A JSON Lines file of service-shaped objects is matched like a CSV."""
    lines = [
        {
            "id": f"r{i}",
            "FirstName": first,
            "LastName": "Okafor",
            "EmailAddress": "chi@okafor.ng",
            "Address": {"City": "Lagos"},
        }
        for i, first in enumerate(["Chinedu", "Chinedu", "Chi"])
    ]
    path = write(tmp_path / "p.jsonl", "".join(json.dumps(x) + "\n" for x in lines))

    result = runner.invoke(cli, ["match", path, "-o", "-", "--format", "jsonl"])

    assert 0 == result.exit_code, result.output
    items = [json.loads(line) for line in result.stdout.splitlines()]
    assert [{"r0", "r1", "r2"}] == [set(item["RowIds"]) for item in items]


def test_match_reads_a_gzip_csv(runner, tmp_path):
    """match on a .csv.gz file finds the groups it finds in the plain CSV."""
    path = tmp_path / "people.csv.gz"
    path.write_bytes(gzip.compress(PEOPLE.encode()))

    result = runner.invoke(cli, ["match", str(path), "-o", "-", "--format", "csv"])

    assert 0 == result.exit_code, result.output
    assert {frozenset({"a1", "a2"}), frozenset({"b1", "b2"})} == groups_of(
        result.stdout
    )
    assert f"Read 6 rows from {path}" in result.stderr


def test_import_reads_a_bzip2_json_lines_file(runner, tmp_path):
    """import stores every object of a .jsonl.bz2 file."""
    lines = [{"id": f"r{i}", "FirstName": name} for i, name in enumerate("ABC")]
    path = tmp_path / "p.jsonl.bz2"
    path.write_bytes(
        bz2.compress("".join(json.dumps(x) + "\n" for x in lines).encode())
    )

    result = runner.invoke(cli, ["import", str(path)])

    assert 0 == result.exit_code, result.output
    assert "Imported 3 profiles into domain 'default'" in result.stdout


def test_plain_file_named_gz_is_one_line_and_exit_2(runner, tmp_path):
    """A plain CSV named .csv.gz prints one error line and creates no store."""
    path = write(tmp_path / "people.csv.gz", PEOPLE)

    result = runner.invoke(cli, ["match", path])

    assert 2 == result.exit_code
    assert [
        f"profilematch: error: {path}: the name ends in .gz but the file is not "
        "gzip-compressed; rename it to people.csv if it is plain text, or compress "
        "it with gzip"
    ] == result.stderr.splitlines()
    assert not (tmp_path / "profilematch.db").exists()


def test_named_delimiter_and_map_reach_the_store(runner, tmp_path):
    """--delimiter tab and --map fill fields of a file with unusual columns."""
    text = "key\tgiven\tfamily\tmail\nk1\tAnn\tLee\ta@x.org\nk2\tAnn\tLee\ta@x.org\n"
    path = write(tmp_path / "p.txt", text)

    result = runner.invoke(
        cli,
        [
            "match",
            path,
            "--delimiter",
            "tab",
            "--id-column",
            "key",
            "--map",
            "FirstName=given",
            "--map",
            "LastName=family",
            "--map",
            "EmailAddress=mail",
            "-o",
            "-",
            "--format",
            "csv",
        ],
    )

    assert 0 == result.exit_code, result.output
    assert {frozenset({"k1", "k2"})} == groups_of(result.stdout)
    assert "FirstName                    <- given" in result.stderr


def test_table_can_be_written_to_a_file(runner, people, tmp_path):
    """--format table with --output writes the printed table to the file."""
    result = runner.invoke(
        cli, ["match", people, "-o", "groups.txt", "--format", "table"]
    )

    assert 0 == result.exit_code, result.output
    assert (tmp_path / "groups.txt").read_text().startswith("group ")
    assert "" == result.stdout


def test_unknown_domain_is_one_line_and_exit_1(runner, people):
    """Reading a domain that does not exist fails with one line and exit 1."""
    runner.invoke(cli, ["import", people])

    result = runner.invoke(cli, ["matches", "--domain", "nope"])

    assert 1 == result.exit_code
    assert 1 == len(result.stderr.splitlines())
    assert result.stderr.startswith("profilematch: error: ")
    assert "profilematch import FILE --domain NAME" in result.stderr
    assert "create_domain" not in result.stderr


def test_run_passes_job_options_and_env_selects_the_store(runner, people, tmp_path):
    """run takes the job options; PROFILEMATCH_DB names the store for every command."""
    env = {"PROFILEMATCH_DB": str(tmp_path / "other.db")}
    runner.invoke(cli, ["import", people], env=env)

    strict = runner.invoke(
        cli,
        ["run", "--threshold", "0.5", "--seed", "7", "--max-block-size", "50"],
        env=env,
    )
    jobs = json.loads(runner.invoke(cli, ["jobs", "--json"], env=env).stdout)

    assert 0 == strict.exit_code, strict.output
    assert (tmp_path / "other.db").exists()
    assert not (tmp_path / "profilematch.db").exists()
    assert 1 == len(jobs["IdentityResolutionJobsList"])


def test_failed_job_is_an_error(runner, people, monkeypatch):
    """A job that ends FAILED exits 1 with its message, printing no groups."""
    from profilematch._client import Client
    from profilematch._models import IdentityResolutionJob

    def failed(self, domain_name, **_options):
        return IdentityResolutionJob(
            domain_name=domain_name, job_id="f" * 32, status="FAILED", message="boom"
        )

    monkeypatch.setattr(Client, "run_identity_resolution_job", failed)

    result = runner.invoke(cli, ["match", people])

    assert 1 == result.exit_code
    assert "boom" in result.stderr
    assert "" == result.stdout


SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"


@pytest.mark.skipif(not SHARED.is_dir(), reason="shared data not available")
def test_match_on_the_splink_sample_finds_true_duplicates(runner, tmp_path):
    """On the Splink sample most pairs in the groups share a true cluster."""
    source = SHARED / "splink_fake_1000" / "fake_1000_from_splink_demos.csv"
    clusters = {}
    for line in source.read_text().splitlines()[1:]:
        cells = line.split(",")
        clusters[cells[0]] = cells[-1]

    result = runner.invoke(
        cli, ["match", str(source), "--db", ":memory:", "-o", "g.csv"]
    )

    assert 0 == result.exit_code, result.output
    groups = groups_of((tmp_path / "g.csv").read_text())
    pairs = [(a, b) for g in groups for a in g for b in g if a < b]
    same = sum(clusters[a] == clusters[b] for a, b in pairs)
    assert len(groups) > 50
    assert same / len(pairs) > 0.8


def test_failed_replacing_import_keeps_the_old_profiles(runner, people, monkeypatch):
    """A match whose import fails leaves the domain's earlier profiles intact."""
    first = runner.invoke(cli, ["match", people])

    def refuse(*args, **kwargs):
        raise pm.BadRequestException("Profiles[0]: refused", field="Profiles[0]")

    with monkeypatch.context() as patch:
        patch.setattr(pm.Client, "put_profiles", refuse)
        second = runner.invoke(cli, ["match", people])
    matches = runner.invoke(cli, ["matches", "--max-results", "100"])

    assert 0 == first.exit_code, first.output
    assert 2 == second.exit_code, second.output
    assert 2 == len(json.loads(matches.stdout)["Matches"])


def test_summary_reports_blocking_keys_too_common(runner, tmp_path):
    """match names a placeholder email shared by more profiles than the limit."""
    rows = "".join(f"First{n},Last{n},test@test.com\n" for n in range(6))
    path = write(tmp_path / "shared.csv", "first_name,last_name,email\n" + rows)

    result = runner.invoke(cli, ["match", path, "--max-block-size", "3"])

    assert 0 == result.exit_code, result.output
    assert "Blocking keys too common to make pairs:" in result.stderr
    assert "test@test.com (6)" in result.stderr


def test_export_reads_more_profiles_than_one_batch(runner, tmp_path):
    """export writes every group even when they hold more than 20 profiles."""
    people = [
        ("Ann", "Lee"),
        ("Bruno", "Costa"),
        ("Chen", "Wei"),
        ("Dana", "Okafor"),
        ("Emil", "Novak"),
        ("Fatima", "Haddad"),
        ("Greta", "Lindqvist"),
        ("Hiro", "Tanaka"),
        ("Ines", "Moreau"),
        ("Jamal", "Wright"),
        ("Kofi", "Mensah"),
        ("Lucia", "Romero"),
        ("Mikko", "Virtanen"),
        ("Nadia", "Petrova"),
        ("Omar", "Farouk"),
    ]
    rows = "".join(
        f"r{n}a,{first},{last},{first}.{last}@example.com\n"
        f"r{n}b,{first},{last},{first.upper()}.{last.upper()}@EXAMPLE.COM\n"
        for n, (first, last) in enumerate(people)
    )
    path = write(tmp_path / "many.csv", "id,first_name,last_name,email\n" + rows)
    runner.invoke(cli, ["import", path])
    runner.invoke(cli, ["run"])

    result = runner.invoke(cli, ["export", "-o", "groups.csv"])

    assert 0 == result.exit_code, result.output
    assert 15 == len(groups_of((tmp_path / "groups.csv").read_text()))
