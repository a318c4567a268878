"""Our builder against Hugo, MkDocs, Pelican and the bare stack on the same synthetic articles, interleaved.

    pip install -e '.[bench]'
    python bench/compare.py --articles 1000 [--runs 3]

Generates an edition (bench/generate.py), then lays the same Markdown articles (text only: no notes,
glossary or cross-source pages, which only our builder makes) out as a Hugo site, a MkDocs project and
a Pelican project, and runs the bare stack on them (bench/bare.py: markdown-it-py and one Jinja2
template per page on every core, the floor for any builder on this project's stack). Each round builds all four cold, in turn, so machine noise hits them alike; the
median wall time of each is reported with our time's ratio to it.
"""
from __future__ import annotations

import argparse
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate import generate  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
FRONT = re.compile(r"^---\n(.*?)\n---\n", re.S)


def articles(content: Path) -> list[tuple[str, str, str, str]]:
    """(slug, title, date, body) of every generated article."""
    found = []
    for path in sorted((content / "articles").glob("*.md")):
        text = path.read_text(encoding="utf-8")
        match = FRONT.match(text)
        meta = dict(line.split(": ", 1) for line in match.group(1).splitlines() if ": " in line)
        found.append((path.stem, meta["title"].strip('"'), meta["published"], text[match.end():]))
    return found


def hugo_site(root: Path, items: list[tuple[str, str, str, str]]) -> list[str]:
    (root / "content" / "posts").mkdir(parents=True)
    (root / "layouts" / "_default").mkdir(parents=True)
    (root / "hugo.toml").write_text('baseURL = "https://bench.example/"\ntitle = "Bench"\n'
                                    'disableKinds = ["taxonomy", "term", "RSS", "sitemap"]\n', encoding="utf-8")
    page = "<!doctype html><html><head><title>{{ .Title }}</title></head><body>{{ block \"main\" . }}{{ end }}</body></html>"
    (root / "layouts" / "_default" / "baseof.html").write_text(page, encoding="utf-8")
    (root / "layouts" / "_default" / "single.html").write_text('{{ define "main" }}<h1>{{ .Title }}</h1>{{ .Content }}{{ end }}',
                                                                 encoding="utf-8")
    (root / "layouts" / "_default" / "list.html").write_text(
        '{{ define "main" }}<ul>{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul>{{ end }}',
        encoding="utf-8")
    for slug, title, date, body in items:
        (root / "content" / "posts" / f"{slug}.md").write_text(f'---\ntitle: "{title}"\ndate: {date}\n---\n{body}',
                                                               encoding="utf-8")
    return [str(BIN / "hugo"), "--quiet", "--source", str(root), "--destination", str(root / "public")]


def mkdocs_site(root: Path, items: list[tuple[str, str, str, str]]) -> list[str]:
    (root / "docs").mkdir(parents=True)
    (root / "mkdocs.yml").write_text("site_name: Bench\nmarkdown_extensions: [footnotes]\n", encoding="utf-8")
    (root / "docs" / "index.md").write_text("# Bench\n", encoding="utf-8")
    for slug, title, _, body in items:
        (root / "docs" / f"{slug}.md").write_text(f"# {title}\n\n{body}", encoding="utf-8")
    return [str(BIN / "mkdocs"), "build", "--quiet", "--config-file", str(root / "mkdocs.yml"),
            "--site-dir", str(root / "public")]


def pelican_site(root: Path, items: list[tuple[str, str, str, str]]) -> list[str]:
    (root / "content").mkdir(parents=True)
    (root / "pelicanconf.py").write_text(
        "SITENAME = 'Bench'\nSITEURL = ''\nTIMEZONE = 'UTC'\nFEED_ALL_ATOM = None\nCATEGORY_FEED_ATOM = None\n"
        "TRANSLATION_FEED_ATOM = None\nAUTHOR_FEED_ATOM = None\nAUTHOR_FEED_RSS = None\n", encoding="utf-8")
    for slug, title, date, body in items:
        (root / "content" / f"{slug}.md").write_text(f"Title: {title}\nDate: {date}\nSlug: {slug}\n\n{body}",
                                                     encoding="utf-8")
    return [str(BIN / "pelican"), str(root / "content"), "--settings", str(root / "pelicanconf.py"),
            "--output", str(root / "public"), "--quiet"]


def bare_site(root: Path, items: list[tuple[str, str, str, str]]) -> list[str]:
    """The stack alone (bench/bare.py): markdown-it-py and one Jinja2 template, on every core."""
    (root / "content").mkdir(parents=True)
    for slug, title, _, body in items:
        (root / "content" / f"{slug}.md").write_text(f"{title}\n{body}", encoding="utf-8")
    return [sys.executable, str(Path(__file__).resolve().parent / "bare.py"), str(root / "content"), str(root / "public")]


def timed(command: list[str], output: Path, cwd: Path) -> float:
    shutil.rmtree(output, ignore_errors=True)
    shutil.rmtree(output.parent / ".cache", ignore_errors=True)
    started = time.perf_counter()
    result = subprocess.run(command, cwd=cwd, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        raise SystemExit(f"{command[0]} failed:\n{result.stderr[-2000:]}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    for tool in ("hugo", "mkdocs", "pelican"):
        if not (BIN / tool).exists():
            raise SystemExit(f"{tool} is not installed in this environment: pip install -e '.[bench]'")
    work = Path(tempfile.mkdtemp(prefix="edition-compare-"))
    try:
        content = generate(work / "edition", args.articles)
        items = articles(content)
        ours = [sys.executable, "-m", "builder", "build", "--content", str(content), "--out", str(work / "ours"),
                "--theme", str(ROOT / "themes" / "default")]
        tools = {"ours (everything)": (ours, work / "ours", ROOT),
                 "hugo": (hugo_site(work / "hugo", items), work / "hugo" / "public", work / "hugo"),
                 "mkdocs": (mkdocs_site(work / "mkdocs", items), work / "mkdocs" / "public", work / "mkdocs"),
                 "pelican": (pelican_site(work / "pelican", items), work / "pelican" / "public", work / "pelican"),
                 "bare stack": (bare_site(work / "bare", items), work / "bare" / "public", work / "bare")}
        times: dict[str, list[float]] = {name: [] for name in tools}
        for _ in range(args.runs):
            for name, (command, output, cwd) in tools.items():
                times[name].append(timed(command, output, cwd))
        mine = statistics.median(times["ours (everything)"])
        print(f"{args.articles} articles, median of {args.runs} interleaved cold builds:")
        for name, values in times.items():
            median = statistics.median(values)
            ratio = "" if name.startswith("ours") else f"   ours / {name} = {mine / median:.2f}"
            print(f"  {name:18} {median:7.2f} s  ({1000 * median / args.articles:.2f} ms/article){ratio}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
