"""Stage 1: find and read every content file. The only reader of content/.

Files are decoded strictly as UTF-8 (a BOM is dropped, CRLF becomes LF); YAML goes through
yamlsource. Nothing here knows what the fields mean: that is model.py's job.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .diagnostics import Diagnostics, SourceLocation
from .frontmatter import split_front_matter
from .yamlsource import load_yaml

MAX_FILE_BYTES = 16 * 1024 * 1024
"""Larger content files are refused: no news article comes near it, and it bounds build time."""

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
DATA_FILES = ("edition", "sources", "glossary", "claims", "timeline", "framing")


@dataclass(frozen=True, slots=True)
class RawDocument:
    """A YAML document as read: located plain values (or None when empty or broken)."""

    path: str
    data: Any
    loc: SourceLocation


@dataclass(frozen=True, slots=True)
class RawArticle:
    """An article file split into located front matter and Markdown body."""

    slug: str
    path: str
    meta: Any
    body: str
    body_line: int
    loc: SourceLocation


@dataclass(frozen=True, slots=True)
class RawContent:
    """Everything read from a content directory."""

    root: str
    data: dict[str, RawDocument]
    """edition, sources, glossary, claims, timeline, framing (absent files are missing keys)."""
    articles: tuple[RawArticle, ...]
    annotations: tuple[tuple[str, RawDocument], ...]
    """(article slug named by the file, document)."""
    guide: str | None = None
    """The editor's guide (docs/editing.md beside the content directory), built into the site when present."""
    article_slugs: tuple[str, ...] = ()
    """The slug of every article file, including those that could not be read (so references to them
    are not reported as unknown on top of the reading error)."""


def display_path(path: Path) -> str:
    return path.as_posix()


def read_text(path: Path, root: Path, diags: Diagnostics) -> str | None:
    """The file's text, or None after reporting why it cannot be read."""
    shown = display_path(path)
    loc = SourceLocation(shown)
    try:
        real = path.resolve(strict=True)
    except (OSError, RuntimeError):  # RuntimeError: a symbolic link loop, on Python < 3.13
        diags.error("unreadable", "file cannot be read (broken link?)", loc)
        return None
    if not real.is_relative_to(root.resolve()):
        diags.error("outside-content", "file is a link to somewhere outside the content directory", loc,
                    ("hint: copy the file into the content directory instead of linking to it",))
        return None
    if not real.is_file():
        diags.error("unreadable", "not a regular file", loc)
        return None
    size = real.stat().st_size
    if size > MAX_FILE_BYTES:
        diags.error("file-too-large",
                    f"file is {size / 1048576:.1f} MiB; content files are limited to {MAX_FILE_BYTES // 1048576} MiB", loc)
        return None
    data = real.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = len(data[data.rfind(b"\n", 0, exc.start) + 1 : exc.start].decode("utf-8", "replace")) + 1
        diags.error("not-utf8", f"file is not valid UTF-8 (byte 0x{data[exc.start]:02x})",
                    SourceLocation(shown, line, column), ("hint: save the file with UTF-8 encoding",))
        return None
    if "\x00" in text:
        at = text.index("\x00")
        line, column = text.count("\n", 0, at) + 1, at - (text.rfind("\n", 0, at) + 1) + 1
        diags.error("not-text", "file contains NUL characters; is it a text file?", SourceLocation(shown, line, column))
        return None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def read_yaml_file(path: Path, root: Path, diags: Diagnostics) -> RawDocument:
    text = read_text(path, root, diags)
    data = None if text is None else load_yaml(text, display_path(path), diags)
    return RawDocument(display_path(path), data, SourceLocation(display_path(path)))


def slug_for(name: str) -> str:
    """The slug a file name should have: accents folded, everything else a hyphen."""
    spaced = re.sub(r"[^\w]+", " ", name)  # dashes of every kind separate words
    folded = unicodedata.normalize("NFKD", spaced).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", folded.lower()).strip("-") or "article"


def check_slug(path: Path, diags: Diagnostics) -> str | None:
    slug = path.stem
    if SLUG_RE.fullmatch(slug):
        return slug
    wanted = slug_for(slug)
    diags.error("bad-file-name",
                f"file name '{path.name}' is not a slug: use lowercase letters, digits and hyphens",
                SourceLocation(display_path(path)), (f"hint: rename it to '{wanted}{path.suffix}'",))
    return None


def read_article(path: Path, root: Path, diags: Diagnostics) -> RawArticle | None:
    slug = check_slug(path, diags)
    text = read_text(path, root, diags)
    if slug is None or text is None:
        return None
    shown = display_path(path)
    split = split_front_matter(text)
    if split is None and text.split("\n", 1)[0].rstrip() == "---":
        diags.error("unclosed-front-matter", "the front matter opened by '---' on line 1 is never closed",
                    SourceLocation(shown), ("hint: end the front matter with a line holding only '---'",))
        return None
    if split is None:
        diags.error("no-front-matter", "article must start with YAML front matter between '---' lines",
                    SourceLocation(shown), ("hint: begin the file with '---', the fields (title, outlet, published, genre), then '---'",))
        return None
    meta = load_yaml(split.meta_text, shown, diags, line_offset=split.meta_line - 1)
    return RawArticle(slug, shown, meta, split.body, split.body_line, SourceLocation(shown))


def read_content(content_dir: Path, diags: Diagnostics) -> RawContent:
    """Read every content file under `content_dir`; problems go to `diags`."""
    if not content_dir.is_dir():
        diags.error("no-content", "content directory not found", SourceLocation(display_path(content_dir)))
        return RawContent(display_path(content_dir), {}, (), ())
    data = {}
    for name in DATA_FILES:
        path = content_dir / f"{name}.yaml"
        if path.exists() or path.is_symlink():
            data[name] = read_yaml_file(path, content_dir, diags)
    articles: list[RawArticle] = []
    first_path: dict[str, str] = {}
    article_slugs: list[str] = []
    for path in sorted((content_dir / "articles").glob("*"), key=lambda p: (p.stem, p.suffix != ".md", p.name)):
        if path.suffix not in (".md", ".markdown"):
            if not path.name.startswith("."):
                diags.warning("ignored-file", "not an article (articles end in .md); ignored", SourceLocation(display_path(path)))
            continue
        article_slugs.append(slug_for(path.stem))  # a misnamed file still counts: no cascade of "unknown article"
        article = read_article(path, content_dir, diags)
        if article is None:
            continue
        if article.slug in first_path:
            diags.error("duplicate-slug", f"two articles have the slug '{article.slug}' (the other is {first_path[article.slug]})",
                        article.loc, ("hint: rename one of the files; the file name is the article's address",))
            continue
        first_path[article.slug] = article.path
        articles.append(article)
    annotations = []
    for path in sorted((content_dir / "annotations").glob("*")):
        if path.suffix not in (".yaml", ".yml"):
            if not path.name.startswith("."):
                diags.warning("ignored-file", "not an annotations file (.yaml); ignored", SourceLocation(display_path(path)))
            continue
        slug = check_slug(path, diags)
        document = read_yaml_file(path, content_dir, diags)
        if slug is not None:
            annotations.append((slug, document))
    guide_path = content_dir.absolute().parent / "docs" / "editing.md"
    guide = read_text(guide_path, guide_path.parent, diags) if guide_path.is_file() else None
    return RawContent(display_path(content_dir), data, tuple(articles), tuple(annotations), guide, tuple(article_slugs))
