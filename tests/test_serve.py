"""Live preview: a failed rebuild shows the problems (highlighted source) and a fixed one clears them."""
from __future__ import annotations

from pathlib import Path

from bs4 import BeautifulSoup

from builder.build import Paths
from builder.serve import Preview
from conftest import ROOT, write


def test_preview_reports_problems_then_clears_them(edition: Path, tmp_path: Path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    lines: list[str] = []
    preview = Preview(Paths(Path("content"), Path("site"), ROOT / "themes" / "default"), lines.append)
    preview.rebuild()
    assert preview.problems == "" and (tmp_path / "site" / "index.html").is_file()
    good = (edition / "annotations" / "first-report.yaml").read_text()
    write(edition / "annotations" / "first-report.yaml", good.replace("the worst storm in a decade", "the calmest night of the year"))
    preview.rebuild()
    overlay = BeautifulSoup(preview.problems, "html.parser")
    assert "content/annotations/first-report.yaml:4:12" in overlay.get_text()
    assert overlay.select("pre") and "calmest night" in overlay.select_one("pre").get_text()
    assert any("quote-not-found" in line for line in lines)
    write(edition / "annotations" / "first-report.yaml", good)
    preview.rebuild()
    assert preview.problems == "" and preview.version == 3
