"""Every page of the built site, over file:// and over http:// with the production CSP: no console
errors, no uncaught errors, no failed requests, nothing fetched from outside the site, scripts ran."""
from __future__ import annotations


def test_every_page_loads_cleanly(open_page, site_root, html_files):
    page, watch = open_page(site_root)
    problems = []
    for path in html_files:
        watch.clear()
        page.goto(site_root + path, wait_until="load")
        if not page.evaluate("document.documentElement.classList.contains('js')"):
            problems.append(f"{path}: edition.js did not run")
        if path.startswith("articles/") and page.locator(".reader-tools").count():
            if page.locator(".reader-tools").is_hidden():
                problems.append(f"{path}: the reader tools stayed hidden")
        problems += [f"{path}: {problem}" for problem in watch.problems()]
    assert not problems, f"{len(problems)} problems over {site_root}:\n" + "\n".join(problems)
    assert len(html_files) > 20
