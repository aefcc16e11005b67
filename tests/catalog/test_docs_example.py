"""The worked example in docs/catalog.md is a catalog that lints clean."""

import re
from pathlib import Path

from conformance.cli import main

DOC = Path(__file__).resolve().parents[2] / "docs" / "catalog.md"


def test_worked_example_lints_clean(tmp_path, capsys):
    block = re.search(r"```yaml\n(.*?)```", DOC.read_text(), re.S).group(1)
    path = tmp_path / "parcelpost.yaml"
    path.write_text(block)
    assert main(["lint", str(path)]) == 0, capsys.readouterr().out
