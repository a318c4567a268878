"""The floor of the required stack: each article's Markdown through markdown-it-py (CommonMark and
footnotes, as ours uses) into one Jinja2 template, written out, on every core. Nothing else: no notes,
no entity linking, no cross-article pages. Hugo's time against this one says how much of the gap to it
the stack alone accounts for.

    python bench/bare.py CONTENT_DIR OUTPUT_DIR     (CONTENT_DIR: <slug>.md files, the title on line 1)
"""
from __future__ import annotations

import multiprocessing
import os
import sys
from pathlib import Path

import jinja2
from markdown_it import MarkdownIt
from markupsafe import Markup
from mdit_py_plugins.footnote import footnote_plugin

PAGE = jinja2.Environment(autoescape=True).from_string(
    '<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>{{ title }}</title></head>\n'
    "<body><main><h1>{{ title }}</h1>\n{{ body }}</main></body></html>\n")
MD = MarkdownIt("commonmark").use(footnote_plugin)


def build_one(job: tuple[Path, Path]) -> None:
    source, out = job
    title, _, body = source.read_text(encoding="utf-8").partition("\n")
    html = PAGE.render(title=title, body=Markup(MD.render(body)))
    (out / f"{source.stem}.html").write_text(html, encoding="utf-8")


def main() -> None:
    content, out = Path(sys.argv[1]), Path(sys.argv[2])
    out.mkdir(parents=True, exist_ok=True)
    jobs = [(path, out) for path in sorted(content.glob("*.md"))]
    with multiprocessing.get_context("fork").Pool(os.cpu_count() or 1) as pool:
        pool.map(build_one, jobs, chunksize=32)


if __name__ == "__main__":
    main()
