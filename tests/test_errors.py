"""Every broken fixture edition gives exactly the expected compiler-style lines, exit status 1,
and leaves the previous site byte-identical.

Each case in tests/fixtures/invalid/<case>/ holds `content/` files laid over a copy of the minimal
edition (a file named `*.delete` removes the file of that name) and `expected.txt`: the exact stderr.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from conftest import FIXTURES, overlay, snapshot

CASES = sorted(p for p in (FIXTURES / "invalid").iterdir() if p.is_dir())


def assemble(case: Path, tmp_path: Path) -> Path:
    return overlay(case, tmp_path / "content")


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_invalid_edition_reports_every_problem_and_leaves_site_untouched(case: Path, tmp_path: Path, run_cli):
    assemble(case, tmp_path)
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("previous build\n")
    before = snapshot(site)

    result = run_cli("build", "--content", "content", "--out", "site", cwd=tmp_path)

    expected = (case / "expected.txt").read_text(encoding="utf-8")
    assert result.err == expected
    assert result.code == 1
    assert "Traceback" not in result.err
    assert snapshot(site) == before
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".site")], "staging directory left behind"


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_check_reports_the_same_problems_as_json(case: Path, tmp_path: Path, run_cli):
    import json

    assemble(case, tmp_path)
    result = run_cli("check", "--content", "content", "--format", "json", cwd=tmp_path)
    problems = json.loads(result.out)
    assert result.code == 1
    expected_heads = [line for line in (case / "expected.txt").read_text().splitlines()
                      if not line.startswith(" ") and ": error: " in line or ": warning: " in line]
    got = [f"{p['path']}:{p['line']}:{p['column']}: {p['severity']}: {p['message']} [{p['code']}]" for p in problems]
    assert got == expected_heads


LOAD_CASES = [c for c in CASES if any(p.parent.name in ("articles", "annotations") for p in (c / "content").rglob("*"))]


@pytest.mark.parametrize("case", LOAD_CASES, ids=[c.name for c in LOAD_CASES])
def test_articles_and_notes_read_by_workers_report_exactly_the_same(case: Path, tmp_path: Path, run_cli, monkeypatch):
    """Articles and annotations files are read and built in worker processes when there are many; the
    problems found there must come back complete and in the same order as when read in this process."""
    import builder.parallel as parallel

    assemble(case, tmp_path)
    monkeypatch.setattr(parallel, "PARALLEL_MIN_ITEMS", 1)
    monkeypatch.setattr(parallel.os, "cpu_count", lambda: 2)
    result = run_cli("check", "--content", "content", cwd=tmp_path)
    assert result.code == 1
    assert result.err.replace("checked", "built") == (case / "expected.txt").read_text(encoding="utf-8").replace("checked", "built")
