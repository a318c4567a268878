"""The W3C Nu HTML Checker (vnu.jar) on every .html file of the built site: zero errors. Warnings are
allowed, but printed (run pytest with -s, or see the captured output of a failure)."""
from __future__ import annotations

import json
import subprocess
from pathlib import Path



def test_every_page_is_valid_html(vnu_command, site_dir, html_files):
    check(vnu_command, site_dir, [str(site_dir)])
    assert len(html_files) > 20


def test_entity_home_about_glossary_and_source_list_pages_with_further_pages_are_valid_html(vnu_command, paged_site_dir):
    pages = sorted([*map(str, (paged_site_dir / "glossary").glob("qasem-soleimani*.html")),
                    *map(str, (paged_site_dir / "glossary").glob("index*.html")),
                    *map(str, paged_site_dir.glob("index*.html")), *map(str, paged_site_dir.glob("about*.html")),
                    *map(str, paged_site_dir.glob("articles-*.html")), str(paged_site_dir / "sources.html")])
    assert len(pages) == 9 + 3 + 5 + 3 + 1, pages  # 3 glossary pages, 5 outlets, 3 authors
    check(vnu_command, paged_site_dir, pages)


def check(vnu_command: list[str], site_dir: Path, targets: list[str]) -> None:
    result = subprocess.run([*vnu_command, "--format", "json", "--skip-non-html", *targets],
                            capture_output=True, text=True, timeout=300)
    try:
        messages = json.loads(result.stderr)["messages"]  # vnu writes its report to stderr
    except (json.JSONDecodeError, KeyError):
        raise AssertionError(f"vnu failed (exit {result.returncode}):\n{result.stdout}\n{result.stderr}") from None

    def where(message: dict) -> str:
        path = message.get("url", "").removeprefix("file:").removeprefix(site_dir.as_posix() + "/")
        return f"{path}:{message.get('lastLine', '?')}:{message.get('firstColumn', message.get('lastColumn', '?'))}"

    errors = [m for m in messages if m["type"] in ("error", "non-document-error")]
    warnings = [m for m in messages if m not in errors]
    for message in warnings:
        print(f"vnu {message.get('subType', message['type'])}: {where(message)}: {message['message']}")
    assert not errors, f"{len(errors)} HTML errors:\n" + "\n".join(
        f"{where(m)}: {m['message']}\n    {m.get('extract', '')!r}" for m in errors)
    assert result.returncode == 0, result.stderr

