"""Live preview: serve the site on 127.0.0.1, rebuild when content or theme changes, reload the browser.

A failed build keeps the last good site on screen and shows the problems over it (file, line,
message, and the offending lines highlighted with Pygments) until they are fixed. File watching is
watchfiles' (maintained, native notifications), not hand-written polling.
"""
from __future__ import annotations

import html
import json
import threading
import time
from functools import partial
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Callable

from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import get_lexer_for_filename
from pygments.util import ClassNotFound

from .build import Paths, build
from .diagnostics import BuildFailed, Diagnostic
from .quickpage import QuickPages

CLIENT = """(function () {
  var source = new EventSource("/__events");
  source.addEventListener("reload", function () { window.location.reload(); });
  source.addEventListener("problems", function (event) {
    var old = document.getElementById("__overlay"); if (old) old.remove();
    var data = JSON.parse(event.data); if (!data.html) return;
    var box = document.createElement("div"); box.id = "__overlay"; box.setAttribute("role", "alert");
    box.innerHTML = data.html; document.body.appendChild(box);
  });
})();
"""
OVERLAY_CSS = """#__overlay{position:fixed;inset:1rem;overflow:auto;z-index:9999;background:#1e1e1e;color:#eee;
font:14px/1.45 ui-monospace,monospace;padding:1rem 1.4rem;border:3px solid #e5534b;border-radius:8px}
#__overlay h2{color:#ff938a;font:700 16px sans-serif}#__overlay .loc{color:#8db8f2}#__overlay pre{background:#111;padding:.5rem}
#__overlay .hll{background:#5a2a27}"""


def overlay_html(diagnostics: tuple[Diagnostic, ...], root: Path) -> str:
    """The problems as HTML, each with the lines around it highlighted (the offending line marked)."""
    parts = [f"<style>{OVERLAY_CSS}</style><h2>The edition does not build: {len(diagnostics)} problem(s)</h2>"]
    for diagnostic in diagnostics:
        parts.append(f'<p><span class="loc">{html.escape(str(diagnostic.location))}</span> '
                     f"{html.escape(diagnostic.severity)}: {html.escape(diagnostic.message)}</p>")
        parts.extend(f"<p>{html.escape(hint)}</p>" for hint in diagnostic.hints)
        parts.append(_excerpt(root / diagnostic.location.path, diagnostic.location.line))
    return "".join(parts)


def _excerpt(path: Path, line: int, context: int = 3) -> str:
    try:
        lines = path.read_text(encoding="utf-8").split("\n")
    except (OSError, UnicodeDecodeError):
        return ""
    first = max(1, line - context)
    chunk = "\n".join(lines[first - 1 : line + context])
    try:
        lexer = get_lexer_for_filename(path.name)
    except ClassNotFound:
        from pygments.lexers.special import TextLexer

        lexer = TextLexer()
    formatter = HtmlFormatter(nowrap=False, linenos="inline", linenostart=first, hl_lines=[line - first + 1], noclasses=True)
    return highlight(chunk, lexer, formatter)


class Preview:
    """The state shared by the watcher and the HTTP handlers."""

    def __init__(self, paths: Paths, log: Callable[[str], None]):
        self.paths, self.log = paths, log
        self.version = 0
        self.problems = ""
        self.changed = threading.Condition()
        self.quick = QuickPages(paths)

    def on_change(self, changed: set[Path]) -> None:
        """First the one article page an edit affects (when it is that simple), then the whole site."""
        started = time.perf_counter()
        written = self.quick.refresh(changed)
        if written is not None:
            self.log(f"{written} updated in {1000 * (time.perf_counter() - started):.0f} ms")
            self._notify()
        self.rebuild()

    def _notify(self) -> None:
        with self.changed:
            self.version += 1
            self.changed.notify_all()

    def rebuild(self) -> None:
        started = time.perf_counter()
        try:
            report = build(self.paths, env=self.quick.env)
            self.quick.remember(report)
            self.problems = ""
            self.log(f"rebuilt in {1000 * (time.perf_counter() - started):.0f} ms")
        except BuildFailed as failure:
            for diagnostic in failure.diagnostics:
                self.log(diagnostic.format())
            self.problems = overlay_html(failure.diagnostics, Path.cwd())
            self.quick.forget()
        self._notify()


class Handler(SimpleHTTPRequestHandler):
    preview: Preview

    def log_message(self, format: str, *args: object) -> None:  # quiet: the terminal shows builds
        return

    def do_GET(self) -> None:
        if self.path == "/__livereload.js":
            return self._send(CLIENT.encode(), "text/javascript")
        if self.path == "/__events":
            return self._events()
        path = self.translate_path(self.path)
        if self.path.endswith("/") or path.endswith(".html") and Path(path).is_file():
            file = Path(path) / "index.html" if self.path.endswith("/") else Path(path)
            if file.is_file():
                page = file.read_bytes().replace(b"</body>", b'<script src="/__livereload.js"></script></body>')
                return self._send(page, "text/html; charset=utf-8")
        return super().do_GET()

    def _send(self, body: bytes, kind: str) -> None:
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(body)

    def _events(self) -> None:
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        preview = self.preview
        seen = preview.version
        try:
            self._event("problems", json.dumps({"html": preview.problems}))
            while True:
                with preview.changed:
                    preview.changed.wait_for(lambda: preview.version != seen, timeout=15)
                if preview.version == seen:
                    self.wfile.write(b": keep-alive\n\n")
                    self.wfile.flush()
                    continue
                seen = preview.version
                if preview.problems:
                    self._event("problems", json.dumps({"html": preview.problems}))
                else:
                    self._event("reload", "{}")
        except (BrokenPipeError, ConnectionResetError):
            return

    def _event(self, name: str, data: str) -> None:
        self.wfile.write(f"event: {name}\ndata: {data}\n\n".encode())
        self.wfile.flush()


def serve(paths: Paths, port: int, log: Callable[[str], None] = print) -> None:
    """Build, serve on 127.0.0.1:port, and rebuild on every change until interrupted."""
    from watchfiles import watch

    preview = Preview(paths, log)
    preview.rebuild()
    handler = type("PreviewHandler", (Handler,), {"preview": preview})
    server = ThreadingHTTPServer(("127.0.0.1", port), partial(handler, directory=str(paths.out.absolute())))
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    log(f"serving http://127.0.0.1:{server.server_port}/ — watching {paths.content}/ and {paths.theme}/ (Ctrl-C stops)")
    try:
        for changes in watch(paths.content, paths.theme, debounce=20, step=10):
            preview.on_change({Path(path) for _, path in changes})
    finally:
        server.shutdown()
