"""Shared fixtures for the browser proof (issue 6): the real content built once per session, a local
HTTP server that sends the site's Content-Security-Policy, one Chromium for the whole session, and
pages that record every console error, page error, failed request and request outside the site.

Missing tools (Chromium, Java, node_modules) skip these tests with the reason, except under CI=true,
where they fail: CI must never pass by skipping the proof.
"""
from __future__ import annotations

import fnmatch
import functools
import http.server
import os
import shutil
import subprocess
import sys
import threading
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator

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
              + [f"glossary/{entity}.html" for entity in SAMPLE_ENTITIES])


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in item.path.parents:
            item.add_marker(pytest.mark.browser)


def unavailable(reason: str) -> None:
    """Skip for a missing tool, but fail under CI=true (CI must not pass by skipping)."""
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason} (CI=true: missing browser-test tools are an error; {INSTALL_HINT})", pytrace=False)
    pytest.skip(f"{reason}; {INSTALL_HINT}")


# ---------------------------------------------------------------------------------------------
# The site


@pytest.fixture(scope="session")
def site_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real content/, built once per session with the project's own command line."""
    out = tmp_path_factory.mktemp("edition") / "site"
    result = subprocess.run([sys.executable, "-m", "builder", "build", "--content", "content", "--out", str(out)],
                            cwd=ROOT, capture_output=True, text=True, timeout=300)
    if result.returncode != 0:
        pytest.fail(f"the build failed:\n{result.stderr}", pytrace=False)
    return out


@pytest.fixture(scope="session")
def html_files(site_dir: Path) -> list[str]:
    return sorted(p.relative_to(site_dir).as_posix() for p in site_dir.rglob("*.html"))


def netlify_headers() -> list[tuple[str, dict[str, str]]]:
    """[[headers]] of netlify.toml as (path pattern, headers)."""
    config = tomllib.loads((ROOT / "netlify.toml").read_text(encoding="utf-8"))
    return [(entry["for"], dict(entry.get("values", {}))) for entry in config.get("headers", [])]


def content_security_policy() -> str:
    for pattern, values in netlify_headers():
        if pattern == "/*" and "Content-Security-Policy" in values:
            return values["Content-Security-Policy"]
    raise AssertionError("netlify.toml sends no Content-Security-Policy for /*")


class _Handler(http.server.SimpleHTTPRequestHandler):
    headers_for: list[tuple[str, dict[str, str]]] = []

    def end_headers(self) -> None:
        path = self.path.split("?", 1)[0].split("#", 1)[0]
        for pattern, values in self.headers_for:
            if fnmatch.fnmatchcase(path, pattern):
                for name, value in values.items():
                    self.send_header(name, value)
        super().end_headers()

    def log_message(self, format: str, *args: Any) -> None:  # keep the test output quiet
        pass


@pytest.fixture(scope="session")
def http_root(site_dir: Path) -> Iterator[str]:
    """The built site over http://127.0.0.1:<free port>/, with netlify.toml's headers (CSP included)."""
    handler = type("Handler", (_Handler,), {"headers_for": netlify_headers()})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=str(site_dir)))
    thread = threading.Thread(target=server.serve_forever, name="site-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="session")
def file_root(site_dir: Path) -> str:
    return site_dir.as_uri() + "/"


@pytest.fixture(scope="session", params=["file", "http"])
def site_root(request: pytest.FixtureRequest) -> str:
    """Each test that takes this runs over file:// and over http:// with the production CSP."""
    return request.getfixturevalue(f"{request.param}_root")


# ---------------------------------------------------------------------------------------------
# Tools


@pytest.fixture(scope="session")
def axe_source() -> str:
    if not AXE_JS.is_file():
        unavailable(f"axe-core is not installed ({AXE_JS.relative_to(ROOT)} is missing)")
    return AXE_JS.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def vnu_command() -> list[str]:
    java = shutil.which("java")
    if java is None:
        unavailable("java is not installed (needed to run the Nu HTML Checker)")
    if not VNU_JAR.is_file():
        unavailable(f"vnu-jar is not installed ({VNU_JAR.relative_to(ROOT)} is missing)")
    return [java, "-jar", str(VNU_JAR)]


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """One headless Chromium (the system's) for the whole session."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        unavailable("the playwright Python package is not installed (pip install -e '.[test]')")
    if not CHROMIUM.is_file():
        unavailable(f"Chromium is not installed at {CHROMIUM}")
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield instance
        finally:
            instance.close()


# ---------------------------------------------------------------------------------------------
# Pages that record what went wrong


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


@pytest.fixture
def open_page(browser: Any) -> Iterator[Callable[..., tuple[Any, Watch]]]:
    """open_page(root, width=1280, height=900, **context_options) -> (page, watch); closed after the test."""
    contexts: list[Any] = []

    def opener(root: str, width: int = 1280, height: int = 900, **options: Any) -> tuple[Any, Watch]:
        context, watch = watched_context(browser, root, viewport={"width": width, "height": height}, **options)
        contexts.append(context)
        return context.new_page(), watch

    yield opener
    for context in contexts:
        context.close()
