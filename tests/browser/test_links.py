"""Every internal link and fragment in the built site resolves: relative, names a file (not a folder),
the file exists, and a #fragment matches an id in the target. No root-relative or protocol-relative
URLs, so the site works from any folder and over file://. The search index's links are checked too."""
from __future__ import annotations

import posixpath
import re
from functools import lru_cache
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from searchfiles import read_search_index

bs4 = pytest.importorskip("bs4", reason="beautifulsoup4 is not installed (pip install -e '.[test]')")

URL_ATTRIBUTES = {"href": None, "src": None, "action": "form", "poster": None, "data": "object"}
EXTERNAL = re.compile(r"^(https?:|mailto:)", re.IGNORECASE)


def soup_of(path: Path):
    return bs4.BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def test_every_internal_link_resolves(site_dir, html_files):
    @lru_cache(maxsize=None)
    def ids_in(target: str) -> frozenset[str]:
        return frozenset(str(tag["id"]) for tag in soup_of(site_dir / target).find_all(id=True))

    problems: list[str] = []
    checked = 0

    def check(page: str, url: str, what: str) -> None:
        nonlocal checked
        checked += 1
        if EXTERNAL.match(url) or url.startswith("data:"):
            return
        parts = urlsplit(url)
        if parts.scheme or parts.netloc or url.startswith("//"):
            problems.append(f"{page}: {what} {url!r} is neither relative nor http(s)/mailto")
            return
        if parts.path.startswith("/"):
            problems.append(f"{page}: {what} {url!r} is root-relative (breaks over file:// and in a sub-folder)")
            return
        if parts.path:
            target = posixpath.normpath(posixpath.join(posixpath.dirname(page), unquote(parts.path)))
            if target.startswith("../") or parts.path.endswith("/"):
                problems.append(f"{page}: {what} {url!r} leaves the site or names a folder")
                return
            if (site_dir / target).is_dir():
                problems.append(f"{page}: {what} {url!r} names a folder, not a file (fails over file://)")
                return
            if not (site_dir / target).is_file():
                problems.append(f"{page}: {what} {url!r} -> {target} does not exist")
                return
        else:
            target = page
        if parts.fragment or url.endswith("#"):
            if not target.endswith(".html"):
                problems.append(f"{page}: {what} {url!r} has a fragment but {target} is not a page")
            elif unquote(parts.fragment) not in ids_in(target):
                problems.append(f"{page}: {what} {url!r}: no id={parts.fragment!r} in {target}")

    for page in html_files:
        for tag in soup_of(site_dir / page).find_all(True):
            for attribute, only_on in URL_ATTRIBUTES.items():
                if attribute in tag.attrs and (only_on is None or tag.name == only_on):
                    check(page, str(tag[attribute]).strip(), f"<{tag.name} {attribute}>")

    # The search page builds its result links from the index's entries (paths relative to search.html).
    for entry in read_search_index(site_dir).entries:
        check("search.html", entry[0], "search result")

    assert not problems, f"{len(problems)} broken links:\n" + "\n".join(problems)
    assert checked > 1000, f"only {checked} links checked: is the site empty?"
