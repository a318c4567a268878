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
DATA_FILES = ("edition", "sources", "claims", "timeline", "framing")
GLOSSARY = "glossary"
"""The one edition-wide file that grows with an archive (30,000 entities are a 4 MB file): like articles,
it is only listed here and read where it is built (model.read_files), so that its located
YAML tree, about 50 times the file's size, never lives in the building process."""


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
    """The content directory as found: the edition-wide files read, articles and annotations only listed
    (model.build_edition reads each and builds it at once, on every core, so that its parse tree dies young)."""

    root: Path
    data: dict[str, RawDocument]
    """edition, sources, claims, timeline, framing (absent files are missing keys)."""
    article_files: tuple[Path, ...]
    """Every .md (or .markdown) file in articles/, in slug order."""
    annotation_files: tuple[tuple[str | None, Path], ...]
    """(article slug named by the file, or None if the name is not a slug; path) for each .yaml there."""
    guide: str | None = None
    """The editor's guide (docs/editing.md beside the content directory), built into the site when present."""
    article_slugs: tuple[str, ...] = ()
    """The slug of every article file, including those that cannot be read (so references to them
    are not reported as unknown on top of the reading error)."""
    glossary_file: Path | None = None
    """glossary.yaml, when there is one (see GLOSSARY)."""


def display_path(path: Path) -> str:
    return path.as_posix()


def read_text(path: Path, root: Path, diags: Diagnostics) -> str | None:
    """The file's text, or None after reporting why it cannot be read. `root` is the content directory,
    already resolved (Path.resolve): the caller does it once, not once per file."""
    shown = display_path(path)
    loc = SourceLocation(shown)
    try:
        real = path.resolve(strict=True)
    except (OSError, RuntimeError):  # RuntimeError: a symbolic link loop, on Python < 3.13
        diags.error("unreadable", "file cannot be read (broken link?)", loc)
        return None
    if not real.is_relative_to(root):
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
    """Read the edition-wide files under `content_dir` and list the others; problems go to `diags`."""
    if not content_dir.is_dir():
        diags.error("no-content", "content directory not found", SourceLocation(display_path(content_dir)))
        return RawContent(content_dir, {}, (), ())
    data = {}
    real_root = content_dir.resolve()
    for name in DATA_FILES:
        path = content_dir / f"{name}.yaml"
        if path.exists() or path.is_symlink():
            data[name] = read_yaml_file(path, real_root, diags)
    glossary = content_dir / f"{GLOSSARY}.yaml"
    article_files: list[Path] = []
    for path in sorted((content_dir / "articles").glob("*"), key=lambda p: (p.stem, p.suffix != ".md", p.name)):
        if path.suffix not in (".md", ".markdown"):
            if not path.name.startswith("."):
                diags.warning("ignored-file", "not an article (articles end in .md); ignored", SourceLocation(display_path(path)))
            continue
        article_files.append(path)
    annotation_files: list[tuple[str | None, Path]] = []
    for path in sorted((content_dir / "annotations").glob("*")):
        if path.suffix not in (".yaml", ".yml"):
            if not path.name.startswith("."):
                diags.warning("ignored-file", "not an annotations file (.yaml); ignored", SourceLocation(display_path(path)))
            continue
        annotation_files.append((check_slug(path, diags), path))
    guide_path = content_dir.absolute().parent / "docs" / "editing.md"
    guide = read_text(guide_path, guide_path.parent.resolve(), diags) if guide_path.is_file() else None
    # A misnamed file still counts: no cascade of "unknown article".
    return RawContent(content_dir, data, tuple(article_files), tuple(annotation_files), guide,
                      tuple(slug_for(path.stem) for path in article_files),
                      glossary if glossary.exists() or glossary.is_symlink() else None)
