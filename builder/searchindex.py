"""The search index, in parts that the search page loads as it needs them, as classic scripts so that
search works over file://, where browsers refuse fetch() of local files.

- `search-index.js` (window.EDITION_SEARCH): what every query needs, and small: every entity's
  spellings, where each article's entries start, which part holds which entries.
- `search/d-N.js`: the entries themselves (link, title, kind, text), about CHUNK_BYTES each, in site
  order: loaded only for the results shown, and to check a match that the words alone cannot settle.
- `search/w-C.js`: for every word that begins with the character C, the entries it occurs in.

A query so loads one word part per word it has, then the few entry parts of the results it shows,
where one file of every entry (105 MB at 10,000 articles) had to be loaded and folded before the first
result. Each article's entries and words are made with the rest of its work (articlework), on every
core; this process only appends them to the parts.

Words are what search.js matches against: a run of letters a-z and digits in the text folded as
search.js folds it (fold below), which is tested against the browser's own folding of every character.
"""
from __future__ import annotations

import json
import re
import unicodedata
from collections import defaultdict
from typing import Any, Callable, Iterable, Protocol

from .analysis import ArticleAnalysis
from .model import Article
from .views import KIND_LABELS, Site, event_dates, plain_text

SearchDoc = tuple[str, str, str, str]
"""(href, title, kind, text)."""

CHUNK_BYTES = 48_000
"""Entries are grouped into parts of about this size: a result list of 60 loads at most 60 of them."""
PART_DIR = "search"
WORD = re.compile(r"[a-z0-9]+")
_SEPARATOR = "\x00"  # between an article's entry count, entries and words (JSON escapes it in text)


class _Folds(dict):
    """Folded form of each character beyond ASCII (by code point), made on first sight."""

    def __missing__(self, code: int) -> str:
        char = chr(code)
        out = re.sub("[\u0300-\u036f]", "", unicodedata.normalize("NFD", char)).lower()
        if re.search("[‘’‚′`´ʼ]", out):
            out = "'"
        elif re.search("[“”„″]", out):
            out = '"'
        elif re.search(r"[-‐‑–—_\s\u00a0]", out):
            out = " "
        self[code] = out
        return out


_FOLDS = _Folds()
_BEYOND_ASCII = re.compile(r"[^\x00-\x7f]")
_NOT_WORD = bytes(byte if chr(byte) in "abcdefghijklmnopqrstuvwxyz0123456789\x03" else 32 for byte in range(256))
"""Every byte but a-z, 0-9 and the entry separator \x03 becomes a space (bytes.translate, in C)."""


def fold(text: str) -> str:
    """search.js's foldText: case, accents, apostrophe and dash styles folded. Only its words (WORD)
    need to agree with the browser's; tests/browser/test_search_page.py checks them character by character."""
    return _BEYOND_ASCII.sub(lambda found: _FOLDS[ord(found.group())], text).lower()


def _words(docs: list[SearchDoc]) -> str:
    """The entries' words, encoded for the word parts: for each first character, the character, a space
    and "word:ids" entries (the ids of the entries that have the word, comma-separated), words in order;
    characters separated by \x01. Made with as few Python steps per word as can be: this runs for every
    article, and a thousand words each."""
    joined = "\x03".join(doc[3] + " " + doc[1] for doc in docs)
    if joined.count("\x03") != len(docs) - 1:  # a text with the separator in it (to a search, a space)
        joined = "\x03".join((doc[3] + " " + doc[1]).replace("\x03", " ") for doc in docs)
    folded = fold(joined)
    holders: dict[bytes, list[int]] = defaultdict(list)
    for number, part in enumerate(folded.encode("ascii", "replace").translate(_NOT_WORD).split(b"\x03")):
        for word in set(part.split()):
            holders[word].append(number)
    out, char = [], b""
    for word in sorted(holders):
        ids = holders[word]
        if word[:1] != char:
            char = word[:1]
            out.append(b"\x01" + char)
        out.append(b"%s:%d" % (word, ids[0]) if len(ids) == 1 else word + b":" + b",".join(b"%d" % i for i in ids))
    return b" ".join(out)[1:].replace(b" \x01", b"\x01").decode("ascii")


def article_docs(site: Site, article: Article, analysis: ArticleAnalysis) -> str:
    """One article's share of the index: how many entries, the entries encoded as in a part (comma-
    separated JSON arrays), and its words (see _words), with ids counted within the article."""
    edition = site.edition
    page = f"articles/{article.slug}.html"
    outlet = edition.outlet_of(article).name
    docs: list[SearchDoc] = []
    for passage in analysis.parsed.passages:
        docs.append((f"{page}#{passage.id}", f"{article.title} — {outlet}, ¶{passage.number}", "passage",
                     " ".join(passage.text.split())))
    for note in edition.notes_for(article.slug):
        if note.id in analysis.notes:
            docs.append((f"{page}#note-{note.id}", f"{KIND_LABELS[note.kind]} on “{article.title}”", "note",
                         site.rich.note_forms(note.body, "../")[2]))
    # One encoding of the list, its brackets dropped: the same text as each entry encoded and joined
    # with ",", without json.dumps's set-up (an encoder object) once per entry.
    return _SEPARATOR.join((str(len(docs)), _encode(docs)[1:-1], _words(docs)))


def _encode(value: object) -> str:
    # "</" escaped so no text can close the script element (applied piecewise: no piece ends in "<").
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).replace("</", "<\\/")


def edition_docs(site: Site) -> list[SearchDoc]:
    """The entries of the glossary, claims and timeline, after every article's."""
    edition = site.edition
    entities = sorted(edition.entities.values(), key=lambda e: e.id)
    docs: list[SearchDoc] = [(f"glossary/{entity.id}.html", entity.name, "entity",
                              " · ".join(entity.names) + " — " + plain_text(site.md, entity.description))
                             for entity in entities]
    for claim in edition.claims:
        docs.append((f"claims.html#{claim.id}", claim.question, "claim", plain_text(site.md, claim.finding)))
    for event in edition.events:
        docs.append((f"timeline.html#{event.id}", f"{event_dates(event)}: {event.title}", "event",
                     plain_text(site.md, event.description)))
    return docs


def _part(name: str, data: str) -> bytes:
    return f'EDITION_SEARCH_PART("{name}",{data});\n'.encode("utf-8")


class PartFile(Protocol):
    def write(self, data: bytes) -> object: ...
    def close(self) -> None: ...
    def __enter__(self) -> "PartFile": ...
    def __exit__(self, *_: object) -> None: ...


class _Parts:
    """Entry parts written as they fill, word parts appended to as articles come (one open file per
    first character: the words of 10,000 articles never wait in memory)."""

    def __init__(self, open_file: Callable[[str], PartFile]):
        self.open_file = open_file
        self.chunk_starts: list[int] = []
        self.pending: list[str] = []
        self.pending_size = 0
        self.count = 0
        self.word_files: dict[str, PartFile] = {}

    def docs(self, count: int, encoded: str) -> None:
        if not count:
            return
        if not self.pending:
            self.chunk_starts.append(self.count)
        self.pending.append(encoded)
        self.pending_size += len(encoded)
        self.count += count
        if self.pending_size >= CHUNK_BYTES:
            self.flush()

    def flush(self) -> None:
        if self.pending:
            name = f"d-{len(self.chunk_starts) - 1}"
            with self.open_file(f"{PART_DIR}/{name}.js") as stream:
                stream.write(_part(name, "[" + ",".join(self.pending) + "]"))
            self.pending, self.pending_size = [], 0

    def words(self, group: int, encoded: str) -> None:
        """An article's (or the edition's entries', `group`) words: one line per first character."""
        for segment in encoded.split("\x01") if encoded else ():
            char, entries = segment[0], segment[2:]
            stream = self.word_files.get(char)
            if stream is None:
                stream = self.word_files[char] = self.open_file(f"{PART_DIR}/w-{char}.js")
                stream.write(f'EDITION_SEARCH_PART("w-{char}","'.encode("utf-8"))
            stream.write(f"\\n{group} {entries}".encode("utf-8"))

    def close(self) -> list[str]:
        self.flush()
        for stream in self.word_files.values():
            stream.write(b'");\n')
            stream.close()
        return sorted(self.word_files)


def search_index(site: Site, per_article: Iterable[bytes], open_file: Callable[[str], PartFile]) -> None:
    """Write search-index.js and its parts (open_file(path) gives a new file of the site) from each
    article's share (article_docs, in UTF-8) and the edition's entries."""
    parts = _Parts(open_file)
    bases = []
    for group, share in enumerate(per_article):
        bases.append(parts.count)
        if share:
            count, docs, words = share.decode("utf-8").split(_SEPARATOR)
            parts.docs(int(count), docs)
            parts.words(group, words)
    extra = edition_docs(site)
    bases.append(parts.count)
    parts.flush()  # the edition's entries in parts of their own: they change with neither article
    for start in range(0, len(extra), 64):
        batch = extra[start:start + 64]
        parts.docs(len(batch), _encode(batch)[1:-1])
    parts.words(len(bases) - 1, _words(extra))
    word_chars = parts.close()
    entities = sorted(site.edition.entities.values(), key=lambda e: e.id)
    manifest: dict[str, Any] = {
        "count": parts.count, "bases": bases, "chunks": parts.chunk_starts, "words": "".join(word_chars),
        "entities": bases[-1], "spellings": [[entity.id, list(entity.names)] for entity in entities]}
    with open_file("search-index.js") as stream:
        stream.write(("window.EDITION_SEARCH=" + _encode(manifest) + ";\n").encode("utf-8"))
