"""Shared fixtures: fixture editions copied to tmp, the CLI run in-process, HTML parsed with BeautifulSoup."""
from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from builder.cli import main

TESTS = Path(__file__).parent
ROOT = TESTS.parent
FIXTURES = TESTS / "fixtures"
MINIMAL = FIXTURES / "editions" / "minimal" / "content"


@dataclass
class CliResult:
    code: int
    out: str
    err: str


@pytest.fixture
def run_cli(capsys, monkeypatch):
    """Run `python -m builder …` in-process, from a given working directory."""

    def run(*args: str, cwd: Path | None = None) -> CliResult:
        if cwd is not None:
            monkeypatch.chdir(cwd)
        capsys.readouterr()
        code = main(list(args))
        captured = capsys.readouterr()
        return CliResult(code, captured.out, captured.err)

    return run


@pytest.fixture
def edition(tmp_path: Path) -> Path:
    """A copy of the minimal fixture edition at tmp_path/content (tests may edit it)."""
    target = tmp_path / "content"
    shutil.copytree(MINIMAL, target)
    return target


def overlay(case: Path, content: Path) -> Path:
    """The minimal edition at `content` with the case's files laid over it (X.delete removes X)."""
    shutil.copytree(MINIMAL, content)
    for source in sorted((case / "content").rglob("*")):
        if source.is_dir():
            continue
        target = content / source.relative_to(case / "content")
        if source.suffix == ".delete":
            target.with_suffix("").unlink()
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
    return content


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def snapshot(directory: Path) -> dict[str, bytes]:
    """Every file under a directory with its bytes: for byte-identical comparisons."""
    return {p.relative_to(directory).as_posix(): p.read_bytes() for p in sorted(directory.rglob("*")) if p.is_file()}

