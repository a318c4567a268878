"""Lighthouse scores for the front page, an article and an entity page, served on 127.0.0.1.

    python bench/lighthouse.py [--runs 3]

Installs Lighthouse 12.8.2 (the newest that runs on Node 20) into bench/.tools on first use, builds
the site, serves it with the same headers as netlify.toml (CSP included) and runs Lighthouse with
Debian's Chromium in headless mode. Prints the median score per category and page.
"""
from __future__ import annotations

import argparse
import functools
import http.server
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TOOLS = ROOT / "bench" / ".tools"
LIGHTHOUSE = TOOLS / "node_modules" / ".bin" / "lighthouse"
PAGES = ("index.html", "articles/magnier-iranian-messages.html", "glossary/qasem-soleimani.html")
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
FLAGS = ("--headless=new --no-sandbox --disable-gpu --disable-background-networking --disable-component-update "
         "--disable-sync --no-first-run --disable-quic")


def netlify_headers() -> dict[str, str]:
    config = tomllib.loads((ROOT / "netlify.toml").read_text(encoding="utf-8"))
    return next(dict(h["values"]) for h in config["headers"] if h["for"] == "/*")


def serve(directory: Path) -> http.server.ThreadingHTTPServer:
    headers = netlify_headers()

    class Handler(http.server.SimpleHTTPRequestHandler):
        def end_headers(self) -> None:
            for name, value in headers.items():
                self.send_header(name, value)
            super().end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Handler, directory=str(directory)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    if not LIGHTHOUSE.exists():
        TOOLS.mkdir(parents=True, exist_ok=True)
        subprocess.run(["npm", "install", "--prefix", str(TOOLS), "--no-audit", "--no-fund", "--ignore-scripts",
                        "lighthouse@12.8.2"], check=True)
    work = Path(tempfile.mkdtemp(prefix="lighthouse-"))
    site = work / "site"
    subprocess.run([sys.executable, "-m", "builder", "build", "--out", str(site)], cwd=ROOT, check=True,
                   capture_output=True)
    server = serve(site)
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    env = {**os.environ, "CHROME_PATH": os.environ.get("CHROME_PATH", "/usr/bin/chromium")}
    print(f"| page | {' | '.join(CATEGORIES)} |\n| --- |{' --- |' * len(CATEGORIES)}")
    try:
        for page in PAGES:
            scores: dict[str, list[float]] = {c: [] for c in CATEGORIES}
            for run in range(args.runs):
                report = work / f"report-{run}.json"
                subprocess.run([str(LIGHTHOUSE), base + page, "--quiet", "--output=json", f"--output-path={report}",
                                f"--only-categories={','.join(CATEGORIES)}", "--form-factor=mobile",
                                f"--chrome-flags={FLAGS} --user-data-dir={work / f'profile-{run}'}"],
                               env=env, check=True, capture_output=True)
                data = json.loads(report.read_text(encoding="utf-8"))
                for category in CATEGORIES:
                    scores[category].append(100 * data["categories"][category]["score"])
                    for ref in data["categories"][category]["auditRefs"]:
                        audit = data["audits"][ref["id"]]
                        if ref["weight"] and audit["score"] is not None and audit["score"] < 1:
                            print(f"  {page}: {category}: {audit['title']}", file=sys.stderr)
            print(f"| {page} | " + " | ".join(f"{statistics.median(scores[c]):.0f}" for c in CATEGORIES) + " |")
    finally:
        server.shutdown()


if __name__ == "__main__":
    main()
