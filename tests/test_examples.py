"""The examples run, the notebook is well formed and the docs' links resolve."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK = ROOT / "examples" / "quickstart.ipynb"
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]

# [text](target); an image's target must exist as well, so "!" is not special.
_LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")


def _relative_links(path: Path) -> list[str]:
    """The link targets of a Markdown file that point into the repository."""
    text = re.sub(r"```.*?```", "", path.read_text(encoding="utf-8"), flags=re.S)
    targets = [match.group(1) for match in _LINK.finditer(text)]
    return [t for t in targets if not re.match(r"^[a-z][a-z0-9+.-]*:", t)]


def test_quickstart_runs_a_job_and_prints_match_groups() -> None:
    """quickstart.py completes a job, pages match groups and explains a pair."""
    result = subprocess.run(
        [sys.executable, str(ROOT / "examples" / "quickstart.py")],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )

    assert 0 == result.returncode, result.stderr
    assert "imported 1000 profiles" in result.stdout
    assert re.search(r"^job [0-9a-f]{32}: COMPLETED$", result.stdout, re.M)
    groups = re.search(r"^(\d+) match groups; first page:$", result.stdout, re.M)
    assert groups is not None and int(groups.group(1)) >= 1
    assert re.search(r"^  [0-9a-f]{8} [01]\.\d{3} [0-9a-f]{8}, ", result.stdout, re.M)
    assert re.search(r"^total .* probability [01]\.\d{4}$", result.stdout, re.M)


def test_notebook_is_nbformat_4_without_outputs() -> None:
    """The notebook is nbformat 4 JSON whose code cells store no outputs."""
    notebook = json.loads(NOTEBOOK.read_text(encoding="utf-8"))

    assert 4 == notebook["nbformat"]
    assert isinstance(notebook["metadata"], dict)
    kinds = {cell["cell_type"] for cell in notebook["cells"]}
    assert {"code", "markdown"} == kinds
    for cell in notebook["cells"]:
        assert isinstance(cell["source"], list | str)
        if cell["cell_type"] == "code":
            assert [] == cell["outputs"]
            assert cell["execution_count"] is None


def test_notebook_code_cells_compile() -> None:
    """Every code cell of the notebook is valid Python."""
    notebook = json.loads(NOTEBOOK.read_text(encoding="utf-8"))
    cells = [c for c in notebook["cells"] if c["cell_type"] == "code"]

    assert cells
    for index, cell in enumerate(cells):
        source = "".join(cell["source"])
        compile(source, f"{NOTEBOOK.name}[{index}]", "exec")


@pytest.mark.parametrize("path", DOCS, ids=lambda p: p.name)
def test_relative_links_point_to_existing_files(path: Path) -> None:
    """Every relative link in the README and the docs names an existing file."""
    missing = []
    for target in _relative_links(path):
        file_part = target.split("#", 1)[0]
        if file_part and not (path.parent / file_part).exists():
            missing.append(target)

    assert [] == missing
