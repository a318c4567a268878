"""What the browser tests share besides fixtures: where things are, the page types of the edition,
and a browser context that records everything a page did wrong."""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
CONTENT = ROOT / "content"
ARTIFACTS = ROOT / "tests" / "artifacts"
CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
VNU_JAR = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
INSTALL_HINT = "run `make test` (installs npm deps and, as root, chromium and java)"

# Page types of the edition; articles come from content/ so a new article is covered automatically.
ARTICLE_SLUGS = sorted(p.stem for p in (CONTENT / "articles").glob("*.md"))
SAMPLE_ENTITIES = ["qasem-soleimani", "ain-al-asad", "adil-abdul-mahdi", "kirkuk", "irgc"]
PAGE_TYPES = (["index.html", "glossary/index.html", "sources.html", "claims.html", "timeline.html", "language.html",
               "search.html", "about.html", "404.html", "articles/404.html", "glossary/404.html"]
              + [f"articles/{slug}.html" for slug in ARTICLE_SLUGS]
              + [f"glossary/{entity}.html" for entity in SAMPLE_ENTITIES]
              + (["guide.html"] if (ROOT / "docs" / "editing.md").is_file() else []))  # built beside content/


def unavailable(reason: str) -> None:
    """Skip for a missing tool, but fail under CI=true (CI must not pass by skipping)."""
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason} (CI=true: missing browser-test tools are an error; {INSTALL_HINT})", pytrace=False)
    pytest.skip(f"{reason}; {INSTALL_HINT}")


@dataclass
class Watch:
    """Everything a page did wrong: console errors, uncaught errors, failed and outside requests."""

    allowed_prefixes: tuple[str, ...]
    console: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    outside: list[str] = field(default_factory=list)

    def problems(self) -> list[str]:
        return ([f"console error: {m}" for m in self.console] + [f"page error: {m}" for m in self.page_errors]
                + [f"failed request: {m}" for m in self.failed] + [f"request outside the site: {m}" for m in self.outside])

    def outside_request(self, url: str) -> None:
        if url not in self.outside:
            self.outside.append(url)

    def clear(self) -> None:
        for items in (self.console, self.page_errors, self.failed, self.outside):
            items.clear()


def watched_context(browser: Any, root: str, **options: Any) -> tuple[Any, Watch]:
    """A fresh browser context whose pages may load only files under `root`; everything else is aborted and recorded."""
    watch = Watch((root,))
    context = browser.new_context(**options)

    def route(route: Any) -> None:
        url = route.request.url
        if url.startswith(watch.allowed_prefixes) or url.startswith("data:"):
            route.continue_()
        else:
            watch.outside_request(url)
            route.abort()

    context.route("**/*", route)

    def on_page(page: Any) -> None:
        page.on("console", lambda msg: watch.console.append(f"{msg.text} ({page.url})") if msg.type == "error" else None)
        page.on("pageerror", lambda error: watch.page_errors.append(f"{error} ({page.url})"))
        page.on("requestfailed", lambda request: None if request.url in watch.outside else watch.failed.append(
            f"{request.url}: {request.failure}"))
        page.on("request", lambda request: None if request.url.startswith(watch.allowed_prefixes + ("data:",))
                else watch.outside_request(request.url))
        page.on("response", lambda response: watch.failed.append(f"{response.url}: HTTP {response.status}")
                if response.status >= 400 else None)

    context.on("page", on_page)
    return context, watch
