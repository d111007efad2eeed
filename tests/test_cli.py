"""Tests of the profilematch command line."""

# The house style puts the expected value first in asserts, which SIM300 flags.
# ruff: noqa: SIM300

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

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
