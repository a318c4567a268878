"""Hostile but valid input builds, and nothing of it runs in, or is fetched by, a reader's browser.

tests/fixtures/hostile/editions/<case>/content holds files laid over a copy of the minimal edition (as in
tests/fixtures/invalid): injection payloads in every text field, Markdown that stresses the parser, URLs
full of markup characters. Each is built once and checked on the parsed HTML and data files.

tests/fixtures/hostile/pending-invalid/<case> holds broken input whose report is wrong today (builder
bugs, described in each bug.txt): `expect.txt` lists text the report must contain (a line starting with
`!` must not occur). They are strict xfails: once the builder is fixed, bless the case into
tests/fixtures/invalid/ with an expected.txt.

Inputs too large or too odd to commit (a 5 MB article, a 16 MiB file, symbolic links, a FIFO, a file name
with a line break, YAML nested 100,000 deep) are made at run time.
"""
from __future__ import annotations

import contextlib
import io
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path
from xml.etree import ElementTree

import pytest
from bs4 import BeautifulSoup

from builder.cli import main
from builder.load import MAX_FILE_BYTES
from conftest import FIXTURES, ROOT, overlay, snapshot
from searchfiles import read_search_index

HOSTILE = FIXTURES / "hostile"
EDITIONS = sorted(p.name for p in (HOSTILE / "editions").iterdir() if p.is_dir())
PENDING = sorted(p for p in (HOSTILE / "pending-invalid").glob("*") if p.is_dir())  # empty when none is pending
THEME = ROOT / "themes" / "default"

TEMPLATE_RESULT = "7777777"
"""What `{{ 7*'7' }}` would become if content ever reached Jinja as template source."""

BAD_SCHEME = re.compile(r"^(?:javascript|data|vbscript|file):", re.IGNORECASE)
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "srcset", "poster", "background", "cite",
                  "data", "ping", "manifest", "codebase"}
FORBIDDEN_ELEMENTS = {"img", "iframe", "frame", "frameset", "object", "embed", "applet", "style", "svg", "math", "base",
                      "audio", "video", "source", "picture", "track", "portal", "textarea", "select"}
OWN_SCRIPT_SRC = re.compile(r"(?:\.\./)*(?:assets/[\w.-]+\.js|search-index\.js)")


# ---------------------------------------------------------------------------------------------
# Building


def build(content: Path, out: Path) -> tuple[int, str]:
    """Run `python -m builder build` in-process; (exit status, stderr)."""
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        code = main(["build", "--content", str(content), "--out", str(out), "--theme", str(THEME)])
    return code, err.getvalue()


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """case name -> (exit status, stderr, site directory); each hostile edition is built once."""
    cache: dict[str, tuple[int, str, Path]] = {}

    def get(case: str) -> tuple[int, str, Path]:
        if case not in cache:
            root = tmp_path_factory.mktemp(case)
            content = overlay(HOSTILE / "editions" / case, root / "content")
            code, err = build(content, root / "site")
            cache[case] = (code, err, root / "site")
        return cache[case]

    return get


# ---------------------------------------------------------------------------------------------
# What "safe" means, on the parsed output


def html_problems(site: Path) -> list[str]:
    """Everything in the site's HTML that could run script, fetch from elsewhere or submit anywhere."""
    found = []
    for page in sorted(site.rglob("*.html")):
        name = page.relative_to(site).as_posix()
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        for script in soup.find_all("script"):
            src = script.get("src")
            if src is not None:
                if not OWN_SCRIPT_SRC.fullmatch(src) or script.get_text():
                    found.append(f"{name}: script not the site's own: {str(script)[:160]}")
            elif script.get("type") in ("application/json", "application/ld+json"):
                try:
                    json.loads(script.get_text())
                except ValueError as exc:
                    found.append(f"{name}: data block is not JSON ({exc}): {script.get_text()[:160]}")
            else:
                found.append(f"{name}: inline script: {str(script)[:160]}")
        for tag in soup.find_all(True):
            for attribute, value in tag.attrs.items():
                value = " ".join(value) if isinstance(value, list) else value
                if attribute.lower().startswith("on"):
                    found.append(f"{name}: event handler <{tag.name} {attribute}={value!r}>")
                if attribute.lower() in URL_ATTRIBUTES and BAD_SCHEME.match(re.sub(r"[\x00-\x20]", "", value)):
                    found.append(f"{name}: dangerous URL <{tag.name} {attribute}={value!r}>")
            if tag.name in FORBIDDEN_ELEMENTS:
                found.append(f"{name}: <{tag.name}> element: {str(tag)[:160]}")
            if tag.name == "form" and not (name == "search.html" and tag.get("class") == ["search-form"]
                                           and tag.get("action") == "search.html"):
                found.append(f"{name}: form not the site's own search form: {str(tag)[:160]}")
            if tag.name == "meta" and tag.get("http-equiv"):
                found.append(f"{name}: <meta http-equiv>: {str(tag)[:160]}")
            if tag.name == "link" and tag.get("rel") not in (["stylesheet"], ["canonical"], ["alternate"]):
                found.append(f"{name}: unexpected <link>: {str(tag)[:160]}")
    return found


def data_problems(site: Path) -> list[str]:
    """The feed and sitemap are well-formed XML, the annotations JSON, the search index one JSON assignment."""
    found = []
    for name in ("feed.xml", "sitemap.xml"):
        try:
            ElementTree.parse(site / name)
        except ElementTree.ParseError as exc:
            found.append(f"{name} is not well-formed XML: {exc}")
    try:
        json.loads((site / "annotations.jsonld").read_text(encoding="utf-8"))
    except ValueError as exc:
        found.append(f"annotations.jsonld is not JSON: {exc}")
    try:
        index = read_search_index(site)
    except ValueError as exc:  # json's errors are ValueErrors too
        found.append(f"search index: {exc}")
    else:
        found.extend(f"{name} contains '</'" for name, text in index.raw.items() if "</" in text)
    return found


def visible_text(site: Path) -> str:
    return "\n".join(BeautifulSoup(p.read_text(encoding="utf-8"), "html.parser").get_text()
                     for p in sorted(site.rglob("*.html")))


# ---------------------------------------------------------------------------------------------
# The hostile editions


KNOWN_BUGS: dict[tuple[str, str], str] = {}

MUST_SHOW = {
    "injection-everywhere": [("articles/first-report.html", "Metropolis officials counted the damage at dawn.")],
    "markdown-stress": [("articles/stress.html", "An opening paragraph with Metropolis in it."),
                        ("articles/stress.html", "word4999"),
                        ("articles/stress.html", "nested ordered"),
                        ("articles/stress.html", "five hundred levels of block quote"),
                        ("articles/stress.html", "A closing paragraph.")],
    "markdown-images": [("articles/second-view.html", "and the mayor knew it.")],
    "url-payloads": [("articles/first-report.html", "Metropolis officials counted the damage at dawn.")],
}

CHECKS = ("builds", "html-safe", "data-files", "no-template-evaluation", "text-kept")


def _params():
    for case in EDITIONS:
        for check in CHECKS:
            reason = KNOWN_BUGS.get((case, check))
            marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
            yield pytest.param(case, check, id=f"{case}-{check}", marks=marks)


@pytest.mark.parametrize(("case", "check"), list(_params()))
def test_hostile_edition(built, case: str, check: str):
    code, err, site = built(case)
    if check == "builds":
        assert code == 0, err
        assert "Traceback" not in err and ": error: " not in err
        return
    assert code == 0, err
    if check == "html-safe":
        assert html_problems(site) == []
    elif check == "data-files":
        assert data_problems(site) == []
    elif check == "no-template-evaluation":
        for path in sorted(site.rglob("*")):
            if path.is_file() and path.suffix in (".html", ".js", ".xml", ".jsonld", ".txt"):
                assert TEMPLATE_RESULT not in path.read_text(encoding="utf-8"), path
    elif check == "text-kept":
        for page, text in MUST_SHOW[case]:
            shown = " ".join(BeautifulSoup((site / page).read_text(encoding="utf-8"), "html.parser").get_text().split())
            assert text in shown, f"{text!r} is missing from {page}"


def test_every_payload_is_shown_literally(built):
    """Each text field of injection-everywhere carries `<label> <payload>`; the reader sees it as text."""
    code, err, site = built("injection-everywhere")
    assert code == 0, err
    text = visible_text(site)
    payload = ("<script>alert(1)</script> <img src=x onerror=alert(1)> \"><svg onload=alert(1)> "
               "'><a href=javascript:alert(1)>x</a> {{ 7*'7' }} {% raw %}{% endraw %} "
               "{% for x in range(3) %}{{ x }}{% endfor %} </script><script>alert(1)</script> <!-- ]]> "
               "\u202eevil\u202c &amp; &lt;b&gt;")
    as_markdown = payload.replace("&amp;", "&").replace("&lt;b&gt;", "<b>")
    plain = ["Edition title", "Subtitle", "Licence", "Outlet name", "Outlet type", "Country", "Ownership", "Funding",
             "Outlet source", "Publisher", "Rater", "Rating", "Scale", "Rating note", "Second outlet", "Author name",
             "Affiliation", "Title", "Seed", "Omitted text", "Omitted reason", "Second title", "Citation title",
             "Citation publisher", "Role", "Dates", "Entity link", "Question", "Summary", "Second summary",
             "Claim source", "Event title", "Event source", "Second event", "Concept label", "Term label",
             "Other term"]
    markdown = ["Description", "Method", "Outlet notes", "Note body", "Quote note", "Template note",
                "Entity description", "Mayor description", "Finding", "Event description", "Second event description",
                "Concept description"]
    missing = [label for label in plain if f"{label} {payload}" not in text]
    missing += [label for label in markdown if f"{label} {as_markdown}" not in text]
    assert missing == []
    assert "{{ 7*'7' }}" in text and "{% raw %}" in text and "{% for x in range(3) %}{{ x }}{% endfor %}" in text
    soup = BeautifulSoup((site / "articles/first-report.html").read_text(encoding="utf-8"), "html.parser")
    assert soup.h1.get_text() == f"Title {payload}"
    cards = json.loads(soup.find("script", id="entity-cards").get_text())
    assert cards["mayor"][0] == f"The mayor of Metropolis {payload}"


TRANSFORMS = {
    "bom": lambda data: b"\xef\xbb\xbf" + data,
    "crlf": lambda data: data.replace(b"\n", b"\r\n"),
    "bom-crlf": lambda data: b"\xef\xbb\xbf" + data.replace(b"\n", b"\r\n"),
    "cr": lambda data: data.replace(b"\n", b"\r"),
}


@pytest.mark.parametrize("transform", list(TRANSFORMS))
def test_bom_and_line_endings_give_the_same_site(built, tmp_path: Path, transform: str):
    """Every content file with a UTF-8 BOM and/or CRLF (or CR) line endings builds the very same bytes."""
    code, err, reference = built("injection-everywhere")
    assert code == 0, err
    content = overlay(HOSTILE / "editions" / "injection-everywhere", tmp_path / "content")
    for path in content.rglob("*"):
        if path.is_file():
            path.write_bytes(TRANSFORMS[transform](path.read_bytes()))
    code, err = build(content, tmp_path / "site")
    assert code == 0, err
    assert snapshot(tmp_path / "site") == snapshot(reference)


# ---------------------------------------------------------------------------------------------
# Made at run time


ARTICLE_HEAD = "---\ntitle: Big\noutlet: evening-star\npublished: 2020-01-10\ngenre: analysis\n---\n"
WORDS = ("the storm reached Metropolis harbour just after midnight and the mayor said officials counted damage "
         "along the wall while rain and wind kept falling on the city").split()


def long_article(size: int) -> str:
    """Paragraphs of 80 words from WORDS (deterministic) until `size` characters."""
    paragraphs, total, index = [], 0, 0
    while total < size:
        words = [WORDS[(index * 7 + n * 13) % len(WORDS)] for n in range(80)]
        paragraph = " ".join(words).capitalize() + "."
        paragraphs.append(paragraph)
        total += len(paragraph) + 2
        index += 1
    return "\n\n".join(paragraphs)


def test_five_megabyte_article_builds_in_reasonable_time(edition: Path, tmp_path: Path, record_property):
    (edition / "articles" / "big.md").write_text(
        ARTICLE_HEAD + long_article(5 * 1024 * 1024) + "\n\nA unique closing sentence.\n", encoding="utf-8")
    (edition / "annotations" / "big.yaml").write_text(
        "notes:\n  - quote: A unique closing sentence.\n    kind: note\n    body: The end.\n", encoding="utf-8")
    start = time.perf_counter()
    code, err = build(edition, tmp_path / "site")
    seconds = time.perf_counter() - start
    record_property("build_seconds", round(seconds, 1))
    assert code == 0, err
    assert seconds < 60, f"a 5 MB article took {seconds:.1f} s"
    page = (tmp_path / "site" / "articles" / "big.html").read_text(encoding="utf-8")
    assert "A unique closing sentence." in page and 'class="note-quote' in page


def test_file_over_the_size_limit_is_refused_quickly(edition: Path, tmp_path: Path):
    big = edition / "articles" / "huge.md"
    with big.open("w", encoding="utf-8") as handle:
        handle.write(ARTICLE_HEAD)
        handle.write(("word " * 200 + "\n\n") * (MAX_FILE_BYTES // 1002 + 1))
    assert big.stat().st_size > MAX_FILE_BYTES
    start = time.perf_counter()
    code, err = build(edition, tmp_path / "site")
    seconds = time.perf_counter() - start
    assert code == 1
    assert f"{big.as_posix()}:1:1: error: file is " in err and "[file-too-large]" in err
    assert seconds < 5, f"refusing a large file took {seconds:.1f} s"
    assert not (tmp_path / "site").exists()


def test_links_out_of_the_content_directory_are_refused(edition: Path, tmp_path: Path):
    secret = tmp_path / "secret.md"
    secret.write_text(ARTICLE_HEAD + "Secret text from outside the content directory.\n", encoding="utf-8")
    (tmp_path / "secret.yaml").write_text("title: Stolen\n", encoding="utf-8")
    os.symlink(secret, edition / "articles" / "linked.md")
    os.symlink("../../secret.md", edition / "articles" / "relative.md")
    (edition / "annotations" / "first-report.yaml").unlink()
    os.symlink(tmp_path / "secret.yaml", edition / "annotations" / "first-report.yaml")
    (edition / "framing.yaml").unlink()
    os.symlink("/etc/passwd", edition / "framing.yaml")
    os.symlink(edition / "nowhere.md", edition / "articles" / "dangling.md")
    code, err = build(edition, tmp_path / "site")
    assert code == 1 and "Traceback" not in err
    for name in ("articles/linked.md", "articles/relative.md", "annotations/first-report.yaml", "framing.yaml"):
        assert f"{(edition / name).as_posix()}:1:1: error: file is a link to somewhere outside the content directory " \
               "[outside-content]" in err
    assert f"{(edition / 'articles/dangling.md').as_posix()}:1:1: error: file cannot be read" in err
    assert "Secret text" not in err and "root:" not in err
    assert not (tmp_path / "site").exists()


def test_a_fifo_is_not_read(edition: Path, tmp_path: Path):
    """A named pipe would block a reader for ever; it must be refused without opening it."""
    os.mkfifo(edition / "articles" / "pipe.md")
    result = subprocess.run([sys.executable, "-m", "builder", "build", "--content", str(edition), "--out",
                             str(tmp_path / "site"), "--theme", str(THEME)], cwd=ROOT, capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 1
    assert f"{(edition / 'articles/pipe.md').as_posix()}:1:1: error: not a regular file [unreadable]" in result.stderr


def test_symlink_loop_is_reported(edition: Path, tmp_path: Path):
    os.symlink("loop.md", edition / "articles" / "loop.md")
    code, err = build(edition, tmp_path / "site")
    assert code == 1, err
    assert f"{(edition / 'articles/loop.md').as_posix()}:1:1: error: " in err


def test_file_name_with_a_line_break_is_refused(edition: Path, tmp_path: Path):
    (edition / "articles" / "third\n.md").write_text(ARTICLE_HEAD + "Text.\n", encoding="utf-8")
    code, err = build(edition, tmp_path / "site")
    assert code == 1 and "[bad-file-name]" in err


def test_very_long_alias_builds(edition: Path, tmp_path: Path):
    glossary = edition / "glossary.yaml"
    long_name = "Metropolis " + "harbour " * 100 + "wall"
    glossary.write_text(glossary.read_text(encoding="utf-8").replace("aliases: [mayor]", f"aliases: [mayor, {long_name}]"),
                        encoding="utf-8")
    code, err = build(edition, tmp_path / "site")
    assert code == 0, err


@pytest.mark.parametrize("where", ["claims.yaml", "articles/second-view.md"])
def test_deeply_nested_yaml_is_refused_not_a_crash(edition: Path, tmp_path: Path, where: str):
    nested = "[" * 100_000 + "]" * 100_000
    if where.endswith(".md"):
        (edition / where).write_text(f"---\ntitle: {nested}\n---\nText.\n", encoding="utf-8")
    else:
        (edition / where).write_text(f"claims: {nested}\n", encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "builder", "check", "--content", str(edition)], cwd=ROOT,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 1, f"exit status {result.returncode}"
    assert "[yaml-too-deep]" in result.stderr


def test_quote_not_found_in_a_long_article_is_reported_quickly(edition: Path, tmp_path: Path):
    (edition / "articles" / "long.md").write_text(ARTICLE_HEAD + long_article(100_000) + "\n", encoding="utf-8")
    start = time.perf_counter()
    code, err = build(edition, tmp_path / "valid")
    valid = time.perf_counter() - start
    assert code == 0, err
    (edition / "annotations" / "long.yaml").write_text(
        "notes:\n  - quote: the storm reached the city at dawn yesterday\n    kind: note\n    body: x\n", encoding="utf-8")
    start = time.perf_counter()
    code, err = build(edition, tmp_path / "site")
    seconds = time.perf_counter() - start
    assert code == 1 and "[quote-not-found]" in err
    assert seconds < 2 * valid + 1, f"one missing quote took {seconds:.1f} s; the valid build takes {valid:.1f} s"


# ---------------------------------------------------------------------------------------------
# Broken input whose report is wrong today


def _pending():
    for case in PENDING:
        reason = (case / "bug.txt").read_text(encoding="utf-8").strip()
        yield pytest.param(case, id=case.name, marks=pytest.mark.xfail(strict=True, reason=reason))


@pytest.mark.parametrize("case", list(_pending()))
def test_pending_invalid_case_is_reported_well(case: Path, tmp_path: Path, run_cli):
    overlay(case, tmp_path / "content")
    result = run_cli("build", "--content", "content", "--out", "site", "--theme", str(THEME), cwd=tmp_path)
    assert result.code == 1 and "Traceback" not in result.err
    for line in (case / "expect.txt").read_text(encoding="utf-8").splitlines():
        if line.startswith("!"):
            assert line[1:] not in result.err
        elif line:
            assert line in result.err
    heads = [line for line in result.err.splitlines() if line.startswith("content/")]
    assert all(re.fullmatch(r"content/\S.*:\d+:\d+: (error|warning): .* \[[a-z-]+\]", h) for h in heads), heads
