"""`python -m builder new --from FILE.txt`: import a raw article text as content/articles/<slug>.md.

The raw text is laid out like the seeds: the title on the first line, a byline where present, then
paragraphs separated by blank lines. What can be read from the text fills the front matter; what an
editor must decide is marked TODO; lines that look like site furniture (navigation, donation appeals,
comment notices, credits) are flagged in comments, so the editor moves them to `omitted:` or keeps
them. Nothing is dropped silently: the body keeps every paragraph until the editor decides.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

FURNITURE = [
    (re.compile(r"^skip to (main )?content$", re.I), "site navigation"),
    (re.compile(r"^comments are closed\.?$", re.I), "comment notice"),
    (re.compile(r"\b(donat\w*|contribute|support us|help fund|help us survive|patreon|paywall)\b", re.I), "donation appeal"),
    (re.compile(r"\b(newsletter|subscribe|sign up|inbox every|start your day with|news digest)\b", re.I),
     "newsletter promotion"),
    (re.compile(r"^[\w .’'-]{0,40}\bsupport$", re.I), "support button"),
    (re.compile(r"^(copyright|©)|\bcopyright ©", re.I), "copyright notice"),
    (re.compile(r"^screenshot \d{4}-\d{2}-\d{2}", re.I), "stray image file name"),
    (re.compile(r"^\(?(photo|image|picture|graphic)s?( credit)?:|\((pa|ap|afp|reuters) graphics\)$|^featured image", re.I),
     "photo or graphic credit"),
    (re.compile(r"^(proofread|edited) by\b", re.I), "production credit"),
    (re.compile(r"^(share|follow us|read more|related:|tags?:|posted in)\b", re.I), "site furniture"),
    (re.compile(r"^since you.re here", re.I), "donation appeal"),
]
BYLINE = re.compile(r"^(by\s+)?([A-Z][\w.’'-]+(\s+[A-Z][\w.’'-]+){1,3})(\s*[:|,].*)?$")
MONTHS = "january|february|march|april|may|june|july|august|september|october|november|december"
DATE_LINE = re.compile(rf"^({MONTHS})\s+\d{{1,2}},\s+\d{{4}}$|^\d{{1,2}}\s+({MONTHS})\s+\d{{4}}$", re.I)
MARKDOWN_START = re.compile(r"^(#|>|[-+*]\s|\d+[.)]\s|=+\s*$|-{3,}\s*$)")


@dataclass(frozen=True, slots=True)
class Imported:
    article: Path
    annotations: Path
    flagged: int


def slugify(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    words = re.sub(r"[^a-z0-9]+", " ", ascii_text.lower()).split()
    return "-".join(words[:8]) or "article"


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _escape_markdown(paragraph: str) -> str:
    lines = paragraph.split("\n")
    return "\n".join("\\" + line if MARKDOWN_START.match(line) else line for line in lines)


def _date(line: str) -> str | None:
    for fmt in ("%B %d, %Y", "%d %B %Y"):
        try:
            return datetime.strptime(line.strip(), fmt).date().isoformat()
        except ValueError:
            continue
    return None


def import_article(source: Path, content: Path, slug: str | None = None) -> Imported:
    """Write the article and an empty annotations file. Raises FileExistsError, UnicodeDecodeError."""
    text = source.read_text(encoding="utf-8-sig").replace("\r\n", "\n").replace("\r", "\n")
    blocks = [b.strip("\n") for b in re.split(r"\n\s*\n", text) if b.strip()]
    if not blocks:
        raise ValueError("the file has no text")
    lines = blocks[0].split("\n")
    title = lines[0].strip()
    rest = lines[1:]
    head = ["\n".join(rest)] if rest else []
    blocks = head + blocks[1:]
    byline = published = None
    for index, block in enumerate(blocks[:3]):
        line = block.strip()
        if published is None and DATE_LINE.match(line):
            published = _date(line)
            blocks[index] = ""
        elif byline is None and "\n" not in line and len(line) < 60 and BYLINE.match(line) and not line.endswith("."):
            byline = line
            blocks[index] = ""
    body = [b for b in blocks if b]
    slug = slug or slugify(title)
    article_path = content / "articles" / f"{slug}.md"
    notes_path = content / "annotations" / f"{slug}.yaml"
    for path in (article_path, notes_path):
        if path.exists():
            raise FileExistsError(str(path))
    flags = []
    for block in body:
        for line in block.split("\n"):
            reason = next((r for pattern, r in FURNITURE if pattern.search(line.strip())), None)
            if reason:
                flags.append((line.strip(), reason))
    front = ["---", "# yaml-language-server: $schema=../../builder/schemas/article.schema.json",
             f"title: {_quote(title)}",
             "outlet: todo-outlet-id        # TODO: an id from content/sources.yaml (add the outlet there first)"]
    if byline:
        front.append(f"# TODO: the byline reads {_quote(byline)}: add the author to sources.yaml and set `author:`")
    if published:
        front.append(f"published: {published}")
    else:
        front += ["published: 2020-01-01          # TODO: no date line found; set the date", "date_estimated: true"]
    front += ["genre: report                   # TODO: report, analysis or opinion", f"seed: {_quote(source.name)}",
              "omitted:"]
    omitted = []
    if byline:
        omitted.append((byline, "Byline; the author is given in the front matter."))
    omitted += [(line, f"TODO: flagged as {reason}; keep it here only if it is not part of the article, "
                       "and then remove it from the body") for line, reason in flags]
    for line, reason in omitted:
        front += [f"  - text: {_quote(line)}", f"    reason: {_quote(reason)}"]
    if not omitted:
        front[-1] = "omitted: []"
    front.append("---")
    article_path.parent.mkdir(parents=True, exist_ok=True)
    notes_path.parent.mkdir(parents=True, exist_ok=True)
    article_path.write_text("\n".join(front) + "\n" + "\n\n".join(_escape_markdown(b) for b in body) + "\n", encoding="utf-8")
    notes_path.write_text("# yaml-language-server: $schema=../../builder/schemas/annotations.schema.json\nnotes: []\n",
                          encoding="utf-8")
    return Imported(article_path, notes_path, len(flags))
