"""axe-core, WCAG 2.1 A and AA and axe's best practices (unique landmarks, for one), on every page type: zero violations. Run over http:// with the
production CSP; axe is evaluated through the DevTools protocol, which the page's CSP does not govern."""
from __future__ import annotations

import json

import pytest

from .support import ARTICLE_SLUGS, PAGE_TYPES

WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]

# Every page type at desktop width in the light scheme, and the reading pages again on a phone and in dark mode.
CASES = ([pytest.param(path, 1280, "light", id=f"{path}-1280") for path in PAGE_TYPES]
         + [pytest.param(path, 390, "light", id=f"{path}-390")
            for path in ["index.html", f"articles/{ARTICLE_SLUGS[0]}.html", "glossary/qasem-soleimani.html", "claims.html"]]
         + [pytest.param(path, 1280, "dark", id=f"{path}-dark")
            for path in ["index.html", *[f"articles/{slug}.html" for slug in ARTICLE_SLUGS], "glossary/index.html",
                         "glossary/qasem-soleimani.html", "sources.html", "claims.html", "timeline.html", "language.html",
                         "search.html", "about.html", *[p for p in PAGE_TYPES if p == "guide.html"]]])


def run_axe(page, axe_source: str) -> list[dict]:
    page.evaluate(axe_source)
    result = page.evaluate("""(tags) => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})""",
                           WCAG)
    return result["violations"]


def describe(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"[{v['impact']}] {v['id']}: {v['help']} ({len(v['nodes'])} nodes) {v['helpUrl']}")
        for node in v["nodes"][:5]:
            lines.append(f"    {json.dumps(node['target'])}: {node['failureSummary'].splitlines()[-1].strip()}")
    return "\n".join(lines)


@pytest.mark.parametrize(("path", "width", "scheme"), CASES)
def test_no_axe_violations(open_page, http_root, axe_source, path, width, scheme):
    page, watch = open_page(http_root, width=width, color_scheme=scheme)
    page.goto(http_root + path, wait_until="load")
    if path == "search.html":  # with results on screen, which is how the page is used
        page.fill("#search-input", "Soleimani")
        page.wait_for_selector("#search-results li")
    violations = run_axe(page, axe_source)
    assert not violations, f"{path} at {width}px ({scheme}):\n{describe(violations)}"
    assert not watch.problems(), watch.problems()


@pytest.mark.parametrize("width", [1280, 390])
@pytest.mark.parametrize("name", ["glossary/qasem-soleimani.html", "glossary/qasem-soleimani.page-2.html",
                                  "index.html", "index.page-2.html", "index.page-3.html", "about.page-2.html",
                                  "glossary/index.html", "glossary/index.page-3.html"])
def test_no_axe_violations_on_paged_concordance_home_about_and_glossary_pages(open_page, paged_http_root, axe_source, name, width):
    page, watch = open_page(paged_http_root, width=width)
    page.goto(f"{paged_http_root}{name}", wait_until="load")
    assert page.locator("nav.pager").count() == 2
    assert page.locator("nav.pager").first.evaluate("n => n.getAttribute('aria-label')") != \
        page.locator("nav.pager").last.evaluate("n => n.getAttribute('aria-label')")
    violations = run_axe(page, axe_source)
    assert not violations, f"{name} at {width}px:\n{describe(violations)}"
    assert not watch.problems(), watch.problems()


@pytest.mark.parametrize("width", [1280, 390])
@pytest.mark.parametrize("name", ["sources.html", "articles-from.the-canary.html", "articles-by.ed-sykes.html"])
def test_no_axe_violations_on_sources_with_list_pages(open_page, paged_http_root, axe_source, name, width):
    page, watch = open_page(paged_http_root, width=width)
    page.goto(f"{paged_http_root}{name}", wait_until="load")
    assert page.locator("li.article-card, p.all-articles").count() >= 1
    violations = run_axe(page, axe_source)
    assert not violations, f"{name} at {width}px:\n{describe(violations)}"
    assert not watch.problems(), watch.problems()
