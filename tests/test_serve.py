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


def test_quick_path_rewrites_only_the_edited_articles_page(edition: Path, tmp_path: Path):
    from builder.build import build
    from builder.quickpage import QuickPages
    from conftest import snapshot

    paths = Paths(edition, tmp_path / "site", ROOT / "themes" / "default")
    quick = QuickPages(paths)
    quick.remember(build(paths, env=quick.env))
    before = snapshot(tmp_path / "site")
    notes = edition / "annotations" / "first-report.yaml"
    notes.write_text(notes.read_text().replace("The tide was high", "The tide was very high"))
    assert quick.refresh({notes}) == "articles/first-report.html"
    after = snapshot(tmp_path / "site")
    assert [name for name in after if after[name] != before[name]] == ["articles/first-report.html"]
    page = BeautifulSoup(after["articles/first-report.html"].decode(), "html.parser")
    assert "The tide was very high" in page.select_one(".endnotes").get_text()
    # Changes beyond one article's files, or broken ones, go to the full rebuild instead.
    assert quick.refresh({edition / "glossary.yaml"}) is None
    notes.write_text(notes.read_text().replace("just after midnight", "nowhere in the text at all"))
    assert quick.refresh({notes}) is None
