"""Hostile content in a real browser: the injection edition (payloads in every text field) is built and
every page opened with the production Content-Security-Policy over http, and without any CSP over
file://. No injected script may run (no dialog, no marker set), and no console error may appear: an
injected script that the CSP blocked would show up as one, and so would a violation by the site's
own assets."""
from __future__ import annotations

import functools
import http.server
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any, Iterator

import pytest

from .conftest import _Handler, netlify_headers
from .support import ROOT

EDITION = ROOT / "tests" / "fixtures" / "hostile" / "editions" / "injection-everywhere" / "content"
TRAP = """
window.__injected = [];
for (const name of ["alert", "confirm", "prompt"]) {
  window[name] = (...args) => { window.__injected.push(name + ":" + args.join(",")); };
}
"""


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("hostile") / "site"
    result = subprocess.run([sys.executable, "-m", "builder", "build", "--content", str(EDITION), "--out", str(out),
                             "--theme", str(ROOT / "themes" / "default")], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    return out


@pytest.fixture(scope="module")
def hostile_http(hostile_site: Path) -> Iterator[str]:
    handler = type("Handler", (_Handler,), {"headers_for": netlify_headers()})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=str(hostile_site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize("scheme", ["http", "file"])
def test_no_injected_script_runs_and_no_csp_violation(scheme: str, hostile_site: Path, hostile_http: str,
                                                       open_page: Any):
    root = hostile_http if scheme == "http" else hostile_site.as_uri() + "/"
    page, watch = open_page(root)
    page.add_init_script(TRAP)
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    pages = sorted(p.relative_to(hostile_site).as_posix() for p in hostile_site.rglob("*.html"))
    assert len(pages) > 10
    ran: dict[str, list[str]] = {}
    for name in pages:
        page.goto(root + name, wait_until="load")
        # Give hover/focus-driven code a chance to show hostile names (entity cards, search results).
        for link in page.query_selector_all("a.entity")[:3]:
            link.focus()
        if name == "search.html":
            page.fill("#search-input", "script")
            page.wait_for_timeout(300)
        injected = page.evaluate("window.__injected")
        if injected:
            ran[name] = injected
    assert ran == {} and dialogs == [], f"injected script ran: {ran} {dialogs}"
    assert watch.problems() == []
