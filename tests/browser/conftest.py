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
import shutil
import subprocess
import sys
import threading
import tomllib
from pathlib import Path
from typing import Any, Callable, Iterator

import pytest

from .support import AXE_JS, CHROMIUM, CHROMIUM_ARGS, ROOT, VNU_JAR, Watch, unavailable, watched_context


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in item.path.parents:
            item.add_marker(pytest.mark.browser)


# ---------------------------------------------------------------------------------------------
# The site


@pytest.fixture(scope="session")
def site_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real content/, built once per session with the project's own command line (as Netlify does)."""
    out = tmp_path_factory.mktemp("edition") / "site"
    result = subprocess.run([sys.executable, "-m", "builder", "build", "--content", "content", "--out", str(out)],
                            cwd=ROOT, capture_output=True, text=True, timeout=300)
    if result.returncode != 0:
        pytest.fail(f"the build failed:\n{result.stderr}", pytrace=False)
    return out


@pytest.fixture(scope="session")
def paged_site_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real content with two articles per concordance page and per page of the home page's list, so
    that entity pages and the home page have further pages (the real edition's five articles never fill
    one), 30 entities per page of the glossary's index, and none listed on a source card, so that each
    outlet and author has its list page."""
    root = tmp_path_factory.mktemp("paged")
    shutil.copytree(ROOT / "content", root / "content")
    settings = root / "content" / "edition.yaml"
    settings.write_text(settings.read_text(encoding="utf-8") + "concordance_page_size: 2\nhome_page_size: 2\nsource_card_size: 0\n"
                        "glossary_page_size: 30\n",
                        encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "builder", "build", "--content", str(root / "content"),
                             "--out", str(root / "site")], cwd=ROOT, capture_output=True, text=True, timeout=300)
    if result.returncode != 0:
        pytest.fail(f"the build failed:\n{result.stderr}", pytrace=False)
    return root / "site"


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
    yield from _serve(site_dir)


@pytest.fixture(scope="session")
def paged_http_root(paged_site_dir: Path) -> Iterator[str]:
    yield from _serve(paged_site_dir)


def _serve(site_dir: Path) -> Iterator[str]:
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
