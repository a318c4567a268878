"""Whole-build properties: deterministic bytes, atomic writes, safe output paths, the CLI's contract."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path, PurePosixPath

import pytest

from builder.assets import OutputFile
from builder.build import Paths, build
from builder.schema import SCHEMA_DIR, SCHEMAS
from builder.write import UnsafeOutput, write_site
from conftest import ROOT, snapshot, write


def test_two_builds_are_byte_identical_whatever_the_hash_seed_and_locale(tmp_path: Path):
    outs = []
    for number, env in enumerate([{"PYTHONHASHSEED": "1", "TZ": "UTC", "LC_ALL": "C"},
                                  {"PYTHONHASHSEED": "987", "TZ": "Asia/Tehran", "LC_ALL": "C.UTF-8"}]):
        out = tmp_path / f"site{number}"
        subprocess.run([sys.executable, "-m", "builder", "build", "--content", str(ROOT / "content"), "--out", str(out),
                        "--theme", str(ROOT / "themes" / "default")], check=True, env={**os.environ, **env},
                       capture_output=True)
        outs.append(snapshot(out))
    assert outs[0] == outs[1]
    assert len(outs[0]) > 100


def test_failed_build_leaves_previous_site_untouched(edition: Path, tmp_path: Path, run_cli):
    out = tmp_path / "site"
    assert run_cli("build", "--content", str(edition), "--out", str(out)).code == 0
    before = snapshot(out)
    write(edition / "annotations" / "first-report.yaml", "notes:\n  - quote: nowhere to be found\n    kind: note\n    body: x\n")
    result = run_cli("build", "--content", str(edition), "--out", str(out))
    assert result.code == 1 and "quote-not-found" in result.err
    assert snapshot(out) == before
    assert sorted(p.name for p in tmp_path.iterdir() if p.name != ".cache") == ["content", "site"]


def test_successful_rebuild_replaces_the_site_whole(edition: Path, tmp_path: Path, run_cli):
    out = tmp_path / "site"
    out.mkdir()
    (out / "stale.html").write_text("old")
    assert run_cli("build", "--content", str(edition), "--out", str(out)).code == 0
    assert not (out / "stale.html").exists() and (out / "index.html").is_file()


@pytest.mark.parametrize("dest", ["../escape.html", "/etc/passwd", "a/../../b.html", ".", "a\\b.html"])
def test_nothing_is_ever_written_outside_the_output_directory(tmp_path: Path, dest: str):
    with pytest.raises(UnsafeOutput):
        write_site([OutputFile(PurePosixPath(dest), b"x")], tmp_path / "site")
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_two_outputs_with_one_path_are_refused(tmp_path: Path):
    with pytest.raises(UnsafeOutput):
        write_site([OutputFile(PurePosixPath("a.html"), b"1"), OutputFile(PurePosixPath("a.html"), b"2")], tmp_path / "s")


def test_assets_have_content_hashed_names(edition: Path, tmp_path: Path):
    report = build(Paths(edition, tmp_path / "site", ROOT / "themes" / "default"))
    assets = [o.name for o in report.outputs if o.parts[0] == "assets"]
    assert assets and all(len(name.split(".")) == 3 and len(name.split(".")[1]) == 10 for name in assets)


def test_schema_files_are_in_sync_with_the_code():
    for name, schema in SCHEMAS.items():
        on_disk = json.loads((SCHEMA_DIR / f"{name}.schema.json").read_text(encoding="utf-8"))
        assert on_disk == schema, f"run `python -m builder schemas` to refresh {name}.schema.json"


def test_check_writes_nothing_and_succeeds_on_the_real_content(run_cli, tmp_path: Path):
    result = run_cli("check", "--content", str(ROOT / "content"), "--strict", cwd=tmp_path)
    assert result.code == 0 and result.err == ""
    assert list(tmp_path.iterdir()) == []


def test_internal_errors_are_one_line_without_traceback(run_cli, monkeypatch, tmp_path: Path, edition: Path):
    def explode(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr("builder.cli.build", explode)
    result = run_cli("build", "--content", str(edition), "--out", str(tmp_path / "s"))
    assert result.code == 2 and "Traceback" not in result.err and "--debug" in result.err
    result = run_cli("build", "--content", str(edition), "--out", str(tmp_path / "s"), "--debug")
    assert result.code == 2 and "Traceback" in result.err and "boom" in result.err


def test_console_script_and_module_share_the_cli():
    help_text = subprocess.run([sys.executable, "-m", "builder", "--help"], capture_output=True, text=True, check=True).stdout
    assert "build" in help_text and "check" in help_text


def test_bundle_zips_the_site_deterministically(edition: Path, tmp_path: Path, run_cli):
    import zipfile

    first, second = tmp_path / "a.zip", tmp_path / "b.zip"
    assert run_cli("bundle", "--content", str(edition), "--out", str(tmp_path / "s1"), "--zip", str(first)).code == 0
    assert run_cli("bundle", "--content", str(edition), "--out", str(tmp_path / "s2"), "--zip", str(second)).code == 0
    assert first.read_bytes() == second.read_bytes()
    names = zipfile.ZipFile(first).namelist()
    assert "edition/index.html" in names and "edition/search-index.js" in names
    assert len(names) == len([p for p in (tmp_path / "s1").rglob("*") if p.is_file()])


def test_new_imports_a_raw_text_and_flags_site_furniture(edition: Path, tmp_path: Path, run_cli):
    raw = write(tmp_path / "raw.txt", "Storm damage counted\n\nBy Clark Kent\n\nJanuary 9, 2020\n\n"
                "Officials counted the damage.\n\n# Not a heading in the original\n\n"
                "Subscribe to our newsletter!\n\nComments are closed.\n")
    result = run_cli("new", "--from", str(raw), "--content", str(edition))
    assert result.code == 0 and "2 line(s) flagged" in result.err
    article = (edition / "articles" / "storm-damage-counted.md").read_text()
    assert 'title: "Storm damage counted"' in article and "published: 2020-01-09" in article
    assert '- text: "By Clark Kent"' in article and "flagged as newsletter promotion" in article
    assert "\\# Not a heading" in article
    assert (edition / "annotations" / "storm-damage-counted.yaml").read_text().endswith("notes: []\n")
    check = run_cli("check", "--content", str(edition))
    assert check.code == 1 and "unknown outlet 'todo-outlet-id'" in check.err
    again = run_cli("new", "--from", str(raw), "--content", str(edition))
    assert again.code == 1 and "already exists" in again.err


@pytest.mark.parametrize("retire_after", [512, 1], ids=["long-lived-workers", "a-fresh-worker-every-item"])
def test_parallel_rendering_gives_the_same_bytes_as_one_process(edition: Path, tmp_path: Path, monkeypatch,
                                                                retire_after: int):
    import builder.articlework as articlework
    import builder.parallel as parallel
    import builder.render as render

    one = build(Paths(edition, tmp_path / "one", ROOT / "themes" / "default"))
    monkeypatch.setattr(parallel, "PARALLEL_MIN_ITEMS", 1)
    monkeypatch.setattr(parallel, "PARALLEL_MIN_ARTICLES", 1)
    monkeypatch.setattr(parallel.os, "cpu_count", lambda: 2)
    monkeypatch.setattr(articlework, "RETIRE_AFTER", retire_after)
    monkeypatch.setattr(render, "RETIRE_AFTER", retire_after)
    two = build(Paths(edition, tmp_path / "two", ROOT / "themes" / "default"))
    assert list(one.outputs) == list(two.outputs)
    assert snapshot(tmp_path / "one") == snapshot(tmp_path / "two")


def test_warm_build_with_nothing_changed_does_nothing_and_any_change_rebuilds(edition: Path, tmp_path: Path, run_cli):
    out = tmp_path / "site"
    assert "built" in run_cli("build", "--content", str(edition), "--out", str(out)).err
    cold = snapshot(out)
    assert "up to date" in run_cli("build", "--content", str(edition), "--out", str(out)).err
    assert snapshot(out) == cold
    (out / "index.html").write_text("tampered")  # the site on disk is not what the last build wrote
    assert "built" in run_cli("build", "--content", str(edition), "--out", str(out)).err
    assert snapshot(out) == cold
    notes = edition / "annotations" / "first-report.yaml"
    notes.write_text(notes.read_text().replace("The tide was high", "The tide was higher"))
    assert "built" in run_cli("build", "--content", str(edition), "--out", str(out)).err
    assert b"The tide was higher" in (out / "articles" / "first-report.html").read_bytes()
    assert "built" in run_cli("build", "--content", str(edition), "--out", str(out), "--force").err
    assert not any((out / name).exists() for name in (".cache", ".edition-build.json"))


def test_an_edit_that_keeps_size_and_time_is_still_seen_while_it_could_be_racy(edition: Path, tmp_path: Path, run_cli):
    """Unchanged files are known by size and mtime (not read again); one modified in the same clock
    tick as the last look must not pass for unchanged, as in git's racy-clean rule."""
    out = tmp_path / "site"
    notes = edition / "annotations" / "first-report.yaml"
    os.utime(notes)  # just saved: the build below looks at it within the same second
    old = notes.stat()
    assert "built" in run_cli("build", "--content", str(edition), "--out", str(out)).err
    notes.write_text(notes.read_text().replace("The tide was high", "The tide was HIGH"))  # same size
    os.utime(notes, ns=(old.st_atime_ns, old.st_mtime_ns))
    assert notes.stat().st_size == old.st_size
    assert "built" in run_cli("build", "--content", str(edition), "--out", str(out)).err
    assert b"The tide was HIGH" in (out / "articles" / "first-report.html").read_bytes()
    assert "up to date" in run_cli("build", "--content", str(edition), "--out", str(out)).err
