"""Search at scale: how long the search page takes over file:// to load its index and answer, and the
memory the tab holds.

    python bench/search_latency.py [--articles 10000] [--runs 3] [--site DIR] [QUERY ...]

Builds content/ (or, with --articles, a synthetic edition made by bench/generate.py) into a temporary
directory, unless --site names one already built, then opens search.html from disk in the system
Chromium (as the tests do: Playwright, never a downloaded browser). For each run, in a fresh page: the
time to load the page and the index's first file, then each query's time from Enter to the results'
status line (with the parts of the index it loaded, and their size), and the JavaScript heap after them.
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from builder.build import Paths, build  # noqa: E402

sys.path.insert(0, str(ROOT / "bench"))
from generate import generate  # noqa: E402

CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
STATUS = "document.getElementById('search-status').textContent"


LOADED = "[...document.querySelectorAll(\"head script[src^='search/']\")].map(s => s.getAttribute('src'))"


def measure(browser, site: Path, queries: list[str]) -> tuple[float, list[tuple[float, int, int]], float]:
    """(page load s, each query's (s, parts it loaded, their bytes), JS heap MB after the queries) in a
    fresh page."""
    page = browser.new_page()
    try:
        session = page.context.new_cdp_session(page)
        session.send("Performance.enable")
        started = time.perf_counter()
        page.goto((site / "search.html").as_uri(), timeout=0)
        loaded = time.perf_counter() - started
        answered = []
        for query in queries:
            before = set(page.evaluate(LOADED))
            page.evaluate(f"{STATUS} = ''")
            started = time.perf_counter()
            page.fill("#search-input", query)
            page.press("#search-input", "Enter")
            page.wait_for_function(f"{STATUS}.endsWith('”')", timeout=0)  # not "Searching…"
            took = time.perf_counter() - started
            new = set(page.evaluate(LOADED)) - before
            answered.append((took, len(new), sum((site / name).stat().st_size for name in new)))
        metrics = {m["name"]: m["value"] for m in session.send("Performance.getMetrics")["metrics"]}
        return loaded, answered, metrics["JSHeapUsedSize"] / 1e6
    finally:
        page.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("queries", nargs="*", default=["missile", "embassy crisis", "zzzq"])
    parser.add_argument("--articles", type=int, default=0, help="a synthetic edition of this many articles")
    parser.add_argument("--site", type=Path, help="an edition already built (skips the build)")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    work = Path(tempfile.mkdtemp(prefix="search-bench-"))
    try:
        site = args.site
        if site is None:
            content = generate(work / "edition", args.articles) if args.articles else ROOT / "content"
            site = work / "site"
            build(Paths(content, site, ROOT / "themes" / "default"))
        parts = sorted((site / "search").glob("*.js"), key=lambda path: path.stat().st_size)
        print(f"search-index.js {(site / 'search-index.js').stat().st_size / 1e6:.2f} MB; {len(parts)} parts, "
              f"{sum(path.stat().st_size for path in parts) / 1e6:.1f} MB in all, largest {parts[-1].name} "
              f"{parts[-1].stat().st_size / 1e6:.2f} MB")
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=["--headless", "--no-sandbox"])
            try:
                runs = [measure(browser, site, args.queries) for _ in range(args.runs)]
            finally:
                browser.close()
        print(f"page and index loaded: median {statistics.median(r[0] for r in runs):.2f} s")
        for number, query in enumerate(args.queries):
            times = [r[1][number][0] for r in runs]
            _, count, size = runs[0][1][number]
            print(f"query {number + 1} “{query}”: median {statistics.median(times):.2f} s (max {max(times):.2f} s), "
                  f"loading {count} parts, {size / 1e6:.2f} MB")
        print(f"JavaScript heap after the queries: median {statistics.median(r[2] for r in runs):.0f} MB")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
