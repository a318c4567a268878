"""Full-page screenshots at desktop and phone width, for a person to look at:
tests/artifacts/screenshots/<page>-<width>.png (gitignored). The test checks only that the page does
not scroll sideways, which is the one layout fault a machine can judge reliably."""
from __future__ import annotations

import pytest

from .support import ARTIFACTS

PAGES = {"front": "index.html", "article": "articles/magnier-iranian-messages.html",
         "entity": "glossary/qasem-soleimani.html"}


@pytest.mark.parametrize("width", [1280, 390])
@pytest.mark.parametrize("name", PAGES)
def test_screenshot(open_page, file_root, name, width):
    page, watch = open_page(file_root, width=width, height=900 if width > 600 else 844)
    page.goto(file_root + PAGES[name])
    out = ARTIFACTS / "screenshots" / f"{name}-{width}.png"
    out.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(out), full_page=True)
    assert out.stat().st_size > 10_000
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"{PAGES[name]} scrolls sideways by {overflow}px at {width}px"
    assert not watch.problems(), watch.problems()
